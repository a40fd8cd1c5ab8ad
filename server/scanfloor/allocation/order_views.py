"""Reading orders: one order with its lines and reservations, lists, and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select

from ..catalog.models import Item
from ..catalog.results import Page, cursor_id, next_cursor, page_limit
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from .models import Channel, Order, OrderEvent, OrderLine, Reservation
from .rules import LINE_STATUSES


@dataclass(frozen=True)
class ReservationView:
    id: int
    order_line_id: int
    warehouse_id: int
    location_id: int | None
    lot_id: int | None
    quantity: int
    status: str
    created_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class LineView:
    id: int
    line_no: int
    item_id: int
    sku: str
    quantity: int
    reserved_qty: int
    consumed_qty: int
    status: str
    price: Decimal | None
    discount: Decimal | None
    tax: Decimal | None
    promised_ship_date: date | None
    listing_id: str | None
    kit_sku: str | None
    kit_quantity: int | None


@dataclass(frozen=True)
class OrderView:
    id: int
    channel: str
    external_id: str
    status: str
    ship_to: dict[str, Any]
    ship_to_region: str | None
    ordered_at: datetime
    created_at: datetime
    lines: list[LineView]
    reservations: list[ReservationView]


@dataclass(frozen=True)
class EventView:
    id: int
    order_line_id: int | None
    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    note: str | None


_O, _L, _R, _C = Order.__table__, OrderLine.__table__, Reservation.__table__, Channel.__table__
_I = Item.__table__
_KIT = _I.alias("kit")
_ORDER = (
    select(
        _O.c.id,
        _C.c.code,
        _O.c.external_id,
        _O.c.status,
        _O.c.ship_to,
        _O.c.ship_to_region,
        _O.c.ordered_at,
        _O.c.created_at,
    )
    .join(_C, _C.c.id == _O.c.channel_id)
    .where(_O.c.id == bindparam("id"))
)
_LINES = (
    select(
        _L.c.id,
        _L.c.line_no,
        _L.c.item_id,
        _I.c.sku,
        _L.c.quantity,
        _L.c.reserved_qty,
        _L.c.consumed_qty,
        _L.c.status,
        _L.c.price,
        _L.c.discount,
        _L.c.tax,
        _L.c.promised_ship_date,
        _L.c.listing_id,
        _KIT.c.sku.label("kit_sku"),
        _L.c.kit_quantity,
    )
    .join(_I, _I.c.id == _L.c.item_id)
    .outerjoin(_KIT, _KIT.c.id == _L.c.kit_item_id)
    .where(_L.c.order_id == bindparam("id"))
    .order_by(_L.c.id)
)
_RESERVATIONS = (
    select(
        _R.c.id,
        _R.c.order_line_id,
        _R.c.warehouse_id,
        _R.c.location_id,
        _R.c.lot_id,
        _R.c.quantity,
        _R.c.status,
        _R.c.created_at,
        _R.c.resolved_at,
    )
    .join(_L, _L.c.id == _R.c.order_line_id)
    .where(_L.c.order_id == bindparam("id"))
    .order_by(_R.c.id)
)


def order_view(order_id: int) -> OrderView:
    """One order with its lines and reservations (Core: capture answers with it)."""
    conn = db.session.connection()
    row = conn.execute(_ORDER, {"id": order_id}).first()
    if row is None:
        raise NotFound("order not found", {"order_id": order_id})
    lines = [LineView(**r._mapping) for r in conn.execute(_LINES, {"id": order_id})]
    reservations = [
        ReservationView(**r._mapping) for r in conn.execute(_RESERVATIONS, {"id": order_id})
    ]
    return OrderView(
        row[0], row[1], row[2], row[3], row[4] or {}, row[5], row[6], row[7], lines, reservations
    )


@dataclass(frozen=True)
class OrderSummary:
    id: int
    channel: str
    external_id: str
    status: str
    ordered_at: datetime
    ship_to_region: str | None


def list_orders(
    *,
    channel: str | None = None,
    status: str | None = None,
    external_id: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[OrderSummary]:
    """Orders, newest first by id, filtered by channel, status or external id."""
    size = page_limit(limit)
    after = cursor_id(cursor)
    q = select(Order, Channel.code).join(Channel, Channel.id == Order.channel_id)
    if channel:
        q = q.where(Channel.code == channel.strip().upper())
    if status:
        if status not in LINE_STATUSES:
            raise ValidationFailed("unknown status", {"status": status, "allowed": LINE_STATUSES})
        q = q.where(Order.status == status)
    if external_id:
        q = q.where(Order.external_id == external_id.strip())
    if after:
        q = q.where(Order.id < after)
    rows = db.session.execute(
        q.order_by(Order.id.desc()).limit(size + 1),
        execution_options={"populate_existing": True},
    ).all()
    out = [
        OrderSummary(o.id, code, o.external_id, o.status, o.ordered_at, o.ship_to_region)
        for o, code in rows[:size]
    ]
    return Page(out, next_cursor([o.id for o, _ in rows], size))


def order_history(order_id: int) -> list[EventView]:
    if db.session.get(Order, order_id) is None:
        raise NotFound("order not found", {"order_id": order_id})
    return [
        EventView(e.id, e.order_line_id, e.at, e.actor, e.from_status, e.to_status, e.note)
        for e in db.session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
        )
    ]
