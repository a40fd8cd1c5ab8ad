"""Reading and writing the idempotency store. Every keyed scan runs `find` and `add`, so they
are fixed driver SQL (`exec_driver_sql`, positional parameters): compiled Core costs more
than the statement here (PERFORMANCE.md). Values go in and come out as the column types
would handle them: `answer` as JSON text (SQLite hands it back as text, psycopg parsed),
`created_at` as naive UTC (SQLite: SQLAlchemy's text form), read back as aware UTC.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.engine import Connection

from .models import CommandRecord

_T = CommandRecord.__table__
_FIND = (
    "SELECT command, fingerprint, answer, created_at FROM command_records "
    'WHERE caller = {p} AND "key" = {p}'
)
_ADD = (
    'INSERT INTO command_records (caller, "key", command, fingerprint, answer, created_at) '
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p})"
)
_BY_STYLE = {
    style: (_FIND.format(p=p), _ADD.format(p=p))
    for style, p in (("qmark", "?"), ("format", "%s"), ("pyformat", "%s"))
}
_PURGE = delete(_T).where(_T.c.created_at < bindparam("before"))
_PG_LOCK = "SELECT pg_advisory_xact_lock(%s)"


@dataclass(frozen=True)
class Stored:
    command: str
    fingerprint: str | None
    answer: dict[str, Any]
    created_at: datetime


def find(conn: Connection, caller: str, key: str) -> Stored | None:
    row = conn.exec_driver_sql(_BY_STYLE[conn.dialect.paramstyle][0], (caller, key)).first()
    if row is None:
        return None
    command, fingerprint, answer, created_at = row
    if isinstance(answer, str | bytes):
        answer = json.loads(answer)
    if isinstance(created_at, str):
        created_at = datetime.fromisoformat(created_at)
    return Stored(command, fingerprint, answer, created_at.replace(tzinfo=UTC))


def add(
    conn: Connection,
    caller: str,
    key: str,
    command: str,
    fingerprint: str,
    answer: dict[str, Any],
    now: datetime,
) -> None:
    naive = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    created: Any = naive
    if conn.dialect.name == "sqlite":
        created = naive.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite DateTime text
    params = (caller, key, command, fingerprint, json.dumps(answer), created)
    conn.exec_driver_sql(_BY_STYLE[conn.dialect.paramstyle][1], params)


def hold(conn: Connection, lock_id: int) -> None:
    """PostgreSQL: one request per (caller, key) at a time, until its transaction ends, so a
    key sent twice at once runs once and the second finds the first's answer. SQLite runs one
    write transaction at a time anyway."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_LOCK, (lock_id,))


def purge(conn: Connection, before: datetime) -> int:
    return int(conn.execute(_PURGE, {"before": before}).rowcount)
