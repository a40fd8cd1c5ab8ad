"""The writer's statements as prepared driver SQL: the balance changes (one round trip per
balance key, or set-based for many keys: see the bottom), and the posting and movement
inserts.

Sent with `exec_driver_sql` and positional parameters: no SQLAlchemy compilation, no
parameter processing per execution (PERFORMANCE.md: that bookkeeping costs more than the
statement). The strings are built once per driver placeholder style; psycopg prepares them
on the server after a few executions. Datetimes go in as the UTCDateTime column type stores
them: naive UTC (SQLite: its text form). The movements need no RETURNING: `chain.link` has
already given each row its id. One module for all of them because an import contract lets
only the writer import it (tests/unit/test_ledger_one_writer.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy.engine import Connection

from ..errors import InsufficientStock
from .rules import BalanceKey

_KEY = (
    "item_id = {p} AND location_id = {p} "
    "AND COALESCE(lot_id, 0) = {p} AND COALESCE(container_id, 0) = {p}"
)
# A physical source: decrement only if it stays >= 0 (check and write in one statement).
_TAKE = (
    "UPDATE balances SET quantity = quantity + {p}, updated_at = {p} "
    f"WHERE {_KEY} AND quantity + {{p}} >= 0"
)
# Anything else: add, creating the row on first use.
_ADD = (
    "INSERT INTO balances (item_id, location_id, lot_id, container_id, quantity, updated_at) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}) "
    "ON CONFLICT (item_id, location_id, COALESCE(lot_id, 0), COALESCE(container_id, 0)) "
    "DO UPDATE SET quantity = balances.quantity + excluded.quantity, "
    "updated_at = excluded.updated_at"
)
_STYLES = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_PREPARED: dict[str, tuple[str, str]] = {}


def placeholder(conn: Connection) -> str:
    """The driver's positional placeholder (`?` for sqlite3, `%s` for psycopg)."""
    return _STYLES[conn.dialect.paramstyle]


def _sql(conn: Connection) -> tuple[str, str]:
    style = conn.dialect.paramstyle
    got = _PREPARED.get(style)
    if got is None:
        p = placeholder(conn)
        got = _PREPARED.setdefault(style, (_TAKE.format(p=p), _ADD.format(p=p)))
    return got


def stamp(conn: Connection, now: datetime) -> Any:
    """`now` as the driver should receive it for a UTCDateTime column."""
    naive = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    if conn.dialect.name == "sqlite":
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite DateTime format
    return naive


def change(conn: Connection, key: BalanceKey, delta: int, at: Any, take: bool) -> bool:
    """Apply `delta` to one balance; `at` comes from `stamp`. With `take`, refuse (return
    False, write nothing) if the balance would go below zero."""
    take_sql, add_sql = _sql(conn)
    if take:
        params = (delta, at, key.item_id, key.location_id, key.lot_id, key.container_id, delta)
        return bool(conn.exec_driver_sql(take_sql, params).rowcount == 1)
    lot = key.lot_id or None
    cont = key.container_id or None
    conn.exec_driver_sql(add_sql, (key.item_id, key.location_id, lot, cont, delta, at))
    return True


# Only explains a refusal: what the key holds.
_AVAILABLE = f"SELECT quantity FROM balances WHERE {_KEY}"


def apply_balances(
    conn: Connection, deltas: Sequence[tuple[BalanceKey, int]], physical: set[int], at: Any
) -> None:
    """Apply each key's net delta (sorted by key, as rules.net_deltas gives them); a
    decrement of a balance in a physical location (`physical`) may not go below zero:
    InsufficientStock names the first key in key order that would, and what it holds.
    One statement per key for a few keys (a scan), set-based from BULK_KEYS on (below)."""
    if len(deltas) >= BULK_KEYS:
        _apply_many(conn, deltas, physical, at)
        return
    for bkey, delta in deltas:
        take = delta < 0 and bkey.location_id in physical
        if not change(conn, bkey, delta, at, take):
            sql = _AVAILABLE.format(p=placeholder(conn))
            available = conn.exec_driver_sql(sql, tuple(bkey)).scalar() or 0
            raise _short(bkey, delta, int(available))


def _short(bkey: BalanceKey, delta: int, available: int) -> InsufficientStock:
    return InsufficientStock(
        "not enough stock at the source location",
        {
            "item_id": bkey.item_id,
            "location_id": bkey.location_id,
            "lot_id": bkey.lot_id or None,
            "container_id": bkey.container_id or None,
            "requested": -delta,
            "available": available,
        },
    )


# Literal SQL, not built from the column list: the one-writer scan reads these strings.
_INSERT_POSTING = (
    "INSERT INTO postings (idempotency_key, fingerprint, movement_type, actor_id, device_id, "
    "source_type, source_id, recorded_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}) "
    "RETURNING id"
)
_INSERT_MOVEMENT = (
    "INSERT INTO movements (id, posting_id, item_id, lot_id, quantity, from_location_id, "
    "from_container_id, to_location_id, to_container_id, movement_type, reason_code, actor_id, "
    "device_id, source_type, source_id, idempotency_key, unit_cost, reverses_movement_id, "
    "occurred_at, recorded_at, chain_hash) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, "
    "{p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})"
)
_INSERTS: dict[str, tuple[str, str]] = {}
# The same insert for many rows on PostgreSQL: one array per column (psycopg's executemany
# would still send a statement per row).
_PG_INSERT_MOVEMENTS = (
    "INSERT INTO movements (id, posting_id, item_id, lot_id, quantity, from_location_id, "
    "from_container_id, to_location_id, to_container_id, movement_type, reason_code, actor_id, "
    "device_id, source_type, source_id, idempotency_key, unit_cost, reverses_movement_id, "
    "occurred_at, recorded_at, chain_hash) SELECT * FROM unnest("
    "%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], "
    "%s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::bigint[], "
    "%s::text[], %s::text[], %s::text[], %s::text[], %s::numeric[], %s::bigint[], "
    "%s::timestamp[], %s::timestamp[], %s::text[])"
)


def _insert_sql(conn: Connection) -> tuple[str, str]:
    style = conn.dialect.paramstyle
    got = _INSERTS.get(style)
    if got is None:
        p = placeholder(conn)
        got = _INSERTS.setdefault(
            style, (_INSERT_POSTING.format(p=p), _INSERT_MOVEMENT.format(p=p))
        )
    return got


def insert_posting(conn: Connection, values: tuple[Any, ...]) -> int:
    """Insert one posting: (idempotency_key, fingerprint, movement_type, actor_id, device_id,
    source_type, source_id, recorded_at from `stamp`); returns its id."""
    return int(conn.exec_driver_sql(_insert_sql(conn)[0], values).scalar_one())


def insert_movements(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert the movements as `chain.link` left them (id and chain_hash set). Every column
    is sent, none left to a default, so the row stored is the row hashed. SQLite has no
    native decimal: `unit_cost` goes in as the double SQLAlchemy's Numeric would send, the
    value chain.py hashes."""
    sql = _insert_sql(conn)[1]
    as_float = conn.dialect.name == "sqlite"  # SQLAlchemy's Numeric: a float there
    stamps: dict[datetime, Any] = {}  # a posting's rows share their two times: format once

    def at(value: datetime) -> Any:
        got = stamps.get(value)
        if got is None:
            got = stamps[value] = stamp(conn, value)
        return got

    params = []
    for r in rows:
        cost = r.get("unit_cost")
        params.append(
            (
                r["id"],
                r["posting_id"],
                r["item_id"],
                r.get("lot_id"),
                r["quantity"],
                r["from_location_id"],
                r.get("from_container_id"),
                r["to_location_id"],
                r.get("to_container_id"),
                r["movement_type"],
                r.get("reason_code"),
                r.get("actor_id"),
                r.get("device_id"),
                r.get("source_type"),
                r.get("source_id"),
                r.get("idempotency_key"),
                float(cost) if cost is not None and as_float else cost,
                r.get("reverses_movement_id"),
                at(r["occurred_at"]),
                at(r["recorded_at"]),
                r["chain_hash"],
            )
        )
    if len(params) == 1:  # the scan path
        conn.exec_driver_sql(sql, params[0])
    elif conn.dialect.name == "postgresql":  # one statement over arrays, whatever the size
        conn.exec_driver_sql(_PG_INSERT_MOVEMENTS, tuple(map(list, zip(*params, strict=True))))
    else:
        conn.exec_driver_sql(sql, params)


# --- many balance keys at once (a batch posting) ----------------------------------------
# One statement per key costs a round trip (PostgreSQL) or a driver call (SQLite) each: a
# 10,000-line pick was 20,000 of them. From BULK_KEYS keys on, the writer goes set-based:
# 1. `read_keys` reads the rows that exist for the keys, in ONE statement: on PostgreSQL
#    `SELECT ... ORDER BY key FOR UPDATE`, locking them in sorted key order like the
#    one-key path (docs/decisions/0011: chain head, then balances sorted; and the chain
#    head, held to commit, already serialises every posting); SQLite runs one writer at a
#    time and only reads (a join on a VALUES list, in chunks under the variable limit);
# 2. the writer checks every decrement against the quantities read, in key order, so the
#    first key that would go below zero is refused exactly as the one-key path refuses it;
# 3. `apply_deltas`: ONE statement applies every delta to the rows found, by row id
#    (PostgreSQL: UPDATE ... FROM unnest; SQLite: one executemany); decrements keep their
#    `>= 0` condition as a guard (the rows are held: a mismatch is a bug, not a refusal);
#    `add_new`: the keys without a row yet (never a physical decrement: step 2 refused
#    those), inserted in key order by the one-key upsert (PostgreSQL: one INSERT ... SELECT
#    FROM unnest ... ON CONFLICT; SQLite: one executemany).
BULK_KEYS = 8
_SQLITE_CHUNK = 4000
_PG_READ_KEYS = (
    "SELECT b.id, v.i, v.l, v.lot, v.c, b.quantity "
    "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[]) "
    "WITH ORDINALITY AS v(i, l, lot, c, k) JOIN balances b "
    "ON b.item_id = v.i AND b.location_id = v.l "
    "AND COALESCE(b.lot_id, 0) = v.lot AND COALESCE(b.container_id, 0) = v.c "
    "ORDER BY v.k FOR UPDATE OF b"
)
_PG_APPLY = (
    "UPDATE balances AS b SET quantity = b.quantity + v.d, updated_at = %s "
    "FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[]) AS v(id, d, t) "
    "WHERE b.id = v.id AND (NOT v.t OR b.quantity + v.d >= 0)"
)
_PG_ADD_NEW = (
    "INSERT INTO balances (item_id, location_id, lot_id, container_id, quantity, updated_at) "
    "SELECT v.i, v.l, NULLIF(v.lot, 0), NULLIF(v.c, 0), v.d, %s::timestamp "
    "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[]) "
    "WITH ORDINALITY AS v(i, l, lot, c, d, k) ORDER BY v.k "
    "ON CONFLICT (item_id, location_id, COALESCE(lot_id, 0), COALESCE(container_id, 0)) "
    "DO UPDATE SET quantity = balances.quantity + excluded.quantity, "
    "updated_at = excluded.updated_at"
)
_SQLITE_READ_KEYS = (
    "WITH v(i, l, lot, c) AS (VALUES {rows}) "
    "SELECT b.id, v.i, v.l, v.lot, v.c, b.quantity FROM v JOIN balances b "
    "ON b.item_id = v.i AND b.location_id = v.l "
    "AND COALESCE(b.lot_id, 0) = v.lot AND COALESCE(b.container_id, 0) = v.c"
)
_SQLITE_APPLY = (
    "UPDATE balances SET quantity = quantity + ?, updated_at = ? "
    "WHERE id = ? AND (? = 0 OR quantity + ? >= 0)"
)


class Row(NamedTuple):
    id: int
    quantity: int


def read_keys(conn: Connection, keys: Sequence[BalanceKey]) -> dict[BalanceKey, Row]:
    """Step 1 above for `keys` (sorted, distinct): (row id, quantity) of each key that has a
    row (PostgreSQL: locked, in key order)."""
    found: dict[BalanceKey, Row] = {}
    if conn.dialect.name == "postgresql":
        cols = tuple([k[n] for k in keys] for n in range(4))
        for rid, i, loc, lot, cont, q in conn.exec_driver_sql(_PG_READ_KEYS, cols):
            found[BalanceKey(i, loc, lot, cont)] = Row(rid, q)
        return found
    for start in range(0, len(keys), _SQLITE_CHUNK):
        part = keys[start : start + _SQLITE_CHUNK]
        sql = _SQLITE_READ_KEYS.format(rows=", ".join("(?, ?, ?, ?)" for _ in part))
        params = tuple(v for k in part for v in k)
        for rid, i, loc, lot, cont, q in conn.exec_driver_sql(sql, params):
            found[BalanceKey(i, loc, lot, cont)] = Row(rid, q)
    return found


def apply_deltas(conn: Connection, changes: Sequence[tuple[int, int, bool]], at: Any) -> bool:
    """Step 3 above: (row id, delta, take) for each key read; False if any did not apply."""
    if not changes:
        return True
    if conn.dialect.name == "postgresql":
        cols = ([c[0] for c in changes], [c[1] for c in changes], [c[2] for c in changes])
        done = conn.exec_driver_sql(_PG_APPLY, (at, *cols)).rowcount
    else:
        params = [(d, at, rid, int(t), d) for rid, d, t in changes]
        done = conn.exec_driver_sql(_SQLITE_APPLY, params).rowcount
    return int(done) == len(changes)


def add_new(conn: Connection, new: Sequence[tuple[BalanceKey, int]], at: Any) -> None:
    """Step 3 above for the keys `read_keys` found no row for, in key order."""
    if not new:
        return
    if conn.dialect.name == "postgresql":
        cols = tuple([k[n] for k, _d in new] for n in range(4))
        conn.exec_driver_sql(_PG_ADD_NEW, (at, *cols, [d for _k, d in new]))
        return
    conn.exec_driver_sql(
        _sql(conn)[1], [(k[0], k[1], k[2] or None, k[3] or None, d, at) for k, d in new]
    )


def _apply_many(
    conn: Connection, deltas: Sequence[tuple[BalanceKey, int]], physical: set[int], at: Any
) -> None:
    """Steps 1-3 above: read (PostgreSQL: lock) the rows in key order, refuse the first
    decrement that would go below zero exactly as the one-key path would (same key, same
    details), then apply every delta."""
    rows = read_keys(conn, [k for k, _d in deltas])
    changes: list[tuple[int, int, bool]] = []
    new: list[tuple[BalanceKey, int]] = []
    for bkey, delta in deltas:
        row = rows.get(bkey)
        held = 0 if row is None else int(row.quantity)
        take = delta < 0 and bkey.location_id in physical
        if take and held + delta < 0:
            raise _short(bkey, delta, held)
        if row is None:
            new.append((bkey, delta))
        else:
            changes.append((row.id, delta, take))
    if not apply_deltas(conn, changes, at):  # nothing can change them meanwhile: a guard
        raise RuntimeError("a balance changed under its posting")
    add_new(conn, new, at)
