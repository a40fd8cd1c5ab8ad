"""What a wave may release in a warehouse: the orders, their reserved units still to be
planned, and the bins each comes from (reads only; the release calls them under its locks).

Candidates (docs/decisions/0013):
- an order of an active channel (or of the channels the rules name), not in an open wave
  of this warehouse (`wave_orders.open` of a wave released or picking there);
- its lines `allocated`, `released` or `picking` with active reservations in this warehouse
  that no open pick line covers yet (by order line and lot: a partial pick splits a
  reservation row, so rows are not compared one by one). `partially_allocated` lines are
  not released: they wait for the rest (allocation serves only waiting lines), so an order
  of a channel that allows partial shipment goes out with its complete lines, and the rest
  follows in a later wave;
- for a channel that does not allow partial shipment, only orders whose every live line is
  complete (none received, backordered or partially allocated).
ship_by = the earliest of (ordered_at + the channel's ship_within_hours) and the end
(23:59:59.999999 UTC) of the earliest promised_ship_date of the order's lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.engine import Connection

from ..allocation.models import Channel, Order, OrderLine, Reservation
from ..allocation.rules import WAITING
from ..catalog.models import Item, Location, Lot
from ..ledger.models import Balance
from ..timeutil import as_utc
from .bin_rules import BinStock, BinTake, plan_takes, take
from .models import PickLine, PickTask, Wave, WaveOrder
from .path_rules import Bin, aisle_of, rank_aisles, walk_key
from .wave_rules import OrderCandidate, PickNeed

_O = Order.__table__
_L = OrderLine.__table__
_R = Reservation.__table__
_CH = Channel.__table__
_W = Wave.__table__
_WO = WaveOrder.__table__
_T = PickTask.__table__
_PL = PickLine.__table__
_B = Balance.__table__
_LOC = Location.__table__
_PARENT = _LOC.alias("parent")
_LOT = Lot.__table__
_I = Item.__table__

RELEASABLE = ("allocated", "released", "picking")
OPEN_WAVE = ("released", "picking")

_IN_OPEN_WAVE = exists(
    select(_WO.c.order_id)
    .join(_W, _W.c.id == _WO.c.wave_id)
    .where(
        _WO.c.order_id == _O.c.id,
        _WO.c.open.is_(True),
        _W.c.status.in_(OPEN_WAVE),
        _W.c.warehouse_id == bindparam("wh"),
    )
)
_RESERVED = (
    select(
        _O.c.id.label("order_id"),
        _O.c.external_id,
        _O.c.channel_id,
        _O.c.ordered_at,
        _CH.c.priority,
        _CH.c.ship_within_hours,
        _CH.c.allow_partial_shipment,
        _L.c.id.label("line_id"),
        _L.c.item_id,
        _L.c.promised_ship_date,
        _R.c.lot_id,
        func.sum(_R.c.quantity).label("quantity"),
        func.min(_R.c.id).label("reservation_id"),
    )
    .join(_L, _L.c.id == _R.c.order_line_id)
    .join(_O, _O.c.id == _L.c.order_id)
    .join(_CH, _CH.c.id == _O.c.channel_id)
    .where(
        _R.c.warehouse_id == bindparam("wh"),
        _R.c.status == "active",
        _L.c.status.in_(RELEASABLE),
        _CH.c.active.is_(True),
        ~_IN_OPEN_WAVE,
    )
    .group_by(
        _O.c.id,
        _O.c.external_id,
        _O.c.channel_id,
        _O.c.ordered_at,
        _CH.c.priority,
        _CH.c.ship_within_hours,
        _CH.c.allow_partial_shipment,
        _L.c.id,
        _L.c.item_id,
        _L.c.promised_ship_date,
        _R.c.lot_id,
    )
    .order_by(_O.c.id, _L.c.id, _R.c.lot_id)
)
# Orders with a line still waiting for stock (all-or-nothing channels hold them back).
_WAITING_ORDERS = (
    select(_L.c.order_id)
    .distinct()
    .where(_L.c.order_id.in_(bindparam("ids", expanding=True)), _L.c.status.in_(WAITING))
)
_PROMISED = (
    select(_L.c.order_id, func.min(_L.c.promised_ship_date))
    .where(_L.c.order_id.in_(bindparam("ids", expanding=True)), _L.c.status != "cancelled")
    .group_by(_L.c.order_id)
)
# What open pick lines of this warehouse still plan to take, per order line and lot.
_PLANNED_FOR_LINES = (
    select(_PL.c.order_line_id, _PL.c.lot_id, func.sum(_PL.c.quantity - _PL.c.picked_qty))
    .join(_T, _T.c.id == _PL.c.task_id)
    .where(
        _PL.c.order_line_id.in_(bindparam("ids", expanding=True)),
        _PL.c.status == "open",
        _T.c.warehouse_id == bindparam("wh"),
    )
    .group_by(_PL.c.order_line_id, _PL.c.lot_id)
)
# Loose units per sellable bin of the warehouse, by item and lot.
_STOCK = (
    select(
        _B.c.item_id,
        _B.c.location_id,
        _B.c.lot_id,
        _LOT.c.expiry,
        _B.c.quantity,
        _LOC.c.code,
        _LOC.c.walk_sequence,
        _LOC.c.parent_id,
        _PARENT.c.walk_sequence.label("parent_walk"),
        _PARENT.c.level.label("parent_level"),
    )
    .join(_LOC, _LOC.c.id == _B.c.location_id)
    .outerjoin(_PARENT, _PARENT.c.id == _LOC.c.parent_id)
    .outerjoin(_LOT, _LOT.c.id == _B.c.lot_id)
    .where(
        _B.c.item_id.in_(bindparam("items", expanding=True)),
        _B.c.container_id.is_(None),
        _B.c.quantity > 0,
        _LOC.c.warehouse_id == bindparam("wh"),
        _LOC.c.sellable.is_(True),
        _LOC.c.active.is_(True),
        _LOC.c.is_virtual.is_(False),
    )
)
# What open pick lines already plan to take from each bin (never planned twice).
_PLANNED_FROM_BINS = (
    select(
        _PL.c.item_id,
        _PL.c.location_id,
        _PL.c.lot_id,
        func.sum(_PL.c.quantity - _PL.c.picked_qty - _PL.c.short_qty),
    )
    .join(_T, _T.c.id == _PL.c.task_id)
    .where(
        _PL.c.item_id.in_(bindparam("items", expanding=True)),
        _PL.c.status == "open",
        _T.c.warehouse_id == bindparam("wh"),
    )
    .group_by(_PL.c.item_id, _PL.c.location_id, _PL.c.lot_id)
)
_EXPIRY_TRACKED = select(_I.c.id).where(
    _I.c.id.in_(bindparam("items", expanding=True)), _I.c.expiry_tracked.is_(True)
)


@dataclass
class Need:
    """Reserved units of an order line (one lot, or any lot) not yet on a pick line."""

    line_id: int
    item_id: int
    lot_id: int | None  # the reservation's lot (expiry-tracked items)
    quantity: int
    reservation_id: int


@dataclass
class OrderInfo:
    id: int
    external_id: str
    channel_id: int
    channel_priority: int
    ordered_at: datetime
    ship_within_hours: int | None
    allow_partial: bool
    needs: list[Need] = field(default_factory=list)
    promised: date | None = None

    @property
    def ship_by(self) -> datetime | None:
        return ship_by(self.ordered_at, self.ship_within_hours, self.promised)


def ship_by(
    ordered_at: datetime, within_hours: int | None, promised: date | None
) -> datetime | None:
    """The earliest of the channel's service level and the end of the promised date."""
    options = []
    if within_hours is not None:
        options.append(as_utc(ordered_at) + timedelta(hours=within_hours))
    if promised is not None:
        options.append(datetime.combine(promised, time.max, tzinfo=UTC))
    return min(options) if options else None


def load_candidates(
    conn: Connection, warehouse_id: int, channel_ids: Sequence[int] = ()
) -> dict[int, OrderInfo]:
    """Orders the warehouse may release now, with their unplanned reserved units."""
    orders: dict[int, OrderInfo] = {}
    for r in conn.execute(_RESERVED, {"wh": warehouse_id}):
        if channel_ids and r.channel_id not in channel_ids:
            continue
        o = orders.get(r.order_id)
        if o is None:
            o = orders[r.order_id] = OrderInfo(
                int(r.order_id),
                str(r.external_id),
                int(r.channel_id),
                int(r.priority),
                r.ordered_at,
                r.ship_within_hours,
                bool(r.allow_partial_shipment),
            )
        o.needs.append(
            Need(int(r.line_id), int(r.item_id), r.lot_id, int(r.quantity), int(r.reservation_id))
        )
    if not orders:
        return orders
    ids = sorted(orders)
    waiting = set(conn.scalars(_WAITING_ORDERS, {"ids": ids}))
    for oid in waiting:
        if not orders[oid].allow_partial:
            del orders[oid]
    ids = sorted(orders)
    if not ids:
        return orders
    for oid, promised in conn.execute(_PROMISED, {"ids": ids}):
        orders[oid].promised = promised
    _less_planned(conn, warehouse_id, orders)
    return {oid: o for oid, o in orders.items() if o.needs}


def _less_planned(conn: Connection, warehouse_id: int, orders: dict[int, OrderInfo]) -> None:
    """Take off what open pick lines already cover (see `unplanned`)."""
    kept = {
        id(n) for n in unplanned(conn, warehouse_id, [n for o in orders.values() for n in o.needs])
    }
    for o in orders.values():
        o.needs = [n for n in o.needs if id(n) in kept]


def unplanned(conn: Connection, warehouse_id: int, needs: Sequence[Need]) -> list[Need]:
    """The needs less what open pick lines of this warehouse already cover (by line and lot;
    a pick line of a line reserved without a lot covers whatever lot it picks); each need's
    quantity is lowered in place, and those with nothing left are dropped."""
    line_ids = sorted({n.line_id for n in needs})
    if not line_ids:
        return []
    planned: dict[tuple[int, int | None], int] = defaultdict(int)
    planned_any: dict[int, int] = defaultdict(int)
    for line_id, lot_id, qty in conn.execute(
        _PLANNED_FOR_LINES, {"ids": line_ids, "wh": warehouse_id}
    ):
        planned[(line_id, lot_id)] += int(qty or 0)
        planned_any[line_id] += int(qty or 0)
    kept = []
    for n in needs:
        covered = planned_any[n.line_id] if n.lot_id is None else planned[(n.line_id, n.lot_id)]
        used = min(covered, n.quantity)
        if n.lot_id is None:
            planned_any[n.line_id] -= used
        else:
            planned[(n.line_id, n.lot_id)] -= used
        n.quantity -= used
        if n.quantity > 0:
            kept.append(n)
    return kept


@dataclass
class Stock:
    """The warehouse's pickable stock of some items, as a release plans against it."""

    bins: dict[int, Bin]
    by_item: dict[int, list[BinStock]]
    expiry_tracked: set[int]


def load_stock(conn: Connection, warehouse_id: int, item_ids: set[int]) -> Stock:
    items = sorted(item_ids)
    if not items:
        return Stock({}, {}, set())
    rows = conn.execute(_STOCK, {"items": items, "wh": warehouse_id}).all()
    ranks = rank_aisles((int(r.parent_id), r.parent_walk) for r in rows if r.parent_id is not None)
    bins: dict[int, Bin] = {}
    for r in rows:
        if r.location_id not in bins:
            zone = r.parent_id if r.parent_level == "zone" else None
            bins[r.location_id] = Bin(
                int(r.location_id), aisle_of(r.parent_id, ranks), r.walk_sequence, zone, r.code
            )
    planned = {
        (int(i), int(loc), lot): int(q or 0)
        for i, loc, lot, q in conn.execute(_PLANNED_FROM_BINS, {"items": items, "wh": warehouse_id})
    }
    by_item: dict[int, list[BinStock]] = defaultdict(list)
    for r in rows:
        free = int(r.quantity) - planned.get((int(r.item_id), int(r.location_id), r.lot_id), 0)
        by_item[int(r.item_id)].append(
            BinStock(
                int(r.location_id), r.lot_id, r.expiry, free, walk_key(bins[int(r.location_id)])
            )
        )
    tracked = set(conn.scalars(_EXPIRY_TRACKED, {"items": items}))
    return Stock(bins, dict(by_item), tracked)


@dataclass(frozen=True)
class PlannedNeed:
    need: PickNeed
    reservation_id: int


@dataclass
class Candidates:
    orders: dict[int, OrderInfo]
    candidates: list[OrderCandidate]
    reservation_of: dict[tuple[int, int, int | None], int]  # (line, bin, lot) -> reservation
    skipped: list[tuple[int, str, dict[str, object]]]


def stocks_for(stock: Stock, n: Need) -> list[BinStock]:
    """The bin stock a need may be planned from."""
    rows = stock.by_item.get(n.item_id, [])
    if n.lot_id is not None or n.item_id in stock.expiry_tracked:
        # The reserved lot, exactly (stock without a lot is its own "lot" for FEFO items).
        return [s for s in rows if s.lot_id == n.lot_id]
    return rows


def plan_bins(conn: Connection, warehouse_id: int, orders: dict[int, OrderInfo]) -> Candidates:
    """Bins for every need, order by order (the most urgent first, so an order that finds
    the bins emptied is a less urgent one); an order whose needs the bins cannot cover is
    skipped whole."""
    stock = load_stock(conn, warehouse_id, {n.item_id for o in orders.values() for n in o.needs})
    out = Candidates(orders, [], {}, [])
    ordered = sorted(
        orders.values(),
        key=lambda o: (
            o.ship_by is None,
            o.ship_by or datetime.max.replace(tzinfo=UTC),
            -o.channel_priority,
            as_utc(o.ordered_at),
            o.id,
        ),
    )
    for o in ordered:
        needs: list[PickNeed] = []
        taken: list[tuple[list[BinStock], list[BinTake]]] = []
        short: dict[str, object] | None = None
        for n in o.needs:
            stocks = stocks_for(stock, n)
            takes = plan_takes(stocks, n.quantity)
            if takes is None:
                short = {
                    "order_line_id": n.line_id,
                    "item_id": n.item_id,
                    "lot_id": n.lot_id,
                    "needed": n.quantity,
                    "in_bins": sum(max(0, s.free) for s in stocks),
                }
                break
            take(stocks, takes)
            taken.append((stocks, takes))
            for t in takes:
                needs.append(
                    PickNeed(n.line_id, n.item_id, t.lot_id, t.quantity, stock.bins[t.location_id])
                )
                out.reservation_of[(n.line_id, t.location_id, t.lot_id)] = n.reservation_id
        if short is not None:
            for stocks, takes in taken:  # give back what this order had planned
                take(stocks, [BinTake(t.location_id, t.lot_id, -t.quantity) for t in takes])
            out.skipped.append((o.id, "stock_not_in_bins", short))
            continue
        out.candidates.append(
            OrderCandidate(
                order_id=o.id,
                channel_id=o.channel_id,
                channel_priority=o.channel_priority,
                ship_by=o.ship_by,
                promised_date=o.promised,
                ordered_at=as_utc(o.ordered_at),
                needs=tuple(needs),
            )
        )
    return out


def order_ids_in(conn: Connection, warehouse_id: int) -> list[int]:
    """The candidate orders' ids (a first look, before the release takes its locks)."""
    return sorted({int(r.order_id) for r in conn.execute(_RESERVED, {"wh": warehouse_id})})
