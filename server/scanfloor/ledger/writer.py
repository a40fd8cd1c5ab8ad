"""The one ledger writer. Nothing else inserts movements or changes balances.

A posting is applied inside the caller's write transaction:
1. a keyed posting made outside a command runs as the `ledger.post` command (the shared
   command path replays it or refuses a different body);
2. each balance key's net change is applied in sorted key order (a fixed lock order, so
   PostgreSQL postings never deadlock each other); a physical balance is decremented only by
   a conditional UPDATE that cannot take it below zero, so the check and the write are one
   statement and no concurrent posting can slip between them. A posting of many keys (a
   batch pick) locks all its rows in that same order in one statement, checks them, and
   applies them in one more (balance_sql.py), refusing exactly what the per-key path would;
3. the movements are inserted;
4. in-transaction subscribers (ledger/subscribers.py) see the posting and may write their own
   rows or refuse it.
Any refusal raises, and the caller's transaction rolls everything back.
Statements are built once at import (PERFORMANCE.md: rebuilding them costs more than running
them).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from ..commands import Command, caller_of, current_command, posting_key
from ..database import after_commit, in_write_transaction, write_transaction
from ..errors import (
    AlreadyReversed,
    NotFound,
    ValidationFailed,
)
from ..extensions import db
from ..timeutil import utcnow
from .balance_sql import apply_balances, insert_movements, insert_posting, stamp
from .chain import hold, link
from .events import PostingCommitted, posting_committed
from .facts import facts, remember
from .models import MOVEMENT_TYPES
from .rules import LineError, PostingRequest, check_line, fingerprint, net_deltas
from .subscribers import Posted, PostedLine, notify, subscribers

_ITEMS = text("SELECT id FROM items WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
_LOTS = text("SELECT id, item_id FROM lots WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_CONTAINERS = text("SELECT id FROM containers WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_MOVEMENT_IDS = text("SELECT id FROM movements WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_REVERSED = text(
    "SELECT reverses_movement_id FROM movements WHERE reverses_movement_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_LOCATIONS = text("SELECT id, is_virtual FROM locations WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


@dataclass(frozen=True)
class PostingResult:
    posting_id: int
    movement_ids: tuple[int, ...]
    replayed: bool


def _physical(conn: Connection, location_ids: set[int]) -> set[int]:
    """The physical ones among these locations; NotFound if any is unknown. Read only for
    ids not seen in a committed posting before (facts.py: virtuality never changes)."""
    known = facts(conn)
    seen: dict[int, bool] = {}
    unknown = sorted(location_ids - known.virtual.keys())
    if unknown:
        seen = {r.id: bool(r.is_virtual) for r in conn.execute(_LOCATIONS, {"ids": unknown})}
        missing = sorted(set(unknown) - seen.keys())
        if missing:
            raise NotFound("location not found", {"location_ids": missing})
        remember(known, (), seen)
    virtual = known.virtual
    return {i for i in location_ids if not seen.get(i, virtual.get(i))}


def post(req: PostingRequest) -> PostingResult:
    """Apply a posting through the one writer; raises and keeps nothing if any line fails.

    A posting with an idempotency key, made outside any command, is itself the `ledger.post`
    command (commands/): the same key replays the first posting, another body is a 409.
    Inside a command, the command's own key is what the posting carries."""
    _check_request(req)
    if req.idempotency_key is not None and current_command() is None:
        keyed = _Keyed(req, fingerprint(req))
        return LEDGER_POST.run(keyed, caller=caller_of(req.actor_id), key=req.idempotency_key)
    return _post(req, fingerprint(req))


def _check_request(req: PostingRequest) -> None:
    if req.movement_type not in MOVEMENT_TYPES:
        raise ValidationFailed(
            "unknown movement type",
            {"movement_type": req.movement_type, "allowed": list(MOVEMENT_TYPES)},
        )
    if not req.lines:
        raise ValidationFailed("a posting needs at least one movement")
    for i, line in enumerate(req.lines):
        try:
            check_line(line)
        except LineError as exc:
            raise ValidationFailed(str(exc), {"line": i}) from exc


def _post(req: PostingRequest, fp: str) -> PostingResult:
    nested = in_write_transaction()
    try:
        with write_transaction():
            # Core on the session's connection: the ORM's per-statement bookkeeping would
            # cost more than the statements themselves on this path.
            return _apply(db.session.connection(), req, fp, posting_key())
    except IntegrityError as exc:
        # Only a race on PostgreSQL gets here: a concurrent reversal of the same movement
        # committed first (its check ran before the insert; the unique constraint is the
        # backstop). Inside a command the runner retries; alone, name the error here.
        if nested:
            raise
        _name_lost_race(req, exc)
        raise


def _name_lost_race(req: PostingRequest, exc: IntegrityError) -> None:
    reverses = [ln.reverses_movement_id for ln in req.lines if ln.reverses_movement_id]
    if not reverses:
        return
    done = db.session.connection().execute(_REVERSED, {"ids": reverses}).scalars().all()
    db.session.commit()
    if done:
        raise AlreadyReversed(
            "a movement can be reversed once only", {"movement_ids": sorted(done)}
        ) from exc


def posting_answer(result: PostingResult) -> dict[str, Any]:
    """A posting as a command keeps it (commands/): ids only, the rest is in the ledger."""
    return {"posting_id": result.posting_id, "movement_ids": list(result.movement_ids)}


def posting_result(_payload: object, answer: dict[str, Any], replayed: bool) -> PostingResult:
    """A kept posting answer back to a result (a command's `present`)."""
    return PostingResult(
        posting_id=int(answer["posting_id"]),
        movement_ids=tuple(int(i) for i in answer["movement_ids"]),
        replayed=replayed,
    )


@dataclass(frozen=True)
class _Keyed:
    """A keyed posting with its fingerprint, worked out once for the store and the posting."""

    req: PostingRequest
    fingerprint: str


LEDGER_POST: Command[_Keyed, PostingResult] = Command(
    name="ledger.post",
    execute=lambda k: posting_answer(_post(k.req, k.fingerprint)),
    present=posting_result,
    fingerprint=lambda k: k.fingerprint,
)


def _check_references(conn: Connection, req: PostingRequest) -> None:
    """Unknown items, lots, containers or movements are a clear NotFound, not a raw FK error;
    a movement already reversed is refused before anything is written."""
    cached = facts(conn)
    items = {ln.item_id for ln in req.lines} - cached.items
    if items:  # only items no committed posting has named yet (facts.py)
        found = set(conn.execute(_ITEMS, {"ids": sorted(items)}).scalars())
        if items - found:
            raise NotFound("item not found", {"item_ids": sorted(items - found)})
        remember(cached, found, {})
    lots = {(ln.lot_id, ln.item_id) for ln in req.lines if ln.lot_id is not None}
    if lots:
        rows = conn.execute(_LOTS, {"ids": sorted(lot for lot, _ in lots)}).all()
        known = {(r.id, r.item_id) for r in rows}
        if lots - known:
            raise NotFound(
                "lot not found for this item",
                {"lots": [{"lot_id": lot, "item_id": item} for lot, item in sorted(lots - known)]},
            )
    conts = {c for ln in req.lines for c in (ln.from_container_id, ln.to_container_id) if c}
    seen = _containers_seen(conn)
    conts -= seen
    if conts:  # only containers no committed posting has named yet (see _containers_seen)
        have = set(conn.execute(_CONTAINERS, {"ids": sorted(conts)}).scalars())
        if conts - have:
            raise NotFound("container not found", {"container_ids": sorted(conts - have)})
        after_commit(lambda: seen.update(have))
    reverses = {ln.reverses_movement_id for ln in req.lines if ln.reverses_movement_id}
    if reverses:
        exist = set(conn.execute(_MOVEMENT_IDS, {"ids": sorted(reverses)}).scalars())
        if reverses - exist:
            raise NotFound("movement not found", {"movement_ids": sorted(reverses - exist)})
        done = conn.execute(_REVERSED, {"ids": sorted(reverses)}).scalars().all()
        if done:
            raise AlreadyReversed(
                "a movement can be reversed once only", {"movement_ids": sorted(done)}
            )


# Containers are never deleted (labels/sscc_service relies on it too), so one that a
# committed posting named exists for good: remembered per engine, like facts.py's items,
# only once the transaction that read it commits (an id created in a rolled-back one may be
# reused).
_SEEN_CONTAINERS: weakref.WeakKeyDictionary[Engine, set[int]] = weakref.WeakKeyDictionary()


def _containers_seen(conn: Connection) -> set[int]:
    seen = _SEEN_CONTAINERS.get(conn.engine)
    if seen is None:
        seen = _SEEN_CONTAINERS.setdefault(conn.engine, set())
    return seen


def _announce(event: PostingCommitted) -> None:
    posting_committed.send(None, event=event)


def _apply(conn: Connection, req: PostingRequest, fp: str, key: str | None) -> PostingResult:
    now = utcnow()
    occurred = req.occurred_at or now
    locs = {ln.from_location_id for ln in req.lines} | {ln.to_location_id for ln in req.lines}
    physical = _physical(conn, locs)
    _check_references(conn, req)
    at = stamp(conn, now)
    posting_id = insert_posting(
        conn,
        (
            key,
            fp,
            req.movement_type,
            req.actor_id,
            req.device_id,
            req.source_type,
            req.source_id,
            at,
        ),
    )

    # The chain head first, then balances: one lock order (ledger/chain.py).
    head = hold(conn, len(req.lines))
    apply_balances(conn, net_deltas(req.lines), physical, at)

    rows: list[dict[str, Any]] = [
        {
            "posting_id": posting_id,
            "item_id": ln.item_id,
            "lot_id": ln.lot_id,
            "quantity": ln.quantity,
            "from_location_id": ln.from_location_id,
            "from_container_id": ln.from_container_id,
            "to_location_id": ln.to_location_id,
            "to_container_id": ln.to_container_id,
            "movement_type": req.movement_type,
            "reason_code": ln.reason_code,
            "actor_id": req.actor_id,
            "device_id": req.device_id,
            "source_type": req.source_type,
            "source_id": req.source_id,
            "idempotency_key": None if key is None else f"{key}#{i + 1}",
            "unit_cost": ln.unit_cost,
            "reverses_movement_id": ln.reverses_movement_id,
            "occurred_at": occurred,
            "recorded_at": now,
        }
        for i, ln in enumerate(req.lines)
    ]
    link(conn, rows, head)  # ids and hash chain, under the chain head's lock (ledger/chain.py)
    insert_movements(conn, rows)
    ids = tuple(row["id"] for row in rows)
    if subscribers():
        notify(conn, _posted(req, posting_id, ids, occurred, now))
    event = PostingCommitted(
        posting_id=posting_id,
        movement_type=req.movement_type,
        movement_ids=ids,
        item_ids=tuple(sorted({ln.item_id for ln in req.lines})),
        location_ids=tuple(sorted(locs)),
    )
    after_commit(lambda: _announce(event))
    return PostingResult(posting_id=posting_id, movement_ids=ids, replayed=False)


def _posted(
    req: PostingRequest, posting_id: int, ids: tuple[int, ...], occurred: datetime, now: datetime
) -> Posted:
    return Posted(
        posting_id=posting_id,
        movement_type=req.movement_type,
        lines=tuple(
            PostedLine(
                movement_id=mid,
                item_id=ln.item_id,
                quantity=ln.quantity,
                from_location_id=ln.from_location_id,
                to_location_id=ln.to_location_id,
                lot_id=ln.lot_id,
                from_container_id=ln.from_container_id,
                to_container_id=ln.to_container_id,
                unit_cost=ln.unit_cost,
                reason_code=ln.reason_code,
                reverses_movement_id=ln.reverses_movement_id,
            )
            for mid, ln in zip(ids, req.lines, strict=True)
        ),
        actor_id=req.actor_id,
        source_type=req.source_type,
        source_id=req.source_id,
        occurred_at=occurred,
        recorded_at=now,
    )


_REBUILD_DELETE = text("DELETE FROM balances")
_REBUILD_INSERT = text(
    "INSERT INTO balances (item_id, location_id, lot_id, container_id, quantity, updated_at) "
    "SELECT item_id, loc, NULLIF(lot, 0), NULLIF(cont, 0), SUM(q), :now FROM ("
    "  SELECT item_id, to_location_id AS loc, COALESCE(lot_id, 0) AS lot,"
    "         COALESCE(to_container_id, 0) AS cont, quantity AS q FROM movements"
    "  UNION ALL"
    "  SELECT item_id, from_location_id, COALESCE(lot_id, 0),"
    "         COALESCE(from_container_id, 0), -quantity FROM movements"
    ") m GROUP BY item_id, loc, lot, cont HAVING SUM(q) <> 0"
)


def rebuild_balances() -> int:
    """Replace every balance with the sum of the movements (one GROUP BY); returns rows."""
    with write_transaction():
        db.session.execute(_REBUILD_DELETE)
        result = db.session.connection().execute(_REBUILD_INSERT, {"now": utcnow()})
        return int(result.rowcount)
