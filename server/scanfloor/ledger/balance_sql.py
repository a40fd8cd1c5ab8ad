"""The writer's statements as prepared driver SQL: the balance changes (one round trip per
balance key), and the posting and movement inserts.

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
from typing import Any

from sqlalchemy.engine import Connection

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
                stamp(conn, r["occurred_at"]),
                stamp(conn, r["recorded_at"]),
                r["chain_hash"],
            )
        )
    # One row (the scan path): execute; several: executemany.
    conn.exec_driver_sql(sql, params[0] if len(params) == 1 else params)
