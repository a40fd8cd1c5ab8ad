"""Keeping reservations in step with stock: backorders are re-allocated when sellable stock
rises, reservations are given up when it falls below them, and the batch run does both for
everything that waits.

The ledger announces each committed posting (scanfloor.ledger.events.posting_committed);
the handler here runs right after that commit in a transaction of its own (the ledger writer
knows nothing of reservations). If a process dies between the two, the next batch run
(`scanfloor allocate`, or POST /api/v1/allocation/run) catches up.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import has_app_context
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.engine import Connection

from ..catalog.models import Location
from ..database import in_write_transaction, write_transaction
from ..extensions import db
from ..ledger.events import PostingCommitted, posting_committed
from ..ledger.models import Balance
from ..timeutil import utcnow
from .ats_feed import ats_changed
from .engine import AllocationSummary, allocate_orders, load_orders
from .models import Channel, ChannelWarehouse, Order, OrderLine, Reservation, StockPosition
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

log = logging.getLogger(__name__)
CHUNK_ORDERS = 1000

_L = OrderLine.__table__
_O = Order.__table__
_C = Channel.__table__
_R = Reservation.__table__
_P = StockPosition.__table__
_B = Balance.__table__
_LOC = Location.__table__
_CW = ChannelWarehouse.__table__

_QUEUE = (
    select(_O.c.id, _C.c.priority, func.min(_L.c.promised_ship_date), _O.c.ordered_at)
    .join(_O, _O.c.id == _L.c.order_id)
    .join(_C, _C.c.id == _O.c.channel_id)
    .where(_L.c.status.in_(WAITING))
    .group_by(_O.c.id, _C.c.priority, _O.c.ordered_at)
)
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


def _queue(conn: Connection, item_ids: Iterable[int] | None) -> list[int]:
    q = _QUEUE
    if item_ids is not None:
        q = q.where(_L.c.item_id.in_(sorted(set(item_ids))))
    queued = [QueuedOrder(r[0], r[1], r[2], r[3]) for r in conn.execute(q)]
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
    """Positions holding reservations beyond their sellable stock (whole or lot by lot)."""
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


def relieve_shortfalls(item_ids: Iterable[int] | None, actor: Actor) -> set[int]:
    """Give up the last-served reservations where stock fell below them; returns the items
    whose lines now wait again."""
    short = _short_positions(db.session.connection(), item_ids)
    if not short:
        return set()
    items = {k[0] for k in short}
    with write_transaction():
        conn = db.session.connection()
        now = utcnow()
        whs = {w for (w,) in conn.execute(select(_CW.c.warehouse_id).distinct())}
        keys = {(i, w) for i in items for w in whs} | set(short)
        reserved = lock_positions(conn, keys, now)
        state = load_state(conn, short, reserved, now.date())
        released: list[Held] = []
        for key in short:
            released += _release_for(conn, key, state.positions[key])
        if not released:
            return set()
        resolve(conn, released, "released", now)
        orders = load_orders(conn, sorted({o for o in _order_ids(conn, released)}))
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
        restate(conn, orders, changed, actor, now, "stock fell below its reservations")
        return items


def _release_for(conn: Connection, key: Key, pos: Any) -> list[Held]:
    rows = conn.execute(_SERVING, {"item": key[0], "wh": key[1]}).all()
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


def _order_ids(conn: Connection, held: list[Held]) -> set[int]:
    ids = sorted({h.line_id for h in held})
    return set(conn.scalars(select(_L.c.order_id).where(_L.c.id.in_(ids))))


def reallocate_items(item_ids: Iterable[int], actor: Actor | None = None) -> AllocationSummary:
    """After stock of these items changed: relieve shortfalls, then serve waiting lines."""
    actor = actor or Actor()
    items = sorted(set(item_ids))
    if not items:
        return AllocationSummary()
    relieve_shortfalls(items, actor)
    order_ids = _queue(db.session.connection(), items)
    _end_read()
    return _allocate_queue(order_ids, actor) if order_ids else AllocationSummary()


def run_allocation(actor_id: int | None = None) -> AllocationSummary:
    """The batch run: every waiting line, by channel priority, promised date and age."""
    actor = Actor.user(actor_id)
    relieve_shortfalls(None, actor)
    order_ids = _queue(db.session.connection(), None)
    _end_read()
    summary = _allocate_queue(order_ids, actor)
    # A stock change whose feed note was lost (the process died right after the posting
    # committed) is caught here: connectors are told to take a full snapshot.
    with write_transaction():
        ats_changed(db.session.connection(), None, utcnow())
    return summary


def _end_read() -> None:
    """Close a read transaction (SQLite keeps a WAL snapshot pinned while one is open);
    inside a caller's write transaction, the reads belong to it."""
    if not in_write_transaction():
        db.session.commit()


_ITEMS: Any = bindparam("items", expanding=True)
_RELEVANCE = select(
    exists().where(
        _LOC.c.id.in_(bindparam("locs", expanding=True)),
        _LOC.c.sellable.is_(True),
        _LOC.c.is_virtual.is_(False),
    ),
    exists().where(_L.c.item_id.in_(_ITEMS), _L.c.status.in_(WAITING)),
    exists().where(_P.c.item_id.in_(_ITEMS), _P.c.reserved > 0),
)


def after_posting(event: PostingCommitted) -> None:
    """One read decides what a committed posting means here: a feed note if it moved
    sellable stock, re-allocation if its items have waiting lines or reservations."""
    params = {"locs": list(event.location_ids), "items": list(event.item_ids)}
    sellable, waiting, held = db.session.execute(_RELEVANCE, params).one()
    _end_read()
    if sellable:
        with write_transaction():
            ats_changed(db.session.connection(), event.item_ids, utcnow())
    if waiting or held:
        reallocate_items(event.item_ids)


def _on_posting(_sender: Any, event: PostingCommitted) -> None:
    if not has_app_context():
        return
    try:
        after_posting(event)
    except Exception:  # the posting is committed; the next batch run catches up
        log.exception("re-allocation after posting %s failed", event.posting_id)
        db.session.rollback()


def subscribe() -> None:
    # weak=False: a module function, kept for the life of the process; connecting twice is
    # a no-op.
    posting_committed.connect(_on_posting, weak=False)
