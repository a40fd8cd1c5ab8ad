"""The order records the service-level KPIs count (fill rates, order cycle time, backorder
ageing and exception priority), read set-based: a handful of queries over orders,
order_lines, order_events, cartons, shipments and the ship movements out of the orders'
shipped cartons (found through the movements' source index, once per shipment: never a
scan of the ledger), every one narrowed in SQL by the filters the KPI takes.

How the tables are read (the rules then define every figure):
- An order's warehouse is the one it ships from: its cartons' (the lowest id when they are
  in several), else one its lines hold or held stock in (reservations), else the only
  warehouse its channel ships from; none when nothing says (a warehouse filter leaves such
  an order out).
- An ordered line is one order_lines row, or a kit's component rows (revenue_rules); a
  kit's units are kits, and a kit has shipped (or is held) once every component unit of
  it has (is).
- Units shipped on a shipment: the units of the order's items that left its cartons on
  it, given to the order's lines as ship confirm gives them (shipping.rules.shipped_per_line:
  line order, each line up to the units picked for it), shipment by shipment in order of
  confirmation.
- A line's rest was cancelled on the day of its cancellation in the order's history; when
  none was recorded, the day the order was last changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import String, and_, case, cast, func, null, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement, Select

from ..allocation.models import Channel, ChannelWarehouse, Order, OrderEvent, OrderLine, Reservation
from ..catalog.models import Item, Location
from ..extensions import db
from ..finance.money import RATE_PLACES, quantum
from ..finance.revenue_rules import OrderedLine, line_net, line_row, ordered_lines, shipped_of
from ..ledger.models import Movement
from ..packing.models import Carton
from ..shipping.models import Shipment
from ..shipping.rules import LineState, shipped_per_line
from ..timeutil import as_utc
from .fill_rules import LineRecord, OrderRecord, Shipped
from .filter_rules import Filters
from .service_rules import WaitingRecord

_O, _OL, _CH = Order.__table__, OrderLine.__table__, Channel.__table__
_CW, _R, _E = ChannelWarehouse.__table__, Reservation.__table__, OrderEvent.__table__
_K, _SH, _M = Carton.__table__, Shipment.__table__, Movement.__table__
_I, _LOC = Item.__table__, Location.__table__
_HELD_LINE = _OL.alias("held_line")
_KIT = _I.alias("kit")
_UNPRICED = tuple(null().label(name) for name in ("price", "discount", "tax"))
SHIPMENT_SOURCE = "shipment"  # ship confirm's postings name their shipment


@dataclass(frozen=True)
class OrderLineFacts(LineRecord):
    """A LineRecord with what a person needs to find it: its SKU (a kit's own)."""

    sku: str = ""


@dataclass(frozen=True)
class OrderFacts(OrderRecord):
    """An OrderRecord with the channel's own order number (and, in cycle time's records,
    when it was completed: None while something is left to ship)."""

    external_id: str
    completed_at: datetime | None = None


@dataclass(frozen=True)
class WaitingLine(WaitingRecord):
    """A WaitingRecord with the order and line it is."""

    order_id: int
    external_id: str
    line_no: int
    sku: str


@dataclass(frozen=True)
class OrderRows:
    """What the reads found of the orders in scope: each order's head, its order_lines
    rows (as read), the day each cancelled row was cancelled, and per order its shipments
    in confirmation order with the units per item that left on each."""

    heads: dict[int, Any]
    rows: dict[int, list[Any]]
    cancelled: dict[int, date]
    shipments: dict[int, list[tuple[int, datetime, dict[int, int]]]]
    warehouses: dict[int, str]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def between(column: Any, filters: Filters) -> ColumnElement[bool] | None:
    """The column's moment on a day of the filters' range (both days included)."""
    parts = []
    if filters.date_from is not None:
        parts.append(column >= day_start(filters.date_from))
    if filters.date_to is not None:
        parts.append(column < day_start(filters.date_to + timedelta(days=1)))
    return and_(*parts) if parts else None


def narrowed(
    q: Select[Any], dated: ColumnElement[bool] | None, codes: Iterable[tuple[Any, str | None]]
) -> Select[Any]:
    """The query narrowed to the date condition (if any) and to each code column equal to
    its filter's code (where one is set)."""
    if dated is not None:
        q = q.where(dated)
    for column, code in codes:
        if code:
            q = q.where(column == code)
    return q


def warehouse_id(code: str) -> Any:
    """The id of the warehouse with this code, as a subquery (none: no row matches)."""
    return (
        select(_LOC.c.id).where(_LOC.c.code == code, _LOC.c.level == "warehouse").scalar_subquery()
    )


def order_warehouse() -> ColumnElement[Any]:
    """The order's warehouse (module docstring), correlated to orders."""
    carton = select(func.min(_K.c.warehouse_id)).where(_K.c.order_id == _O.c.id)
    held = (
        select(func.min(_R.c.warehouse_id))
        .select_from(_R.join(_HELD_LINE, _HELD_LINE.c.id == _R.c.order_line_id))
        .where(_HELD_LINE.c.order_id == _O.c.id)
    )
    only = select(case((func.count() == 1, func.min(_CW.c.warehouse_id)))).where(
        _CW.c.channel_id == _O.c.channel_id
    )
    return func.coalesce(carton.scalar_subquery(), held.scalar_subquery(), only.scalar_subquery())


def scope(filters: Filters, *, completed_in_range: bool = False) -> Select[Any]:
    """The ids of the orders a KPI reads: of the filter's channel and warehouse, captured
    in the date range (or, completed_in_range, also those with a shipment confirmed in
    it: an order completes on its last shipment)."""
    q = select(_O.c.id).select_from(_O.join(_CH, _CH.c.id == _O.c.channel_id))
    if filters.channel:
        q = q.where(_CH.c.code == filters.channel)
    if filters.warehouse:
        q = q.where(order_warehouse() == warehouse_id(filters.warehouse))
    dated = between(_O.c.ordered_at, filters)
    if dated is not None and completed_in_range:
        confirmed = between(_SH.c.confirmed_at, filters)
        assert confirmed is not None  # the same range as `dated`
        shipped = (
            select(_K.c.order_id)
            .join(_SH, _SH.c.id == _K.c.shipment_id)
            .where(_K.c.status == "shipped", _SH.c.status == "confirmed", confirmed)
        )
        dated = or_(dated, _O.c.id.in_(shipped))
    return q if dated is None else q.where(dated)


def read_orders(
    ids: Select[Any],
    *,
    shipments: bool = True,
    money: bool = False,
    conn: Connection | None = None,
    lines: bool = True,
) -> OrderRows:
    """The heads, rows, cancellations and (when asked) shipments of the orders `ids`
    selects: four queries, whatever the number of orders. The rows' price, discount and
    tax are read only when asked (money): the fill rates and cycle time need none. Only the
    heads when `lines` is False (the order facts hold the rest). On the session's connection
    unless given one (the order facts' refresh and rebuild)."""
    conn = conn if conn is not None else db.session.connection()
    heads_q = (
        select(_O.c.id, _O.c.external_id, _O.c.ordered_at, _O.c.updated_at,
               _CH.c.code.label("channel"), _CH.c.ship_within_hours,
               order_warehouse().label("warehouse_id"))
        .join(_CH, _CH.c.id == _O.c.channel_id)
        .where(_O.c.id.in_(ids))
    )  # fmt: skip
    heads = {int(r.id): r for r in conn.execute(heads_q)}
    if not lines:
        return OrderRows(heads, {}, {}, {}, warehouse_codes(conn))
    priced = (_OL.c.price, _OL.c.discount, _OL.c.tax) if money else _UNPRICED
    rows_q = (
        select(_OL.c.id, _OL.c.order_id, _OL.c.line_no, _OL.c.item_id, _OL.c.quantity,
               _OL.c.reserved_qty, _OL.c.consumed_qty, _OL.c.status, _OL.c.promised_ship_date,
               *priced, _OL.c.kit_quantity, func.coalesce(_KIT.c.sku, _I.c.sku).label("sku"))
        .join(_I, _I.c.id == _OL.c.item_id)
        .join(_KIT, _KIT.c.id == _OL.c.kit_item_id, isouter=True)
        .where(_OL.c.order_id.in_(ids))
        .order_by(_OL.c.order_id, _OL.c.id)
    )  # fmt: skip
    rows: dict[int, list[Any]] = defaultdict(list)
    for r in conn.execute(rows_q):
        rows[int(r.order_id)].append(r)
    cancel_q = (
        select(_E.c.order_line_id, func.min(_E.c.at))
        .where(_E.c.order_id.in_(ids), _E.c.to_status == "cancelled",
               _E.c.order_line_id.is_not(None))
        .group_by(_E.c.order_line_id)
    )  # fmt: skip
    cancelled = {int(line): as_utc(at).date() for line, at in conn.execute(cancel_q)}
    return OrderRows(
        heads=heads,
        rows=dict(rows),
        cancelled=cancelled,
        shipments=_shipments(conn, ids) if shipments else {},
        warehouses=warehouse_codes(conn),
    )


def _shipments(
    conn: Connection, ids: Select[Any]
) -> dict[int, list[tuple[int, datetime, dict[int, int]]]]:
    # The ship movements of the orders' shipments, found once per shipment through the
    # movements' source index and summed per carton and item, then given to the cartons.
    shipped = (
        select(_K.c.container_id, _K.c.order_id, _K.c.shipment_id)
        .where(_K.c.order_id.in_(ids), _K.c.status == "shipped")
        .subquery()
    )
    sources = select(cast(shipped.c.shipment_id, String(64))).distinct()
    moved = (
        select(_M.c.source_id, _M.c.from_container_id, _M.c.item_id,
               func.sum(_M.c.quantity).label("units"))
        .where(_M.c.source_type == SHIPMENT_SOURCE, _M.c.movement_type == "ship",
               _M.c.source_id.in_(sources))
        .group_by(_M.c.source_id, _M.c.from_container_id, _M.c.item_id)
        .subquery()
    )  # fmt: skip
    q = (
        select(shipped.c.order_id, _SH.c.id, _SH.c.confirmed_at, moved.c.item_id, moved.c.units)
        .join(moved, moved.c.from_container_id == shipped.c.container_id)
        .join(_SH, _SH.c.id == shipped.c.shipment_id)
        .where(_SH.c.status == "confirmed", moved.c.source_id == cast(_SH.c.id, String(64)))
    )
    found: dict[int, dict[int, tuple[datetime, dict[int, int]]]] = defaultdict(dict)
    for order_id, shipment_id, confirmed_at, item_id, units in conn.execute(q):
        _at, items = found[int(order_id)].setdefault(int(shipment_id), (as_utc(confirmed_at), {}))
        items[int(item_id)] = items.get(int(item_id), 0) + int(units)
    return {
        order: sorted(((s, at, items) for s, (at, items) in by_shipment.items()),
                      key=lambda x: (x[1], x[0]))
        for order, by_shipment in found.items()
    }  # fmt: skip


def warehouse_codes(conn: Connection | None = None) -> dict[int, str]:
    q = select(_LOC.c.id, _LOC.c.code).where(_LOC.c.level == "warehouse")
    return {int(i): str(c) for i, c in (conn or db.session.connection()).execute(q)}


def lines_of(rows: Sequence[Any]) -> list[OrderedLine]:
    """The ordered lines of an order's rows (a kit's component rows are one line)."""
    return ordered_lines(line_row(r) for r in rows)


def _shipped_per_line(
    rows: Sequence[Any],
    lines: Sequence[OrderedLine],
    shipments: Sequence[tuple[int, datetime, dict[int, int]]],
) -> dict[int, list[Shipped]]:
    """Line number -> the units (kits) of it each shipment carried (module docstring)."""
    if not shipments:
        return {}
    states = [
        LineState(int(r.id), int(r.item_id), int(r.quantity), str(r.status), int(r.consumed_qty))
        for r in rows
    ]
    sent: dict[int, int] = defaultdict(int)
    before = {ln.line_no: 0 for ln in lines}
    out: dict[int, list[Shipped]] = defaultdict(list)
    for shipment_id, at, items in shipments:
        for item_id, units in items.items():
            sent[item_id] += units
        per_row = shipped_per_line(states, sent)
        for ln in lines:
            now = shipped_of(ln, per_row)
            if now > before[ln.line_no]:
                out[ln.line_no].append(Shipped(shipment_id, at, now - before[ln.line_no]))
                before[ln.line_no] = now
    return out


def _cancelled_on(
    line: OrderedLine, status: dict[int, str], found: OrderRows, head: Any
) -> date | None:
    """The day the line's rest was cancelled (None: a row of it is live)."""
    if any(status[row.id] != "cancelled" for row in line.rows):
        return None
    days = [found.cancelled[row.id] for row in line.rows if row.id in found.cancelled]
    return min(days) if days else as_utc(head.updated_at).date()


def order_facts(found: OrderRows) -> list[OrderFacts]:
    """Every order read as the fill rates and cycle time count it."""
    out = []
    for order_id, head in found.heads.items():
        rows = found.rows.get(order_id, [])
        by_no = {int(r.line_no): r for r in rows}
        status = {int(r.id): str(r.status) for r in rows}
        ordered = lines_of(rows)
        shipped = _shipped_per_line(rows, ordered, found.shipments.get(order_id, []))
        lines = tuple(
            OrderLineFacts(
                line_no=ln.line_no,
                ordered=ln.quantity,
                promised_on=by_no[ln.line_no].promised_ship_date,
                shipped=tuple(shipped.get(ln.line_no, ())),
                cancelled_on=_cancelled_on(ln, status, found, head),
                sku=str(by_no[ln.line_no].sku),
            )
            for ln in ordered
        )
        out.append(
            OrderFacts(
                order_id=order_id,
                channel=str(head.channel),
                warehouse=found.warehouses.get(head.warehouse_id),
                ordered_at=as_utc(head.ordered_at),
                lines=lines,
                external_id=str(head.external_id),
            )
        )
    return out


def held_of(line: OrderedLine, rows: Sequence[Any]) -> int:
    """Units (kits) of the line reserved or picked."""
    held = {int(r.id): int(r.reserved_qty) + int(r.consumed_qty) for r in rows}
    return shipped_of(line, held)


def net_unit_price(line: OrderedLine) -> Decimal | None:
    """The line's net selling price per unit (per kit), tax excluded, to 6 places; None
    without a price."""
    if line.price is None or line.quantity <= 0:
        return None
    q = quantum(str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR"))
    return (line_net(line, q) / line.quantity).quantize(RATE_PLACES)


def waiting_lines(found: OrderRows) -> list[WaitingLine]:
    """Every live ordered line with units (kits) neither reserved nor picked."""
    out = []
    for order_id, head in found.heads.items():
        rows = found.rows.get(order_id, [])
        for ln in lines_of(rows):
            mine = [r for r in rows if int(r.line_no) == ln.line_no]
            if any(r.status == "cancelled" for r in mine):
                continue
            waiting = ln.quantity - held_of(ln, mine)
            if waiting <= 0:
                continue
            out.append(
                WaitingLine(
                    channel=str(head.channel),
                    warehouse=found.warehouses.get(head.warehouse_id),
                    ordered_at=as_utc(head.ordered_at),
                    waiting=waiting,
                    unit_price=net_unit_price(ln),
                    order_id=order_id,
                    external_id=str(head.external_id),
                    line_no=ln.line_no,
                    sku=str(mine[0].sku),
                )
            )
    return out
