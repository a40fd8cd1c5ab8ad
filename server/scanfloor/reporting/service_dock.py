"""The runner of dock-to-stock time (report_service.py): receipt lines, and when the last
of their units left the dock (dock_rules.py: first in, first out).

Reads, narrowed in SQL by warehouse, supplier and the period:
- the receipt lines received onto an inbound location (dock or staging) from LOOKBACK_DAYS
  before the period's first day to its last (a line received earlier and still waiting
  shows in the putaway queue, not here);
- the movements into and out of the warehouses' inbound locations since the first of those
  lines arrived (the movements' location indexes: the dock's own traffic, never the whole
  ledger), and what the inbound locations hold now (balances).
A line was received when it was confirmed (the receipt line's moment); its units are its
movement onto the dock (its posting's, same item, lot and place). A line received straight
into storage (no dock step) has no dock time and is left out, counted in a note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import func, select

from ..catalog.models import Item, Location
from ..extensions import db
from ..ledger.models import Balance, Movement
from ..purchasing.models import PurchaseOrder, Supplier
from ..putaway.rules import INBOUND_TYPES
from ..receiving.models import Receipt, ReceiptLine
from ..timeutil import as_utc
from . import filter_rules
from .dock_rules import DockFlow, opening, stocked_at
from .filter_rules import Filters
from .report_service import Report, runner
from .service_orders import between, narrowed
from .service_report import Ask, timing_report
from .service_rules import DOCK_BREAKDOWNS, DOCK_FILTERS, DockRecord, dock_to_stock

LOOKBACK_DAYS = 90
_RL, _RC, _PO = ReceiptLine.__table__, Receipt.__table__, PurchaseOrder.__table__
_SUP, _I, _LOC = Supplier.__table__, Item.__table__, Location.__table__
_M, _B = Movement.__table__, Balance.__table__
_WH = _LOC.alias("wh")
Key = tuple[int, int, int | None]  # warehouse, item, lot


@dataclass(frozen=True)
class DockLine(DockRecord):
    """A DockRecord with the receipt line it is: its PO, SKU, dock and good units."""

    receipt_line_id: int
    po: str
    sku: str
    location: str
    units: int


def _inbound(filters: Filters) -> dict[int, int]:
    """Inbound location -> its warehouse (of the filter's warehouse)."""
    q = (
        select(_LOC.c.id, _LOC.c.warehouse_id)
        .join(_WH, _WH.c.id == _LOC.c.warehouse_id)
        .where(_LOC.c.type.in_(INBOUND_TYPES), _LOC.c.is_virtual.is_(False))
    )
    if filters.warehouse:
        q = q.where(_WH.c.code == filters.warehouse)
    return {int(i): int(w) for i, w in db.session.execute(q)}


def _receipt_lines(filters: Filters) -> list[Any]:
    q = (
        select(_RL.c.id, _RL.c.posting_id, _RL.c.item_id, _RL.c.lot_id, _RL.c.location_id,
               _RL.c.quantity, _RL.c.damaged_quantity, _RL.c.created_at,
               _LOC.c.code.label("location"), _WH.c.code.label("warehouse"),
               _SUP.c.code.label("supplier"), _PO.c.number, _I.c.sku)
        .join(_RC, _RC.c.id == _RL.c.receipt_id)
        .join(_PO, _PO.c.id == _RC.c.po_id)
        .join(_SUP, _SUP.c.id == _PO.c.supplier_id, isouter=True)
        .join(_LOC, _LOC.c.id == _RL.c.location_id)
        .join(_WH, _WH.c.id == _LOC.c.warehouse_id)
        .join(_I, _I.c.id == _RL.c.item_id)
        .order_by(_RL.c.id)
    )  # fmt: skip
    window = Filters(
        date_from=None
        if filters.date_from is None
        else filters.date_from - timedelta(days=LOOKBACK_DAYS),
        date_to=filters.date_to,
    )
    codes = ((_WH.c.code, filters.warehouse), (_SUP.c.code, filters.supplier))
    return list(db.session.execute(narrowed(q, between(_RL.c.created_at, window), codes)))


def _movements(inbound: dict[int, int], since: datetime) -> list[Any]:
    """Movements into or out of the inbound locations since a moment, each once."""
    cols = (_M.c.id, _M.c.posting_id, _M.c.item_id, _M.c.lot_id, _M.c.quantity,
            _M.c.from_location_id, _M.c.to_location_id, _M.c.occurred_at)  # fmt: skip
    ids = sorted(inbound)
    found: dict[int, Any] = {}
    for side in (_M.c.to_location_id, _M.c.from_location_id):
        for r in db.session.execute(select(*cols).where(side.in_(ids), _M.c.occurred_at >= since)):
            found[int(r.id)] = r
    return list(found.values())


def _on_dock(inbound: dict[int, int]) -> dict[Key, int]:
    q = (
        select(_B.c.location_id, _B.c.item_id, _B.c.lot_id, func.sum(_B.c.quantity))
        .where(_B.c.location_id.in_(sorted(inbound)))
        .group_by(_B.c.location_id, _B.c.item_id, _B.c.lot_id)
    )
    out: dict[Key, int] = defaultdict(int)
    for loc, item, lot, units in db.session.execute(q):
        out[(inbound[int(loc)], int(item), None if lot is None else int(lot))] += int(units)
    return out


def _flows(
    moves: list[Any], inbound: dict[int, int], lines: list[Any]
) -> tuple[dict[Key, list[DockFlow]], set[int]]:
    """The dock's flows per key (dock_rules), and the receipt lines whose arrival was read.
    A flow's moment is the database's value as read (every flow of one database reads the
    same kind), made UTC only where a line's stocked_at is answered: tens of thousands of
    flows, a few thousand answers."""
    waiting_for: dict[tuple[int, int, int | None, int], list[int]] = defaultdict(list)
    for ln in lines:
        waiting_for[(ln.posting_id, ln.item_id, ln.lot_id, ln.location_id)].append(ln.id)
    flows: dict[Key, list[DockFlow]] = defaultdict(list)
    arrived: set[int] = set()
    for mid, posting, item, lot, units, src_loc, dst_loc, at in sorted(moves, key=itemgetter(0)):
        src, dst = inbound.get(src_loc), inbound.get(dst_loc)
        if src is not None and src == dst:
            continue  # dock to dock: still waiting
        if dst is not None:
            mine = waiting_for.get((posting, item, lot, dst_loc))
            line = mine.pop(0) if mine else None
            if line is not None:
                arrived.add(line)
            flows[(dst, item, lot)].append(DockFlow(at, mid, units, line))
        if src is not None:
            flows[(src, item, lot)].append(DockFlow(at, mid, -units))
    return flows, arrived


def dock_lines(filters: Filters) -> tuple[list[DockLine], int]:
    """The receipt lines onto the dock with when they left it, and how many lines were
    received straight into storage (module docstring)."""
    inbound = _inbound(filters)
    read = _receipt_lines(filters)
    lines = [r for r in read if int(r.location_id) in inbound]
    straight = len(read) - len(lines)
    if not lines:
        return [], straight
    since = min(as_utc(r.created_at) for r in lines) - timedelta(days=1)
    flows, arrived = _flows(_movements(inbound, since), inbound, lines)
    now = _on_dock(inbound)
    stocked: dict[int, datetime] = {}
    for key, key_flows in flows.items():
        for line, at in stocked_at(opening(now.get(key, 0), key_flows), key_flows).items():
            if at is not None:
                stocked[line] = as_utc(at)
    out = [
        DockLine(
            warehouse=str(r.warehouse), supplier=None if r.supplier is None else str(r.supplier),
            received_at=as_utc(r.created_at), stocked_at=stocked.get(int(r.id)),
            receipt_line_id=int(r.id), po=str(r.number), sku=str(r.sku),
            location=str(r.location), units=int(r.quantity) - int(r.damaged_quantity),
        )
        for r in lines
        if r.id in arrived
    ]  # fmt: skip
    return out, straight


@runner("dock_to_stock")
def dock_to_stock_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Hours from receiving a line to putting away its last unit (p50, p90), of the lines
    put away in the period; lines received in it still on the dock are shown as waiting."""
    lines, straight = dock_lines(filters)
    rows, total = dock_to_stock(lines, filters, by)
    done = [
        ln
        for ln in filter_rules.select(lines, filters, DOCK_FILTERS, lambda r: r.stocked_at)
        if ln.stocked_at is not None
    ]
    waiting = [
        ln
        for ln in filter_rules.select(lines, filters, DOCK_FILTERS, lambda r: r.received_at)
        if ln.stocked_at is None
    ]
    notes = [
        "A line is stocked when its last unit leaves the dock, first in first out: a "
        "putaway, or a scrap or count loss there."
    ]
    if straight:
        notes.append(f"{straight} receipt lines went straight into storage: no dock time.")
    if filters.date_from is not None:
        notes.append(
            f"Lines received more than {LOOKBACK_DAYS} days before the period are not read."
        )
    ask = Ask("dock_to_stock", filters, by, as_of)
    return timing_report(ask, (rows, total), [*done, *waiting], DOCK_BREAKDOWNS, notes)
