"""Resolving reservations: consumed by a pick, released by a cancel or a change, or given
up when stock falls below what is reserved. Each reservation row resolves exactly once:
the update that resolves it only matches it while it is active.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from ..errors import Conflict
from .ats_feed import ats_changed, queue_webhook
from .channel_loader import ChannelInfo, load_channels
from .engine import OrderRow
from .models import Reservation
from .order_history import Actor, Transition, record, set_orders, set_quantities
from .positions import Key, lock_positions, lower_reserved
from .rules import order_status

_R = Reservation.__table__
_ACTIVE_OF_LINES = (
    select(_R.c.id, _R.c.order_line_id, _R.c.item_id, _R.c.warehouse_id, _R.c.lot_id, _R.c.quantity)
    .where(_R.c.order_line_id.in_(bindparam("ids", expanding=True)), _R.c.status == "active")
    .order_by(_R.c.id)
)
_RESOLVE = (
    update(_R)
    .where(_R.c.id == bindparam("b_id"), _R.c.status == "active")
    .values(status=bindparam("b_status"), resolved_at=bindparam("b_now"))
)
_RESOLVE_PART = (
    update(_R)
    .where(_R.c.id == bindparam("b_id"), _R.c.status == "active")
    .values(
        status=bindparam("b_status"), resolved_at=bindparam("b_now"), quantity=bindparam("b_qty")
    )
)


@dataclass(frozen=True)
class Held:
    id: int
    line_id: int
    item_id: int
    warehouse_id: int
    lot_id: int | None
    quantity: int


def active_of_lines(conn: Connection, line_ids: Iterable[int]) -> list[Held]:
    ids = sorted(set(line_ids))
    if not ids:
        return []
    return [Held(*r) for r in conn.execute(_ACTIVE_OF_LINES, {"ids": ids})]


def lock_for_orders(
    conn: Connection, orders: Sequence[OrderRow], now: datetime, extra: Iterable[Key] = ()
) -> None:
    """Lock every position the orders' lines hold or could draw on (the rule that keeps a
    cancel, a pick and a re-allocation of one line from interleaving)."""
    channels = load_channels(conn, {o.channel_id for o in orders})
    keys = {
        (ln.item_id, w)
        for o in orders
        for ln in o.lines
        for w in channels[o.channel_id].rules.warehouse_ids
    }
    lock_positions(conn, keys | set(extra), now)


def resolve(conn: Connection, held: Sequence[Held], status: str, now: datetime) -> None:
    """Resolve whole rows once; raise if any was resolved already (a double consume)."""
    if not held:
        return
    params = [{"b_id": h.id, "b_status": status, "b_now": now} for h in held]
    done = sum(conn.execute(_RESOLVE, p).rowcount for p in params)
    if done != len(held):
        raise Conflict(
            "a reservation was already resolved", {"reservation_ids": [h.id for h in held]}
        )
    totals: dict[Key, int] = defaultdict(int)
    for h in held:
        totals[(h.item_id, h.warehouse_id)] += h.quantity
    lower_reserved(conn, totals, now)


def resolve_part(conn: Connection, h: Held, quantity: int, status: str, now: datetime) -> None:
    """Resolve part of a row: it resolves (consumed or released) for `quantity`, and the rest
    lives on as a new active row split from it."""
    params = {"b_id": h.id, "b_now": now, "b_qty": quantity, "b_status": status}
    if conn.execute(_RESOLVE_PART, params).rowcount != 1:
        raise Conflict("a reservation was already resolved", {"reservation_ids": [h.id]})
    row = conn.execute(select(_R).where(_R.c.id == h.id)).mappings().one()
    rest = {k: v for k, v in row.items() if k != "id"}
    rest.update(
        quantity=h.quantity - quantity, status="active", resolved_at=None, split_from_id=h.id
    )
    conn.execute(_R.insert(), rest)
    lower_reserved(conn, {(h.item_id, h.warehouse_id): quantity}, now)


def take_from(
    conn: Connection, held: Sequence[Held], quantity: int, status: str, now: datetime
) -> list[int]:
    """Resolve `quantity` units of these rows in order (whole rows, then part of one)."""
    whole: list[Held] = []
    left = quantity
    touched: list[int] = []
    for h in held:
        if left <= 0:
            break
        if h.quantity <= left:
            whole.append(h)
            left -= h.quantity
        else:
            resolve_part(conn, h, left, status, now)
            left = 0
        touched.append(h.id)
    resolve(conn, whole, status, now)
    return touched


def follow_order_status(
    conn: Connection,
    o: OrderRow,
    channels: dict[int, ChannelInfo],
    order_rows: list[tuple[int, str]],
    transitions: list[Transition],
    note: str | None,
    now: datetime,
) -> None:
    """After some of an order's lines changed status: the order's own status follows (its
    least advanced live line), the transition is noted, and a channel with a webhook hears
    `order.status` in this transaction's outbox."""
    status = order_status(ln.status for ln in o.lines)
    if status == o.status:
        return
    order_rows.append((o.id, status))
    transitions.append(Transition(o.id, None, o.status, status, note))
    o.status = status
    if channels[o.channel_id].webhook:
        queue_webhook(
            conn,
            o.channel_id,
            "order.status",
            {
                "order_id": o.id,
                "external_id": o.external_id,
                "status": status,
                "lines": [{"id": ln.id, "status": ln.status} for ln in o.lines],
            },
            now,
        )


def restate(
    conn: Connection,
    orders: Sequence[OrderRow],
    changed: dict[int, tuple[int, int, int, str]],
    actor: Actor,
    now: datetime,
    note: str | None = None,
) -> None:
    """Write changed lines (id -> quantity, reserved, consumed, status), their orders'
    statuses, the transitions and the feed rows."""
    channels = load_channels(conn, {o.channel_id for o in orders})
    transitions: list[Transition] = []
    order_rows: list[tuple[int, str]] = []
    items: set[int] = set()
    for o in orders:
        for ln in o.lines:
            if ln.id in changed:
                qty, reserved, consumed, status = changed[ln.id]
                transitions.append(Transition(o.id, ln.id, ln.status, status, note))
                ln.quantity, ln.reserved, ln.consumed, ln.status = qty, reserved, consumed, status
                items.add(ln.item_id)
        follow_order_status(conn, o, channels, order_rows, transitions, note, now)
    set_quantities(conn, [(i, *v) for i, v in changed.items()])
    set_orders(conn, order_rows, now)
    record(conn, transitions, actor, now)
    ats_changed(conn, items, now)
