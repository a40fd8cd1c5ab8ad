"""The movements' hash chain: each movement's hash covers its own fields, its id and the
previous movement's hash, so rewriting, inserting or removing a movement breaks every link
after it (docs/decisions/0011-ledger-hash-chain.md).

Two halves: `canonical` / `link_hash` are pure (unit tested without a database); `link`
runs inside the writer's transaction, takes the chain head's row lock, allocates the ids
and stamps each row with its hash before the movements are inserted (movements cannot be
UPDATEd afterwards: the append-only triggers refuse it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.engine import Connection

GENESIS = "0" * 64
VERSION = "v1"
# Every column a movement has except the hash itself, in a fixed order.
FIELDS = (
    "id",
    "posting_id",
    "item_id",
    "lot_id",
    "quantity",
    "from_location_id",
    "from_container_id",
    "to_location_id",
    "to_container_id",
    "movement_type",
    "reason_code",
    "actor_id",
    "device_id",
    "source_type",
    "source_id",
    "idempotency_key",
    "unit_cost",
    "reverses_movement_id",
    "occurred_at",
    "recorded_at",
)
_COST_PLACES = Decimal("0.000001")  # movements.unit_cost is Numeric(18, 6)


def cost_as_stored(value: Decimal | None) -> Decimal | None:
    """The unit cost the column keeps (6 places), so the hash covers what is read back."""
    return None if value is None else Decimal(value).quantize(_COST_PLACES, ROUND_HALF_UP)


def _encode(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "unit_cost":
        # SQLite keeps Numeric as a double; PostgreSQL exactly. The double of the 6-place
        # value is the same number read from either, so that is what is hashed.
        return repr(float(cost_as_stored(value)))  # type: ignore[arg-type]
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"movement field {name} has an unhashable value {value!r}")
    return value


def canonical(row: Mapping[Any, Any]) -> bytes:
    """One byte string per movement: the same on both databases for the same movement."""
    values = [VERSION] + [_encode(name, row.get(name)) for name in FIELDS]
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(previous: str, row: Mapping[Any, Any]) -> str:
    """sha256 over the previous link's hash and this movement's canonical encoding."""
    return hashlib.sha256(previous.encode() + b"\n" + canonical(row)).hexdigest()


# Chain extension is serialised on purpose: one row lock on ledger_chain, held to commit,
# gives the chain a total order equal to id order. The writer takes it (`hold`) before any
# balance row, so the lock order is always chain head -> balances (sorted) -> what
# subscribers lock: a transaction that posts twice can then never deadlock with another
# posting, at the cost of also serialising the balance updates (a few statements).
# Driver SQL (`exec_driver_sql`, no compilation per posting), one string per placeholder.
_PG_HOLD = "SELECT 1 FROM ledger_chain WHERE id = 1 FOR UPDATE"
_PG_HEAD = (
    "UPDATE ledger_chain SET last_movement_id = last_movement_id WHERE id = 1 "
    "RETURNING last_hash, "
    "ARRAY(SELECT nextval('movements_id_seq') FROM generate_series(1, %s)) AS ids"
)
# SQLite: the write transaction already holds the database's write lock (BEGIN IMMEDIATE),
# so MAX(id) cannot move under us; MAX on the rowid is one index probe.
_SQLITE_HEAD = (
    "SELECT last_hash, (SELECT COALESCE(MAX(id), 0) FROM movements) AS last_id "
    "FROM ledger_chain WHERE id = 1"
)
_SET_HEAD = {
    style: f"UPDATE ledger_chain SET last_movement_id = {p}, last_hash = {p} WHERE id = 1"
    for style, p in (("qmark", "?"), ("format", "%s"), ("pyformat", "%s"))
}


def hold(conn: Connection) -> None:
    """Take the chain head's lock now (PostgreSQL; a no-op when this transaction has it, and
    on SQLite, whose write transaction already excludes every other writer)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_HOLD)


def link(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Give each row (in order) its id and chain hash, and move the chain head past them.

    Two statements per posting whatever its size: read-and-lock the head (allocating the
    ids on PostgreSQL), then write the new head.
    """
    if conn.dialect.name == "postgresql":
        head = conn.exec_driver_sql(_PG_HEAD, (len(rows),)).one_or_none()
        ids = sorted(head.ids) if head is not None else []
    else:
        head = conn.exec_driver_sql(_SQLITE_HEAD).one_or_none()
        ids = list(range(head.last_id + 1, head.last_id + 1 + len(rows))) if head else []
    if head is None:
        raise RuntimeError("ledger_chain has no head row: run `scanfloor db upgrade`")
    previous = head.last_hash
    for movement_id, row in zip(ids, rows, strict=True):
        row["id"] = movement_id
        row["unit_cost"] = cost_as_stored(row.get("unit_cost"))
        previous = link_hash(previous, row)
        row["chain_hash"] = previous
    conn.exec_driver_sql(_SET_HEAD[conn.dialect.paramstyle], (ids[-1], previous))
