"""Keeping reservations in step with stock: reservations are given up where sellable stock
fell below them, and waiting lines are served when stock arrives.

Which reservations a shortfall gives up (`release_shortfalls`): first those of lines not
yet in a wave (received, backordered, partially allocated, allocated), then those of lines
already released into one or being picked (released, picking), whose units a picker may
be walking to. Within each group the last served give theirs up first (channel priority,
promised date, age: the serving order, reversed), whole rows until the shortfall is
covered. The lines that lose units are named for the transaction (lost_reservations.py),
so picking takes their open pick lines down to what is still reserved before the commit.

Inside a posting's transaction, allocation/subscriber.py does this as the transaction
commits, with `release_shortfalls` and `waiting_orders` from here (docs/decisions/0009).
`run_allocation`, the batch run (`scanfloor allocate`, POST /api/v1/allocation/run), does
both for everything: the catch-up for stock no posting announced (a bin made sellable, a
channel given another warehouse). `reallocate_items` serves waiting lines after a cancel or
a lowered quantity freed units (changes_service, right after its commit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from ..catalog.models import Location
from ..database import in_write_transaction, write_transaction
from ..extensions import db
from ..ledger.models import Balance
from ..timeutil import utcnow
from .ats_feed import ats_changed
from .engine import AllocationSummary, allocate_orders, load_orders
from .lost_reservations import note_lost
from .models import Channel, Order, OrderLine, Reservation, StockPosition
from .order_history import Actor
from .positions import Key, load_state, lock_positions
from .reserve import Held, resolve, restate
from .rules import (
    WAITING,
    QueuedOrder,
    allocation_sequence,
    allocation_status,
    releases_for_shortfall,
)

CHUNK_ORDERS = 1000
SHORTFALL_NOTE = "stock fell below its reservations"

_L = OrderLine.__table__
_O = Order.__table__
_C = Channel.__table__
_R = Reservation.__table__
_P = StockPosition.__table__
_B = Balance.__table__
_LOC = Location.__table__

_QUEUE = (
    select(_O.c.id, _C.c.priority, func.min(_L.c.promised_ship_date), _O.c.ordered_at)
    .join(_O, _O.c.id == _L.c.order_id)
    .join(_C, _C.c.id == _O.c.channel_id)
    .where(_L.c.status.in_(WAITING))
    .group_by(_O.c.id, _C.c.priority, _O.c.ordered_at)
)
_QUEUE_FOR = _QUEUE.where(_L.c.item_id.in_(bindparam("items", expanding=True)))
_HELD_POSITIONS = select(_P.c.item_id, _P.c.warehouse_id, _P.c.reserved).where(_P.c.reserved > 0)
_SELLABLE_OF = (
    select(_B.c.item_id, _LOC.c.warehouse_id, func.sum(_B.c.quantity))
    .join(_LOC, _LOC.c.id == _B.c.location_id)
    .where(_LOC.c.sellable.is_(True), _LOC.c.is_virtual.is_(False))
    .group_by(_B.c.item_id, _LOC.c.warehouse_id)
)
_SERVING = (
    select(
        _R.c.id,
        _R.c.order_line_id,
        _R.c.item_id,
        _R.c.warehouse_id,
        _R.c.lot_id,
        _R.c.quantity,
        _O.c.id.label("order_id"),
        _L.c.status.label("line_status"),
    )
    .join(_L, _L.c.id == _R.c.order_line_id)
    .join(_O, _O.c.id == _L.c.order_id)
    .join(_C, _C.c.id == _O.c.channel_id)
    .where(
        _R.c.item_id == bindparam("item"),
        _R.c.warehouse_id == bindparam("wh"),
        _R.c.status == "active",
    )
    .order_by(
        _C.c.priority.desc(),
        func.coalesce(_L.c.promised_ship_date, date.max),
        _O.c.ordered_at,
        _O.c.id,
        _R.c.id,
    )
)
_ORDERS_OF_LINES = select(_L.c.order_id).where(_L.c.id.in_(bindparam("ids", expanding=True)))
# Lines whose reserved units a wave may already send a picker to: given up last.
IN_A_WAVE = ("released", "picking")


def waiting_orders(conn: Connection, item_ids: Iterable[int] | None) -> list[int]:
    """Orders with lines waiting (for these items; None: any), in allocation sequence."""
    if item_ids is None:
        rows = conn.execute(_QUEUE)
    else:
        items = sorted(set(item_ids))
        if not items:
            return []
        rows = conn.execute(_QUEUE_FOR, {"items": items})
    queued = [QueuedOrder(r[0], r[1], r[2], r[3]) for r in rows]
    return [o.order_id for o in allocation_sequence(queued)]


def _allocate_queue(order_ids: list[int], actor: Actor) -> AllocationSummary:
    total = AllocationSummary()
    for start in range(0, len(order_ids), CHUNK_ORDERS):
        with write_transaction():
            conn = db.session.connection()
            s = allocate_orders(conn, order_ids[start : start + CHUNK_ORDERS], actor, utcnow())
        total.orders += s.orders
        total.lines_considered += s.lines_considered
        total.lines_allocated += s.lines_allocated
        total.units_reserved += s.units_reserved
        total.item_ids |= s.item_ids
    return total


def _short_positions(conn: Connection, item_ids: Iterable[int] | None) -> list[Key]:
    """Positions holding reservations beyond their sellable stock (whole or lot by lot),
    read without locks: the batch's first look, checked again under the locks."""
    held_q, sell_q = _HELD_POSITIONS, _SELLABLE_OF
    if item_ids is not None:
        ids = sorted(set(item_ids))
        held_q = held_q.where(_P.c.item_id.in_(ids))
        sell_q = sell_q.where(_B.c.item_id.in_(ids))
    held = {(r[0], r[1]): int(r[2]) for r in conn.execute(held_q)}
    if not held:
        return []
    sellable = {(r[0], r[1]): int(r[2]) for r in conn.execute(sell_q) if (r[0], r[1]) in held}
    short = [k for k, r in held.items() if r > sellable.get(k, 0)]
    state = load_state(conn, held.keys(), held, utcnow().date())
    for key, pos in state.positions.items():
        if pos.lots and any(lot.reserved > lot.sellable for lot in pos.lots.values()):
            short.append(key)
    return sorted(set(short))


def release_shortfalls(
    conn: Connection, reserved: Mapping[Key, int], actor: Actor, now: datetime
) -> set[int]:
    """Inside the caller's transaction, with these positions locked (`reserved` as
    lock_positions returned it): wherever reserved exceeds the sellable stock, whole or for
    a lot, give up reservations (lines not in a wave first, then the last served: module
    docstring); their lines wait again, with their order history, statuses and outbox rows
    written here, and are named as lost (lost_reservations.py). Returns the items released."""
    held = {k: r for k, r in reserved.items() if r > 0}
    if not held:
        return set()
    state = load_state(conn, held.keys(), held, now.date())
    released: list[Held] = []
    for key in sorted(held):
        pos = state.positions[key]
        lots = pos.lots or {}
        if pos.reserved > pos.sellable or any(s.reserved > s.sellable for s in lots.values()):
            released += _release_for(conn, key, pos)
    if not released:
        return set()
    resolve(conn, released, "released", now)
    note_lost(h.line_id for h in released)
    order_ids = set(conn.scalars(_ORDERS_OF_LINES, {"ids": sorted({h.line_id for h in released})}))
    orders = load_orders(conn, sorted(order_ids))
    gone: dict[int, int] = defaultdict(int)
    for h in released:
        gone[h.line_id] += h.quantity
    changed = {
        ln.id: (
            ln.quantity,
            ln.reserved - gone[ln.id],
            ln.consumed,
            allocation_status(ln.quantity, ln.reserved - gone[ln.id], ln.consumed),
        )
        for o in orders
        for ln in o.lines
        if ln.id in gone
    }
    restate(conn, orders, changed, actor, now, SHORTFALL_NOTE)
    return {h.item_id for h in released}


def relieve_shortfalls(item_ids: Iterable[int] | None, actor: Actor) -> set[int]:
    """Find (without locks) and release, in a transaction of its own, the shortfalls of
    these items (None: all); returns the items whose lines now wait again."""
    short = _short_positions(db.session.connection(), item_ids)
    if not short:
        return set()
    with write_transaction():
        conn = db.session.connection()
        now = utcnow()
        return release_shortfalls(conn, lock_positions(conn, short, now), actor, now)


def _release_for(conn: Connection, key: Key, pos: Any) -> list[Held]:
    served = conn.execute(_SERVING, {"item": key[0], "wh": key[1]}).all()
    # Serving order with the lines in a wave moved ahead of the rest: the rule gives up the
    # last first, so every line not yet in a wave gives its units up before any in one.
    rows = [r for r in served if r.line_status in IN_A_WAVE]
    rows += [r for r in served if r.line_status not in IN_A_WAVE]
    chosen: set[int] = set()
    if pos.sellable < pos.reserved:
        chosen |= set(
            releases_for_shortfall([(r.id, r.quantity) for r in rows], pos.reserved - pos.sellable)
        )
    for lot_id, lot in (pos.lots or {}).items():
        if lot.reserved > lot.sellable:
            mine = [(r.id, r.quantity) for r in rows if (r.lot_id or 0) == lot_id]
            chosen |= set(releases_for_shortfall(mine, lot.reserved - lot.sellable))
    return [
        Held(r.id, r.order_line_id, r.item_id, r.warehouse_id, r.lot_id, r.quantity)
        for r in rows
        if r.id in chosen
    ]


def reallocate_items(item_ids: Iterable[int], actor: Actor | None = None) -> AllocationSummary:
    """After stock of these items was freed: relieve shortfalls, then serve waiting lines,
    each chunk of orders in a transaction of its own."""
    actor = actor or Actor()
    items = sorted(set(item_ids))
    if not items:
        return AllocationSummary()
    relieve_shortfalls(items, actor)
    order_ids = waiting_orders(db.session.connection(), items)
    _end_read()
    return _allocate_queue(order_ids, actor) if order_ids else AllocationSummary()


def run_allocation(actor_id: int | None = None) -> AllocationSummary:
    """The batch run: every waiting line, by channel priority, promised date and age."""
    actor = Actor.user(actor_id)
    relieve_shortfalls(None, actor)
    order_ids = waiting_orders(db.session.connection(), None)
    _end_read()
    summary = _allocate_queue(order_ids, actor)
    # Stock no posting announced (a bin made sellable, a channel given a warehouse) changed
    # ATS without a feed note: connectors are told to take a full snapshot.
    with write_transaction():
        ats_changed(db.session.connection(), None, utcnow())
    return summary


def _end_read() -> None:
    """Close a read transaction (SQLite keeps a WAL snapshot pinned while one is open);
    inside a caller's write transaction, the reads belong to it."""
    if not in_write_transaction():
        db.session.commit()
