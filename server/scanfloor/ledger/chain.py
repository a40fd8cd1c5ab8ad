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
from dataclasses import dataclass
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


# One encoder for every movement (json.dumps with these options would build one per call);
# ints, strings and None pass through as they are, the rest go through _encode. The bytes
# are the same as json.dumps(values, separators=(",", ":"), ensure_ascii=False) gives.
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_PLAIN = (int, str, type(None))


def canonical(row: Mapping[Any, Any]) -> bytes:
    """One byte string per movement: the same on both databases for the same movement."""
    values: list[Any] = [VERSION]
    get = row.get
    for name in FIELDS:
        value = get(name)
        # type(), not isinstance: a bool is an int subclass and must still be refused.
        if type(value) in _PLAIN and name != "unit_cost":
            values.append(value)
        elif type(value) is datetime:  # a posting's rows share their two times
            text = _TIMES.get(value)
            if text is None:
                if len(_TIMES) > 256:
                    _TIMES.clear()
                text = _TIMES[value] = _encode(name, value)
            values.append(text)
        else:
            values.append(_encode(name, value))
    return _JSON.encode(values).encode()


_TIMES: dict[datetime, str] = {}


def link_hash(previous: str, row: Mapping[Any, Any]) -> str:
    """sha256 over the previous link's hash and this movement's canonical encoding."""
    return hashlib.sha256(previous.encode() + b"\n" + canonical(row)).hexdigest()


# Chain extension is serialised on purpose: one row lock on ledger_chain, held to commit,
# gives the chain a total order equal to id order. The writer takes it (`hold`) before any
# balance row, so the lock order is always chain head -> balances (sorted) -> what
# subscribers lock: a transaction that posts twice can then never deadlock with another
# posting, at the cost of also serialising the balance updates (a few statements).
# Driver SQL (`exec_driver_sql`, no compilation per posting), one string per placeholder.
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


@dataclass(frozen=True)
class Head:
    """The chain head as a posting found it: the last hash and the ids its movements get."""

    last_hash: str
    ids: list[int]


def hold(conn: Connection, count: int) -> Head | None:
    """Take the chain head's lock now (before any balance row) and, on PostgreSQL, read it
    and allocate `count` movement ids in the same statement (the UPDATE that locks it
    RETURNs both: one round trip, where a lock and a later read took two). A no-op on
    SQLite, whose write transaction already excludes every other writer: `link` reads the
    head there. Ids allocated for a posting that is then refused are gaps, as any rolled-back
    sequence value is; the chain links movements in id order and does not need them dense."""
    if conn.dialect.name != "postgresql":
        return None
    head = conn.exec_driver_sql(_PG_HEAD, (count,)).one_or_none()
    if head is None:
        raise RuntimeError("ledger_chain has no head row: run `scanfloor db upgrade`")
    return Head(head.last_hash, sorted(head.ids))


def link(conn: Connection, rows: Sequence[dict[str, Any]], head: Head | None = None) -> None:
    """Give each row (in order) its id and chain hash, and move the chain head past them.

    `head`: what `hold` read (PostgreSQL); else the head is read (and locked) here. Then one
    statement writes the new head.
    """
    if head is None:
        if conn.dialect.name == "postgresql":
            found = conn.exec_driver_sql(_PG_HEAD, (len(rows),)).one_or_none()
            head = None if found is None else Head(found.last_hash, sorted(found.ids))
        else:
            found = conn.exec_driver_sql(_SQLITE_HEAD).one_or_none()
            if found is not None:
                first = found.last_id + 1
                head = Head(found.last_hash, list(range(first, first + len(rows))))
    if head is None:
        raise RuntimeError("ledger_chain has no head row: run `scanfloor db upgrade`")
    if len(head.ids) != len(rows):
        raise RuntimeError("the chain head was read for another number of movements")
    previous = head.last_hash
    for movement_id, row in zip(head.ids, rows, strict=True):
        row["id"] = movement_id
        row["unit_cost"] = cost_as_stored(row.get("unit_cost"))
        previous = link_hash(previous, row)
        row["chain_hash"] = previous
    conn.exec_driver_sql(_SET_HEAD[conn.dialect.paramstyle], (head.ids[-1], previous))
