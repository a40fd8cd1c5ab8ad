"""The ATS change feed and channel webhooks: what allocation tells channels when their
available-to-sell changes, written inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..extensions import db
from ..outbox.service import enqueue
from ..timeutil import utcnow
from . import webhooks  # registers the channel consumer wherever messages are written
from .models import AtsChange, Channel

_ATS = AtsChange.__table__
_PENDING = "scanfloor.ats_pending"
_HOOKED = select(Channel.__table__.c.id).where(
    Channel.__table__.c.webhook_url.is_not(None), Channel.__table__.c.active.is_(True)
)
FEED_LOCK = 0x5CA7F100D  # advisory lock key: "the ATS feed"


def ats_changed(
    conn: Connection, item_ids: Iterable[int] | None, now: datetime, channel_id: int | None = None
) -> None:
    """Note that these items' ATS changed (None: every item of the channel, or of every
    channel). The feed row is written once, as the transaction commits (see _write_feed)."""
    ids = None if item_ids is None else set(item_ids)
    if ids is not None and not ids:
        return
    pending: dict[int | None, set[int] | None] = db.session.info.setdefault(_PENDING, {})
    if channel_id in pending and (pending[channel_id] is None or ids is None):
        pending[channel_id] = None
    elif ids is not None:
        pending.setdefault(channel_id, set()).update(ids)  # type: ignore[union-attr]
    else:
        pending[channel_id] = None


def _write_feed(session: Session) -> None:
    """before_commit: one feed row per channel scope for the whole transaction.

    On PostgreSQL a transaction-scoped advisory lock is taken first, so feed ids are handed
    out in commit order and a reader that sees id N has seen every id below it; the lock is
    held only from here to the commit. SQLite commits one writer at a time anyway.
    """
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK})
    now = utcnow()
    conn.execute(
        _ATS.insert(),
        [
            {
                "channel_id": ch,
                "item_ids": None if ids is None else sorted(ids),
                "created_at": now,
            }
            for ch, ids in pending.items()
        ],
    )
    hooked = list(conn.execute(_HOOKED))
    for (channel_id,) in hooked:
        mine = [ids for ch, ids in pending.items() if ch in (None, channel_id)]
        if mine:
            merged = None if any(ids is None for ids in mine) else sorted(set().union(*mine))
            queue_webhook(conn, channel_id, "ats.changed", {"item_ids": merged}, now)


def _forget_feed(session: Session, *_: object) -> None:
    session.info.pop(_PENDING, None)


event.listen(db.session, "before_commit", _write_feed)
event.listen(db.session, "after_rollback", _forget_feed)


def queue_webhook(
    conn: Connection, channel_id: int, topic: str, payload: dict[str, Any], now: datetime
) -> None:
    """A message for the channel's webhook in this transaction's outbox; delivery starts
    once it commits."""
    enqueue(conn, topic, webhooks.destination(channel_id), payload, now)
