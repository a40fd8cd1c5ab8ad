"""Order lines become `packed` as their cartons close; the order's status follows.

Inside the closing transaction. The order's positions are locked first (allocation's rule
for anything that changes an order's lines: a pick consuming another line of the same order
waits, so the order's status is worked out from lines nobody else is changing), then the
lines are re-read, the pure rule picks the lines now fully in closed cartons, and the
transitions are written with allocation's history helpers (order_events, the order's
status, and the channel's order.status webhook in the same outbox transaction).
"""

from __future__ import annotations

from ..allocation.ats_feed import queue_webhook
from ..allocation.channel_loader import load_channels
from ..allocation.engine import load_orders
from ..allocation.order_history import Actor, Transition, record, set_lines, set_orders
from ..allocation.reserve import lock_for_orders
from ..allocation.rules import order_status
from ..extensions import db
from ..timeutil import utcnow
from . import queries
from .rules import Line, lines_now_packed

PACKED = "packed"


def mark_packed_lines(order_id: int, actor_id: int | None, note: str) -> list[int]:
    """Move the order's lines whose picked units are all in closed cartons to `packed`."""
    conn = db.session.connection()
    now = utcnow()
    found = load_orders(conn, [order_id])
    if not found:
        return []
    lock_for_orders(conn, found, now)
    order = load_orders(conn, [order_id])[0]
    lines = [Line(ln.id, ln.item_id, ln.quantity, ln.consumed, ln.status) for ln in order.lines]
    done = set(lines_now_packed(lines, queries.packed(queries.cartons_of_order(order_id))))
    if not done:
        return []
    transitions = [
        Transition(order.id, ln.id, ln.status, PACKED, note) for ln in order.lines if ln.id in done
    ]
    set_lines(
        conn, [(ln.id, ln.reserved, ln.consumed, PACKED) for ln in order.lines if ln.id in done]
    )
    for ln in order.lines:
        if ln.id in done:
            ln.status = PACKED
    status = order_status(ln.status for ln in order.lines)
    if status != order.status:
        set_orders(conn, [(order.id, status)], now)
        transitions.append(Transition(order.id, None, order.status, status, note))
        if load_channels(conn, {order.channel_id})[order.channel_id].webhook:
            queue_webhook(
                conn,
                order.channel_id,
                "order.status",
                {
                    "order_id": order.id,
                    "external_id": order.external_id,
                    "status": status,
                    "lines": [{"id": ln.id, "status": ln.status} for ln in order.lines],
                },
                now,
            )
    record(conn, transitions, Actor.user(actor_id), now)
    return sorted(done)
