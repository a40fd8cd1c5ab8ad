"""Allocation inside every posting's transaction (docs/decisions/0009-in-transaction-
subscribers.md), so that at every commit reserved <= sellable for every position and lot
(ARCHITECTURE invariant 4).

At the posting (the ledger writer calls `on_posting` on its connection): one read, which of
the posting's locations are sellable and in which warehouse, decides. A posting that moves
no sellable stock costs that read and nothing else. Otherwise the items' ATS change is
noted for the feed, and the positions whose sellable stock fell and the items whose stock
rose are noted for the end of the transaction.

As the transaction commits (`before_commit`, still inside it, on the same connection):
1. the positions that fell, and every position the orders waiting for the items that rose
   could draw on, are locked in one batch, in the fixed order (positions.py);
2. where reserved now exceeds the sellable stock, whole or for a lot, the last-served
   reservations are given up and their lines wait again (realloc.release_shortfalls);
3. the orders waiting for the items that rose are allocated (engine.allocate_orders).

Why at the commit and not at the posting: a pick posts stock out of the bin and consumes the
reservation it fulfils in the same transaction, after the posting. Judged at the posting, the
pick would look like a shortfall and give up some order's reservation; judged at the commit,
the use case's own reservation changes are in. Several postings in one transaction are
settled together, once.

Lock order (PostgreSQL): balance rows (the writer, sorted) before position rows (here, one
sorted batch, the last locks the transaction takes before the feed's advisory lock). Order
capture, cancels and the batch run lock positions only, never balances. A use case that posts
and changes reservations in one transaction posts first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from sqlalchemy import bindparam, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..database import after_commit, in_write_transaction
from ..extensions import db
from ..ledger.subscribers import Posted, subscribe
from ..timeutil import utcnow
from .ats_feed import ats_changed
from .channel_loader import load_channels
from .engine import allocate_orders
from .models import Order, OrderLine
from .order_history import Actor
from .positions import Key, lock_positions
from .realloc import reallocate_items, release_shortfalls, waiting_orders
from .sellable_change import sellable_change

NAME = "allocation"
_PENDING = "scanfloor.allocation_pending"
_L = OrderLine.__table__
_O = Order.__table__
# Read at every posting: fixed driver SQL per placeholder style and number of locations
# (almost always 2), so no expanding-IN compilation per posting. Not cached across
# postings: a location's sellable flag can change in place (catalog/locations_service.py),
# in another process too.
_SELLABLE_LOCATIONS = (
    "SELECT id, warehouse_id FROM locations WHERE id IN ({ids}) "
    "AND sellable AND NOT is_virtual AND warehouse_id IS NOT NULL"
)
_SELLABLE_SQL: dict[tuple[str, int], str] = {}
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}
# Every line, not only the waiting ones: a line released under the locks (by another
# transaction's shortfall) must not need a lock the batch did not take.
_ORDER_ITEMS = (
    select(_O.c.channel_id, _L.c.item_id)
    .distinct()
    .join(_O, _O.c.id == _L.c.order_id)
    .where(_L.c.order_id.in_(bindparam("ids", expanding=True)))
)


@dataclass
class _Pending:
    fell: set[Key] = field(default_factory=set)
    rose: set[int] = field(default_factory=set)


def register(app: Flask) -> None:
    subscribe(app, NAME, on_posting)


def on_posting(conn: Connection, posted: Posted) -> None:
    """Note what the posting did to sellable stock; the work waits for the commit."""
    where = {r[0]: r[1] for r in conn.exec_driver_sql(*_sellable_read(conn, posted.location_ids))}
    if not where:
        return
    change = sellable_change(posted.lines, where)
    if change.nothing:
        return
    ats_changed(conn, change.changed, posted.recorded_at)
    if change.fell or change.rose:
        pending: _Pending = db.session.info.setdefault(_PENDING, _Pending())
        pending.fell |= change.fell
        pending.rose |= change.rose


def _sellable_read(conn: Connection, location_ids: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    style = (conn.dialect.paramstyle, len(location_ids))
    sql = _SELLABLE_SQL.get(style)
    if sql is None:
        p = _PLACEHOLDER[style[0]]
        sql = _SELLABLE_LOCATIONS.format(ids=", ".join(p for _ in location_ids))
        _SELLABLE_SQL[style] = sql
    return sql, location_ids


def settle(
    conn: Connection, fell: Iterable[Key], rose: Iterable[int], actor: Actor, now: datetime
) -> set[int]:
    """Release shortfalls at the positions that fell, then serve the lines waiting for the
    items that rose, inside the caller's transaction (steps 1-3 of the module docstring);
    returns the items whose reservations were released."""
    fell = set(fell)
    queue = waiting_orders(conn, rose)
    reserved = lock_positions(conn, fell | _reach(conn, queue), now)
    released = release_shortfalls(conn, {k: reserved.get(k, 0) for k in fell}, actor, now)
    if queue:
        allocate_orders(conn, queue, actor, now)
    return released


def _reach(conn: Connection, order_ids: list[int]) -> set[Key]:
    """Every position these orders' lines could draw on (a superset of what
    allocate_orders locks, so its own lock finds them held)."""
    if not order_ids:
        return set()
    pairs = [(r[0], r[1]) for r in conn.execute(_ORDER_ITEMS, {"ids": order_ids})]
    channels = load_channels(conn, {ch for ch, _ in pairs})
    return {(item, w) for ch, item in pairs for w in channels[ch].rules.warehouse_ids}


def _settle_before_commit(session: Session) -> None:
    pending: _Pending | None = session.info.pop(_PENDING, None)
    if pending is None:
        return
    released = settle(session.connection(), pending.fell, pending.rose, Actor(), utcnow())
    if released and in_write_transaction():
        # Whole rows are given up, so a release may free a few units, and a released line
        # may be servable from another warehouse. Serving them here would lock positions
        # after the batch above, out of the fixed order; so right after the commit, in a
        # transaction of its own. The waiting lines are the durable record: if the process
        # dies first, the batch run serves them.
        after_commit(lambda: _serve_released(released))


def _serve_released(item_ids: set[int]) -> None:
    reallocate_items(item_ids)


def _forget(session: Session, *_: object) -> None:
    session.info.pop(_PENDING, None)


# insert=True: ahead of the ATS feed's own before_commit hook (ats_feed._write_feed), which
# must see the feed notes the releases and allocations here make.
event.listen(db.session, "before_commit", _settle_before_commit, insert=True)
event.listen(db.session, "after_rollback", _forget)
