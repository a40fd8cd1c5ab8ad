"""Counts raised by events that leave a bin in doubt (besides the short pick, which picking
raises itself):

- empty_bin: a pick, transfer or putaway that takes an item's stock in a storage or
  pick-face bin to zero raises a count of that item in that bin (when
  SCANFLOOR_COUNT_EMPTY_BINS is on). A ledger subscriber, inside the posting's transaction.
  Cheap by design, it runs on every posting: no statement at all for another movement type,
  with the setting off, or when every source is virtual (the ledger's facts cache knows
  which are, and virtuality never changes); otherwise ONE statement reads the sources'
  types and the items' remaining stock together, so a location whose type changed is judged
  by its type now (nothing about types is cached). Stock counts whole: every lot and
  container of the item in the bin. The tasks are raised as the transaction commits (still
  inside it): a short pick posts first and raises its own `short_pick` count of the bin
  after, and that more telling reason must be the task's, the empty bin then adding
  nothing to the open task (service.raise_count_task returns it). A replayed posting is
  answered from the first and never reaches subscribers, so it raises nothing twice.
- refused_putaway: a worker who overrides the suggested bin with a reason says the system
  was wrong about that bin (full, blocked, not what it seemed): the suggested bin is
  counted whole (bin-level task). Called by putaway's confirm once the override is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import bindparam, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..catalog.models import Location
from ..database import write_transaction
from ..extensions import db
from ..ledger.facts import facts
from ..ledger.subscribers import Posted, subscribe
from .plans_service import COUNTABLE_TYPES
from .service import raise_count_task

NAME = "counting.empty_bin"
_PENDING = "scanfloor.counting_emptied"
EMPTYING_TYPES = frozenset({"pick", "transfer", "putaway"})
_LOC = Location.__table__
# Driver SQL fixed per placeholder style and number of sources / items (as allocation's
# subscriber does), so a posting compiles nothing. Rows: each countable source with the
# stock left of each of the posting's items in it (no row for an item: none left).
_REMAINING = (
    "SELECT l.id, l.warehouse_id, b.item_id, SUM(b.quantity) "
    "FROM locations l LEFT JOIN balances b ON b.location_id = l.id AND b.item_id IN ({items}) "
    "WHERE l.id IN ({locs}) AND l.type IN ('storage', 'pick_face') AND NOT l.is_virtual "
    "AND l.warehouse_id IS NOT NULL "
    "GROUP BY l.id, l.warehouse_id, b.item_id"
)
_SQL: dict[tuple[str, int, int], str] = {}
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_COUNTABLE_BIN = select(_LOC.c.warehouse_id).where(
    _LOC.c.id == bindparam("loc"),
    _LOC.c.type.in_(COUNTABLE_TYPES),
    _LOC.c.is_virtual.is_(False),
    _LOC.c.warehouse_id.is_not(None),
)


@dataclass(frozen=True)
class _Emptied:
    warehouse_id: int
    location_id: int
    item_id: int
    posting_id: int
    actor_id: int | None


def register(app: Flask) -> None:
    subscribe(app, NAME, on_posting)
    # Appended after allocation's and picking's commit hooks; once per process.
    if not event.contains(db.session, "before_commit", _raise_before_commit):
        event.listen(db.session, "before_commit", _raise_before_commit)
        event.listen(db.session, "after_rollback", _forget)


def on_posting(conn: Connection, posted: Posted) -> None:
    """Note each (bin, item) this posting emptied; its count is raised at the commit."""
    if posted.movement_type not in EMPTYING_TYPES:
        return
    if not current_app.config.get("SCANFLOOR_COUNT_EMPTY_BINS", True):
        return
    virtual = facts(conn).virtual
    # Unknown to the cache (first seen in this transaction): maybe a bin, so it is read.
    pairs = {
        (ln.from_location_id, ln.item_id)
        for ln in posted.lines
        if not virtual.get(ln.from_location_id, False)
    }
    if not pairs:
        return
    locs = tuple(sorted({loc for loc, _ in pairs}))
    items = tuple(sorted({item for _, item in pairs}))
    left: dict[tuple[int, int], int] = {}
    warehouse_of: dict[int, int] = {}
    for loc, wh, item, qty in conn.exec_driver_sql(_sql(conn, len(locs), len(items)), items + locs):
        warehouse_of[int(loc)] = int(wh)
        if item is not None:
            left[(int(loc), int(item))] = int(qty or 0)
    emptied = [
        _Emptied(warehouse_of[loc], loc, item, posted.posting_id, posted.actor_id)
        for loc, item in sorted(pairs)
        if loc in warehouse_of and left.get((loc, item), 0) == 0
    ]
    if emptied:
        db.session.info.setdefault(_PENDING, []).extend(emptied)


def _raise_before_commit(session: Session) -> None:
    pending: list[_Emptied] | None = session.info.pop(_PENDING, None)
    for e in pending or ():
        raise_count_task(
            warehouse_id=e.warehouse_id,
            location_id=e.location_id,
            item_id=e.item_id,
            reason="empty_bin",
            source_type="posting",
            source_id=str(e.posting_id),
            actor_id=e.actor_id,
        )


def _forget(session: Session, *_: object) -> None:
    session.info.pop(_PENDING, None)


def count_refused_putaway(
    *,
    shown_id: int | None,
    live_id: int | None,
    placed_id: int,
    task_id: str,
    actor_id: int | None,
) -> int | None:
    """A bin-level `refused_putaway` count of the bin the worker was told to use and did
    not: the one the scanner showed (`shown_id`), else the live suggestion. None when the
    worker went where the scanner showed (it had merely stopped following the rules), when
    nothing was suggested, or when that bin is no storage / pick-face bin."""
    refused = shown_id if shown_id is not None else live_id
    if refused is None or refused == placed_id:
        return None
    with write_transaction():
        conn = db.session.connection()
        warehouse_id = conn.scalar(_COUNTABLE_BIN, {"loc": refused})
        if warehouse_id is None:
            return None
        return raise_count_task(
            warehouse_id=int(warehouse_id),
            location_id=refused,
            item_id=None,
            reason="refused_putaway",
            source_type="putaway",
            source_id=task_id,
            actor_id=actor_id,
        )


def _sql(conn: Connection, n_locs: int, n_items: int) -> str:
    key = (conn.dialect.paramstyle, n_locs, n_items)
    sql = _SQL.get(key)
    if sql is None:
        p = _PLACEHOLDER[key[0]]
        sql = _REMAINING.format(items=", ".join([p] * n_items), locs=", ".join([p] * n_locs))
        _SQL[key] = sql
    return sql
