"""The one ledger writer. Nothing else inserts movements or changes balances.

A posting is applied inside the caller's write transaction:
1. a replayed idempotency key returns the first posting (a different body is refused);
2. each balance key's net change is applied in sorted key order (a fixed lock order, so
   PostgreSQL postings never deadlock each other); a physical balance is decremented only by
   a conditional UPDATE that cannot take it below zero, so the check and the write are one
   statement and no concurrent posting can slip between them;
3. the movements are inserted;
4. in-transaction subscribers (ledger/subscribers.py) see the posting and may write their own
   rows or refuse it.
Any refusal raises, and the caller's transaction rolls everything back.
Statements are built once at import (PERFORMANCE.md: rebuilding them costs more than running
them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..database import after_commit, in_write_transaction, write_transaction
from ..errors import (
    AlreadyReversed,
    IdempotencyMismatch,
    InsufficientStock,
    NotFound,
    ValidationFailed,
)
from ..extensions import db
from ..timeutil import utcnow
from .events import PostingCommitted, posting_committed
from .models import MOVEMENT_TYPES, Movement, Posting
from .rules import BalanceKey, LineError, PostingRequest, check_line, fingerprint, net_deltas
from .subscribers import Posted, PostedLine, notify, subscribers

_KEY_WHERE = (
    "item_id = :item AND location_id = :loc "
    "AND COALESCE(lot_id, 0) = :lot AND COALESCE(container_id, 0) = :cont"
)
_TAKE = text(
    f"UPDATE balances SET quantity = quantity + :delta, updated_at = :now "
    f"WHERE {_KEY_WHERE} AND quantity + :delta >= 0"
)
_ADD = text(
    "INSERT INTO balances (item_id, location_id, lot_id, container_id, quantity, updated_at) "
    "VALUES (:item, :loc, :lot_or_null, :cont_or_null, :delta, :now) "
    "ON CONFLICT (item_id, location_id, COALESCE(lot_id, 0), COALESCE(container_id, 0)) "
    "DO UPDATE SET quantity = balances.quantity + excluded.quantity, "
    "updated_at = excluded.updated_at"
)
_AVAILABLE = text(f"SELECT quantity FROM balances WHERE {_KEY_WHERE}")
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
MAX_KEY = 200
_LOCATIONS = text("SELECT id, is_virtual FROM locations WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_MOVEMENTS = Movement.__table__
_POSTINGS = Posting.__table__
_INSERT_MOVEMENTS = _MOVEMENTS.insert().returning(_MOVEMENTS.c.id, sort_by_parameter_order=True)
_INSERT_POSTING = _POSTINGS.insert().returning(_POSTINGS.c.id)
_POSTING_BY_KEY = select(_POSTINGS.c.id).where(_POSTINGS.c.idempotency_key == bindparam("key"))


@dataclass(frozen=True)
class PostingResult:
    posting_id: int
    movement_ids: tuple[int, ...]
    replayed: bool


def _key_params(key: BalanceKey, delta: int, now: datetime) -> dict[str, Any]:
    return {
        "item": key.item_id,
        "loc": key.location_id,
        "lot": key.lot_id,
        "cont": key.container_id,
        "lot_or_null": key.lot_id or None,
        "cont_or_null": key.container_id or None,
        "delta": delta,
        "now": now,
    }


def _existing(conn: Connection, key: str, fp: str) -> PostingResult:
    row = conn.execute(
        select(_POSTINGS.c.id, _POSTINGS.c.fingerprint).where(_POSTINGS.c.idempotency_key == key)
    ).one()
    if row.fingerprint != fp:
        raise IdempotencyMismatch(
            "this Idempotency-Key was already used for a different posting",
            {"idempotency_key": key, "posting_id": row.id},
        )
    ids = conn.scalars(
        select(_MOVEMENTS.c.id).where(_MOVEMENTS.c.posting_id == row.id).order_by(_MOVEMENTS.c.id)
    ).all()
    return PostingResult(posting_id=row.id, movement_ids=tuple(ids), replayed=True)


def _physical(conn: Connection, location_ids: set[int]) -> set[int]:
    rows = conn.execute(_LOCATIONS, {"ids": sorted(location_ids)}).all()
    found = {r.id for r in rows}
    missing = sorted(location_ids - found)
    if missing:
        raise NotFound("location not found", {"location_ids": missing})
    return {r.id for r in rows if not r.is_virtual}


def post(req: PostingRequest) -> PostingResult:
    """Apply a posting through the one writer; raises and keeps nothing if any line fails."""
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
    if req.idempotency_key is not None and not 0 < len(req.idempotency_key) <= MAX_KEY:
        raise ValidationFailed(
            f"an idempotency key is 1-{MAX_KEY} characters", {"length": len(req.idempotency_key)}
        )
    fp = fingerprint(req)
    nested = in_write_transaction()
    try:
        with write_transaction():
            # Core on the session's connection: the ORM's per-statement bookkeeping would
            # cost more than the statements themselves on this path.
            conn = db.session.connection()
            if req.idempotency_key is not None:
                hit = conn.scalar(_POSTING_BY_KEY, {"key": req.idempotency_key})
                if hit is not None:
                    return _existing(conn, req.idempotency_key, fp)
            return _apply(conn, req, fp)
    except IntegrityError as exc:
        # Only a race on PostgreSQL gets here: a concurrent posting under the same key, or a
        # concurrent reversal of the same movement, committed first. Both checks ran before
        # the insert, so the database's unique constraints are the backstop.
        if nested:
            raise  # the outer transaction is aborted; its owner decides (see api/idempotency)
        return _after_race(req, fp, exc)


def _after_race(req: PostingRequest, fp: str, exc: IntegrityError) -> PostingResult:
    conn = db.session.connection()
    if (
        req.idempotency_key is not None
        and conn.scalar(_POSTING_BY_KEY, {"key": req.idempotency_key}) is not None
    ):
        return _existing(conn, req.idempotency_key, fp)
    reverses = [ln.reverses_movement_id for ln in req.lines if ln.reverses_movement_id]
    done = conn.execute(_REVERSED, {"ids": reverses}).scalars().all() if reverses else []
    if done:
        raise AlreadyReversed(
            "a movement can be reversed once only", {"movement_ids": sorted(done)}
        ) from exc
    raise exc


def _check_references(conn: Connection, req: PostingRequest) -> None:
    """Unknown items, lots, containers or movements are a clear NotFound, not a raw FK error;
    a movement already reversed is refused before anything is written."""
    items = {ln.item_id for ln in req.lines}
    found = set(conn.execute(_ITEMS, {"ids": sorted(items)}).scalars())
    if items - found:
        raise NotFound("item not found", {"item_ids": sorted(items - found)})
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
    if conts:
        have = set(conn.execute(_CONTAINERS, {"ids": sorted(conts)}).scalars())
        if conts - have:
            raise NotFound("container not found", {"container_ids": sorted(conts - have)})
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


def _announce(event: PostingCommitted) -> None:
    posting_committed.send(None, event=event)


def _apply(conn: Connection, req: PostingRequest, fp: str) -> PostingResult:
    now = utcnow()
    occurred = req.occurred_at or now
    locs = {ln.from_location_id for ln in req.lines} | {ln.to_location_id for ln in req.lines}
    physical = _physical(conn, locs)
    _check_references(conn, req)
    posting_id = conn.execute(
        _INSERT_POSTING,
        {
            "idempotency_key": req.idempotency_key,
            "fingerprint": fp,
            "movement_type": req.movement_type,
            "actor_id": req.actor_id,
            "device_id": req.device_id,
            "source_type": req.source_type,
            "source_id": req.source_id,
            "recorded_at": now,
        },
    ).scalar_one()

    for key, delta in net_deltas(req.lines):
        params = _key_params(key, delta, now)
        if delta < 0 and key.location_id in physical:
            if conn.execute(_TAKE, params).rowcount != 1:
                available = conn.scalar(_AVAILABLE, params) or 0
                raise InsufficientStock(
                    "not enough stock at the source location",
                    {
                        "item_id": key.item_id,
                        "location_id": key.location_id,
                        "lot_id": key.lot_id or None,
                        "container_id": key.container_id or None,
                        "requested": -delta,
                        "available": int(available),
                    },
                )
        else:
            conn.execute(_ADD, params)

    rows = [
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
            "idempotency_key": (
                None if req.idempotency_key is None else f"{req.idempotency_key}#{i + 1}"
            ),
            "unit_cost": ln.unit_cost,
            "reverses_movement_id": ln.reverses_movement_id,
            "occurred_at": occurred,
            "recorded_at": now,
        }
        for i, ln in enumerate(req.lines)
    ]
    ids = tuple(conn.execute(_INSERT_MOVEMENTS, rows).scalars().all())
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
