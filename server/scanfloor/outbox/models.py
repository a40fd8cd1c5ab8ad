"""Outbox tables: the messages waiting to go out (and those that went or died), and the log
of every delivery attempt. Written and claimed through Core statements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow
from .rules import STATES

_BIGID = BigInteger().with_variant(db.Integer, "sqlite")


class OutboxMessage(db.Model):  # type: ignore[misc]
    """A message for one destination, written in the transaction that made the change."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("state IN (" + ",".join(f"'{s}'" for s in STATES) + ")", name="state"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # Head of each destination's queue, and the dispatcher's scan for due messages.
        Index("ix_outbox_messages_state_destination", "state", "destination", "id"),
        Index("ix_outbox_messages_state_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    topic: Mapped[str] = mapped_column(String(64))
    destination: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The lease: a dispatcher owns the message (and so its destination) until then.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxAttempt(db.Model):  # type: ignore[misc]
    """One attempt to deliver a message: the delivery log."""

    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int] = mapped_column(default=0)
