"""The writer's balance statements as prepared driver SQL, one round trip per balance key.

Sent with `exec_driver_sql` and positional parameters: no SQLAlchemy compilation, no
parameter processing per execution (PERFORMANCE.md: that bookkeeping costs more than the
statement). The strings are built once per driver placeholder style; psycopg prepares them
on the server after a few executions. Datetimes go in as the UTCDateTime column type stores
them: naive UTC (SQLite: its text form).
"""

from __future__ import annotations

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


def _sql(conn: Connection) -> tuple[str, str]:
    style = conn.dialect.paramstyle
    got = _PREPARED.get(style)
    if got is None:
        p = _STYLES[style]
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
