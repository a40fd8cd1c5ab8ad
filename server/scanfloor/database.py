"""Engine set-up and the one way to open a write transaction.

SQLite: WAL, foreign keys, a busy timeout, and write transactions that start with
BEGIN IMMEDIATE so two writers never both read and then fail to upgrade their lock.
Inside one process, writers also take a plain lock first: threads then queue in
order instead of sleeping in SQLite's busy handler (docs/decisions/0002).
PostgreSQL: ordinary transactions; the ledger writer relies on row locks taken by
conditional UPDATEs in a fixed key order.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("immediate", default=False)
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("write_depth", default=0)
_after: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "after_commit", default=None
)
log = logging.getLogger(__name__)
_locks: dict[int, threading.RLock] = {}
_locks_guard = threading.Lock()


def is_sqlite(engine: Engine | None = None) -> bool:
    engine = engine or db.engine
    return engine.dialect.name == "sqlite"


def configure_engine(engine: Engine) -> None:
    """Install SQLite pragmas and transaction control on an engine (no-op for others)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours to emit.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


def _process_lock(engine: Engine) -> threading.RLock:
    with _locks_guard:
        return _locks.setdefault(id(engine), threading.RLock())


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block as one write transaction on db.session; nested calls join the outer one.

    On success the session commits; on any exception it rolls back and re-raises, so a
    refused posting leaves nothing behind.
    """
    depth = _depth.get()
    if depth:
        token = _depth.set(depth + 1)
        try:
            yield
        finally:
            _depth.reset(token)
        return

    session = db.session
    engine = db.engine
    lock = _process_lock(engine) if engine.dialect.name == "sqlite" else None
    # End any read transaction (e.g. the auth lookup) so the write one starts fresh.
    if session().in_transaction():
        session.commit()
    if lock is not None:
        lock.acquire()
    token = _depth.set(1)
    callbacks: list[Callable[[], None]] = []
    after = _after.set(callbacks)
    try:
        imm = _immediate.set(True)
        try:
            session.connection()  # begins now, so BEGIN IMMEDIATE is the statement sent
        finally:
            _immediate.reset(imm)
        try:
            yield
            session.commit()
        except BaseException:
            session.rollback()
            raise
    finally:
        _depth.reset(token)
        _after.reset(after)
        if lock is not None:
            lock.release()
    # Only now, committed and unlocked: pushes to sockets and webhooks (rule 8).
    for callback in callbacks:
        try:
            callback()
        except Exception:  # a failed push must never undo or fail a committed posting
            log.exception("after-commit callback failed")


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current write transaction commits; never if it rolls back."""
    pending = _after.get()
    if pending is None:
        raise RuntimeError("after_commit needs an open write_transaction")
    pending.append(callback)


def in_write_transaction() -> bool:
    return _depth.get() > 0
