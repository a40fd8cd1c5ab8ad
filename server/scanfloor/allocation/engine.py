"""The one allocation routine: order capture, re-allocation on stock arrival and the batch
run all call `allocate_orders` inside their write transaction.

Steps: find the positions the orders' waiting lines could draw on, lock them in the fixed
order, re-read the lines under those locks (so a concurrent cancel or pick is seen), read the
supply, let the pure rules decide order by order in priority sequence, then write the
reservations, positions, line and order statuses, transitions and feed rows in bulk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .ats_feed import ats_changed, queue_webhook
from .bulk_sql import PerDialect, member
from .channel_loader import ChannelInfo, RankCache, load_channels
from .lost_reservations import note_reserved
from .models import Order, OrderLine, Reservation
from .order_history import Actor, Transition, record, set_lines, set_orders
from .positions import Key, insert_reservations, load_state, lock_positions, raise_reserved
from .rules import (
    WAITING,
    Demand,
    Grant,
    QueuedOrder,
    allocation_sequence,
    allocation_status,
    order_status,
    plan_order,
)

_O = Order.__table__
_L = OrderLine.__table__
_R = Reservation.__table__
# By id lists: expanding IN on SQLite, one array parameter on PostgreSQL (bulk_sql.py).
_ORDERS = PerDialect(
    lambda d: select(
        _O.c.id,
        _O.c.channel_id,
        _O.c.external_id,
        _O.c.status,
        _O.c.ship_to_region,
        _O.c.ordered_at,
    ).where(member(_O.c.id, "ids", d))
)
_LINES = PerDialect(
    lambda d: (
        select(
            _L.c.id,
            _L.c.order_id,
            _L.c.item_id,
            _L.c.quantity,
            _L.c.reserved_qty,
            _L.c.consumed_qty,
            _L.c.status,
            _L.c.promised_ship_date,
            _L.c.line_no,
            _L.c.kit_quantity,
        )
        .where(member(_L.c.order_id, "ids", d))
        .order_by(_L.c.order_id, _L.c.id)
    )
)
_WAITING_ITEMS = PerDialect(
    lambda d: (
        select(_O.c.channel_id, _L.c.item_id)
        .distinct()
        .join(_O, _O.c.id == _L.c.order_id)
        .where(member(_L.c.order_id, "ids", d), _L.c.status.in_(WAITING))
    )
)
_HELD_AT = PerDialect(
    lambda d: select(_R.c.order_line_id, _R.c.warehouse_id).where(
        member(_R.c.order_line_id, "ids", d), _R.c.status == "active"
    )
)


@dataclass
class LineRow:
    id: int
    order_id: int
    item_id: int
    quantity: int
    reserved: int
    consumed: int
    status: str
    promised: date | None
    line_no: int = 0
    kit_quantity: int | None = None

    @property
    def need(self) -> int:
        return self.quantity - self.reserved - self.consumed if self.status in WAITING else 0


@dataclass
class OrderRow:
    id: int
    channel_id: int
    external_id: str
    status: str
    region: str | None
    ordered_at: datetime
    lines: list[LineRow] = field(default_factory=list)

    def waiting(self) -> list[LineRow]:
        return [ln for ln in self.lines if ln.need > 0]


@dataclass
class AllocationSummary:
    orders: int = 0
    lines_considered: int = 0
    lines_allocated: int = 0
    units_reserved: int = 0
    item_ids: set[int] = field(default_factory=set)


def load_orders(conn: Connection, order_ids: Sequence[int], lines: bool = True) -> list[OrderRow]:
    ids = sorted(set(order_ids))
    if not ids:
        return []
    orders = [
        OrderRow(r.id, r.channel_id, r.external_id, r.status, r.ship_to_region, r.ordered_at)
        for r in conn.execute(_ORDERS(conn), {"ids": ids})
    ]
    if lines:
        refresh_lines(conn, orders)
    return orders


def refresh_lines(conn: Connection, orders: Sequence[OrderRow]) -> None:
    """(Re-)read the orders' lines, e.g. once their positions are locked."""
    by_id = {o.id: o for o in orders}
    for o in orders:
        o.lines = []
    for r in conn.execute(_LINES(conn), {"ids": sorted(by_id)}):
        by_id[r[1]].lines.append(LineRow(*r))  # type: ignore[call-arg]  # same column order


def _keys(conn: Connection, order_ids: list[int], channels: dict[int, ChannelInfo]) -> set[Key]:
    """Positions the orders' waiting lines could draw on (read before the locks: a line's
    item and its order's channel never change)."""
    return {
        (item, w)
        for ch, item in conn.execute(_WAITING_ITEMS(conn), {"ids": order_ids})
        for w in channels[ch].rules.warehouse_ids
    }


def allocate_orders(
    conn: Connection,
    order_ids: Sequence[int],
    actor: Actor,
    now: datetime,
) -> AllocationSummary:
    """Allocate every waiting line of these orders, in priority order."""
    orders = load_orders(conn, order_ids, lines=False)
    channels = load_channels(conn, {o.channel_id for o in orders})
    keys = _keys(conn, [o.id for o in orders], channels)
    reserved = lock_positions(conn, keys, now)
    refresh_lines(conn, orders)
    waiting = [o for o in orders if o.waiting()]
    summary = AllocationSummary(orders=len(waiting))
    capped = [c.rules.id for c in channels.values() if c.rules.cap_fraction is not None]
    state = load_state(conn, keys, reserved, now.date(), by_channel_for=capped)
    preferred = _held_at(conn, [ln.id for o in waiting for ln in o.lines if ln.reserved])
    ranks = RankCache(conn)
    by_id = {o.id: o for o in waiting}
    queue = allocation_sequence(
        QueuedOrder(
            o.id,
            channels[o.channel_id].rules.priority,
            min((ln.promised for ln in o.waiting() if ln.promised), default=None),
            o.ordered_at,
        )
        for o in waiting
    )
    grants: list[Grant] = []
    for q in queue:
        o = by_id[q.order_id]
        demands = [Demand(ln.id, ln.item_id, ln.need, ln.promised) for ln in o.waiting()]
        summary.lines_considered += len(demands)
        grants += plan_order(
            demands,
            channels[o.channel_id].rules,
            state,
            ranks(o.region),
            {w for ln in o.lines for w in preferred.get(ln.id, ())},
        )
    _write(conn, waiting, channels, grants, actor, now, summary)
    return summary


def _held_at(conn: Connection, line_ids: list[int]) -> dict[int, set[int]]:
    held: dict[int, set[int]] = defaultdict(set)
    if line_ids:
        for line_id, wh in conn.execute(_HELD_AT(conn), {"ids": line_ids}):
            held[line_id].add(wh)
    return held


def _write(
    conn: Connection,
    orders: list[OrderRow],
    channels: dict[int, ChannelInfo],
    grants: list[Grant],
    actor: Actor,
    now: datetime,
    summary: AllocationSummary,
) -> None:
    granted: dict[int, int] = defaultdict(int)
    for g in grants:
        granted[g.line_id] += g.quantity
    channel_of = {ln.id: o.channel_id for o in orders for ln in o.lines}
    raise_reserved(conn, grants, now)
    insert_reservations(conn, grants, channel_of, now)
    # A line that waited may be in an open wave: picking plans its new units at the commit.
    note_reserved(
        ln.id for o in orders for ln in o.lines if granted.get(ln.id) and ln.status != "received"
    )
    line_rows: list[tuple[int, int, int, str]] = []
    order_rows: list[tuple[int, str]] = []
    transitions: list[Transition] = []
    for o in orders:
        for ln in o.lines:
            if ln.need <= 0:
                continue
            new_reserved = ln.reserved + granted.get(ln.id, 0)
            new_status = allocation_status(ln.quantity, new_reserved, ln.consumed)
            if new_status == "allocated":
                summary.lines_allocated += 1
            if new_status != ln.status or new_reserved != ln.reserved:
                line_rows.append((ln.id, new_reserved, ln.consumed, new_status))
                transitions.append(Transition(o.id, ln.id, ln.status, new_status))
                ln.reserved, ln.status = new_reserved, new_status
        status = order_status(ln.status for ln in o.lines)
        if status != o.status:
            order_rows.append((o.id, status))
            transitions.append(Transition(o.id, None, o.status, status))
            if channels[o.channel_id].webhook:
                queue_webhook(conn, o.channel_id, "order.status", _status_payload(o, status), now)
            o.status = status
    set_lines(conn, line_rows)
    set_orders(conn, order_rows, now)
    record(conn, transitions, actor, now)
    items = {g.item_id for g in grants}
    ats_changed(conn, items, now)
    summary.units_reserved += sum(granted.values())
    summary.item_ids |= items


def _status_payload(o: OrderRow, status: str) -> dict[str, object]:
    return {
        "order_id": o.id,
        "external_id": o.external_id,
        "status": status,
        "lines": [{"id": ln.id, "status": ln.status} for ln in o.lines],
    }
