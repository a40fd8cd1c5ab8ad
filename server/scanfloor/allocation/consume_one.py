"""Consuming the reservation of ONE order line (a single pick confirmation), inside the
caller's transaction, in as few statements as the invariants allow.

It keeps exactly what changes_service.consume_reservation keeps (the same errors, the same
rows written), and consume_bulk.consume_many for a batch:
- PostgreSQL: every position the order's lines hold or could draw on is locked first, in
  the fixed (warehouse_id, item_id) order (positions.py; reserve.lock_for_orders), and the
  order, its lines and the line's active rows are read after that, under the locks. The
  keys and the lock are ONE statement here (INSERT ... SELECT ... ORDER BY ... ON CONFLICT,
  the same upsert-lock positions.py sends). SQLite runs one writer at a time (BEGIN
  IMMEDIATE), so there is nothing to lock and that statement is not sent; the position rows
  it would create are not needed (the position being lowered exists: it was raised).
- each reservation row resolves exactly once, whole or split (reserve.take_from);
- stock_positions.reserved falls by the units consumed (reserve.take_from);
- reserved_qty falls and consumed_qty rises by the same units; the line becomes `picked`
  when all of it is consumed, else `picking`; the order's status, the history rows, the
  channel webhook and the ATS feed note follow as reserve.restate writes them, without
  reading the channel's rules again (the webhook flag comes with the order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Connection

from ..errors import Conflict, NotFound, ValidationFailed
from .ats_feed import ats_changed, queue_webhook
from .bulk_sql import is_pg
from .models import Channel, Order, OrderLine, Reservation
from .order_history import Actor, Transition, naive, record, set_lines, set_orders
from .reserve import Held, take_from
from .rules import order_status, status_after_pick

_O = Order.__table__
_L = OrderLine.__table__
_CH = Channel.__table__
_R = Reservation.__table__

# The order (with its channel's webhook) and all its lines, one row per line, and per
# active reservation row of THE line (read with its line: one statement).
_ORDER_LINES = (
    select(
        _O.c.status.label("order_status"),
        _O.c.channel_id,
        _O.c.external_id,
        _CH.c.webhook_url,
        _L.c.id,
        _L.c.item_id,
        _L.c.quantity,
        _L.c.reserved_qty,
        _L.c.consumed_qty,
        _L.c.status,
        _R.c.id.label("r_id"),
        _R.c.item_id.label("r_item_id"),
        _R.c.warehouse_id.label("r_warehouse_id"),
        _R.c.lot_id.label("r_lot_id"),
        _R.c.quantity.label("r_quantity"),
    )
    .join(_O, _O.c.id == _L.c.order_id)
    .join(_CH, _CH.c.id == _O.c.channel_id)
    .outerjoin(
        _R,
        and_(
            _R.c.order_line_id == _L.c.id,
            _L.c.id == bindparam("line"),
            _R.c.status == "active",
        ),
    )
    .where(_L.c.order_id == bindparam("order"))
    .order_by(_L.c.id, _R.c.id)
)
_ORDER_OF_LINE = select(_L.c.order_id).where(_L.c.id == bindparam("line"))

# PostgreSQL: lock (creating) every position the order's lines could draw on (its channel's
# warehouses) and every position its active rows hold, in the fixed order, in one statement.
_PG_LOCK_ORDER = (
    "INSERT INTO stock_positions (item_id, warehouse_id, reserved, updated_at)"
    " SELECT k.i, k.w, 0, %s::timestamp FROM ("
    " SELECT l.item_id AS i, cw.warehouse_id AS w FROM order_lines l"
    " JOIN orders o ON o.id = l.order_id"
    " JOIN channel_warehouses cw ON cw.channel_id = o.channel_id WHERE l.order_id = %s"
    " UNION SELECT r.item_id, r.warehouse_id FROM reservations r"
    " JOIN order_lines l ON l.id = r.order_line_id"
    " WHERE l.order_id = %s AND r.status = 'active'"
    ") AS k ORDER BY k.w, k.i"
    " ON CONFLICT (item_id, warehouse_id) DO UPDATE SET reserved = stock_positions.reserved"
)


@dataclass(frozen=True)
class Consumed:
    order_line_id: int
    consumed: int
    line_status: str
    reservation_ids: list[int]


def consume_line(
    conn: Connection,
    order_line_id: int,
    quantity: int,
    actor: Actor,
    now: datetime,
    *,
    order_id: int | None = None,
    warehouse_id: int | None = None,
    lot_id: int | None = None,
) -> Consumed:
    """`quantity` reserved units of the line (in that warehouse, of that lot when given)
    resolve as consumed. `order_id` saves a read when the caller knows the line's order."""
    if isinstance(quantity, bool) or quantity <= 0:
        raise ValidationFailed("quantity must be positive", {"quantity": quantity})
    if order_id is None:
        order_id = conn.scalar(_ORDER_OF_LINE, {"line": order_line_id})
        if order_id is None:
            raise NotFound("order line not found", {"order_line_id": order_line_id})
    if is_pg(conn):
        conn.exec_driver_sql(_PG_LOCK_ORDER, (naive(now), order_id, order_id))
    found = conn.execute(_ORDER_LINES, {"order": order_id, "line": order_line_id}).all()
    rows = list({r.id: r for r in found}.values())  # one per line, in line order
    line = next((r for r in rows if r.id == order_line_id), None)
    if line is None:
        raise NotFound(
            "order line not found", {"order_line_id": order_line_id, "order_id": order_id}
        )
    if line.status == "cancelled":
        raise Conflict("this line is cancelled", {"order_line_id": order_line_id})
    held = [
        Held(r.r_id, order_line_id, r.r_item_id, r.r_warehouse_id, r.r_lot_id, r.r_quantity)
        for r in found
        if r.r_id is not None
    ]
    mine = [
        h
        for h in held
        if (warehouse_id is None or h.warehouse_id == warehouse_id)
        and (lot_id is None or h.lot_id == lot_id)
    ]
    available = sum(h.quantity for h in mine)
    if available < quantity:
        raise Conflict(
            "not that many units are reserved for this line",
            {"order_line_id": order_line_id, "reserved": available, "quantity": quantity},
        )
    touched = take_from(conn, mine, quantity, "consumed", now)
    consumed = int(line.consumed_qty) + quantity
    status = status_after_pick(int(line.quantity), int(line.reserved_qty) - quantity, consumed)
    set_lines(conn, [(order_line_id, int(line.reserved_qty) - quantity, consumed, status)])
    _restate_order(conn, order_id, rows, line, status, actor, now)
    return Consumed(order_line_id, consumed, status, touched)


def _restate_order(
    conn: Connection,
    order_id: int,
    rows: Sequence[Any],
    line: Any,
    status: str,
    actor: Actor,
    now: datetime,
) -> None:
    """The order's status, the transitions, the webhook and the feed note, as
    reserve.restate writes them for one changed line."""
    head = rows[0]
    statuses = [status if r.id == line.id else str(r.status) for r in rows]
    transitions = [Transition(order_id, int(line.id), str(line.status), status)]
    before = str(head.order_status)
    after = order_status(statuses)
    if after != before:
        set_orders(conn, [(order_id, after)], now)
        transitions.append(Transition(order_id, None, before, after))
        if head.webhook_url:
            queue_webhook(
                conn,
                int(head.channel_id),
                "order.status",
                {
                    "order_id": order_id,
                    "external_id": head.external_id,
                    "status": after,
                    "lines": [
                        {"id": int(r.id), "status": s} for r, s in zip(rows, statuses, strict=True)
                    ],
                },
                now,
            )
    record(conn, transitions, actor, now)
    ats_changed(conn, {int(line.item_id)}, now)
