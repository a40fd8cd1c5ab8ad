"""Outbox use cases: enqueue a message in the caller's transaction, list messages, retry a
dead one now, purge old delivered ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection

from ..database import after_commit, in_write_transaction, write_transaction
from ..errors import AlreadyDelivered, NotFound
from ..extensions import db
from ..timeutil import as_utc, utcnow
from .models import OutboxMessage
from .rules import DEAD, DELIVERED, PENDING, split_destination

MAX_ROWS = 1000
_M = OutboxMessage.__table__
_KICKED = "scanfloor.outbox_kicked"
# Built once: enqueue sits on scan paths (PERFORMANCE.md).
_INSERT = _M.insert().values(
    topic=bindparam("topic"),
    destination=bindparam("destination"),
    payload=bindparam("payload"),
    state=PENDING,
    attempts=0,
    next_attempt_at=bindparam("now"),
    created_at=bindparam("now"),
)


def enqueue(
    conn: Connection,
    topic: str,
    destination: str,
    payload: dict[str, Any],
    now: datetime | None = None,
) -> None:
    """Write a message in the caller's transaction; it goes out once that commits."""
    split_destination(destination)  # a malformed destination is a bug in the caller
    if in_write_transaction():
        # One kick per transaction, however many messages it writes.
        tx = conn.get_transaction()
        if conn.info.get(_KICKED) is not tx:
            conn.info[_KICKED] = tx
            after_commit(kick)
    conn.execute(
        _INSERT,
        {"topic": topic, "destination": destination, "payload": payload, "now": now or utcnow()},
    )


def kick() -> None:
    """After commit: wake this process's dispatcher, so a fresh message need not wait."""
    if not has_app_context():
        return
    from .worker import wake

    wake(current_app._get_current_object())  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MessageView:
    id: int
    topic: str
    destination: str
    payload: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


_VIEW = select(
    _M.c.id,
    _M.c.topic,
    _M.c.destination,
    _M.c.payload,
    _M.c.state,
    _M.c.attempts,
    _M.c.next_attempt_at,
    _M.c.last_error,
    _M.c.created_at,
    _M.c.delivered_at,
)


def _view(r: Any) -> MessageView:
    return MessageView(
        r.id, r.topic, r.destination, r.payload, r.state, r.attempts,
        as_utc(r.next_attempt_at), r.last_error, as_utc(r.created_at),
        None if r.delivered_at is None else as_utc(r.delivered_at),
    )  # fmt: skip


def list_messages(
    state: str | None = None, destination: str | None = None, limit: int = 200
) -> list[MessageView]:
    """Messages, newest first, optionally of one state and one destination."""
    q = _VIEW.order_by(_M.c.id.desc()).limit(min(max(limit, 1), MAX_ROWS))
    if state:
        q = q.where(_M.c.state == state)
    if destination:
        q = q.where(_M.c.destination == destination)
    return [_view(r) for r in db.session.connection().execute(q)]


def retry_message(message_id: int) -> MessageView:
    """Put a dead (or waiting) message back in line, due now, with a fresh attempt budget.

    A lease is left alone: a message being delivered right now is not handed to a second
    dispatcher (dead messages hold none).
    """
    with write_transaction():
        conn = db.session.connection()
        done = conn.execute(
            update(_M)
            .where(_M.c.id == message_id, _M.c.state.in_((DEAD, PENDING)))
            .values(state=PENDING, attempts=0, next_attempt_at=utcnow())
        )
        if done.rowcount == 0:
            state = conn.scalar(select(_M.c.state).where(_M.c.id == message_id))
            if state is None:
                raise NotFound("outbox message not found", {"id": message_id})
            raise AlreadyDelivered(
                "this message has been delivered", {"id": message_id, "state": state}
            )
        after_commit(kick)
        row = conn.execute(_VIEW.where(_M.c.id == message_id)).one()
        return _view(row)


def purge_delivered(older_than: timedelta) -> int:
    """Delete delivered messages (and their attempt log) delivered before now - older_than."""
    if older_than < timedelta(0):
        raise ValueError("older_than must not be negative")
    with write_transaction():
        done = db.session.connection().execute(
            delete(_M).where(_M.c.state == DELIVERED, _M.c.delivered_at < utcnow() - older_than)
        )
        return int(done.rowcount)
