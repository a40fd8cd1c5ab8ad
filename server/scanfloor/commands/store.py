"""Reading and writing the idempotency store (Core statements, built once: this is on every
scan's path)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.engine import Connection

from .models import CommandRecord

_T = CommandRecord.__table__
_FIND = select(_T.c.command, _T.c.fingerprint, _T.c.answer, _T.c.created_at).where(
    _T.c.caller == bindparam("caller"), _T.c.key == bindparam("key")
)
_ADD = _T.insert()
_PURGE = delete(_T).where(_T.c.created_at < bindparam("before"))
_PG_LOCK = text("SELECT pg_advisory_xact_lock(:id)")


@dataclass(frozen=True)
class Stored:
    command: str
    fingerprint: str | None
    answer: dict[str, Any]
    created_at: datetime


def find(conn: Connection, caller: str, key: str) -> Stored | None:
    row = conn.execute(_FIND, {"caller": caller, "key": key}).first()
    if row is None:
        return None
    return Stored(row.command, row.fingerprint, row.answer, row.created_at)


def add(
    conn: Connection,
    caller: str,
    key: str,
    command: str,
    fingerprint: str,
    answer: dict[str, Any],
    now: datetime,
) -> None:
    conn.execute(
        _ADD,
        {
            "caller": caller,
            "key": key,
            "command": command,
            "fingerprint": fingerprint,
            "answer": answer,
            "created_at": now,
        },
    )


def hold(conn: Connection, lock_id: int) -> None:
    """PostgreSQL: one request per (caller, key) at a time, until its transaction ends, so a
    key sent twice at once runs once and the second finds the first's answer. SQLite runs one
    write transaction at a time anyway."""
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_LOCK, {"id": lock_id})


def purge(conn: Connection, before: datetime) -> int:
    return int(conn.execute(_PURGE, {"before": before}).rowcount)
