"""The idempotency store: the first answer to each (caller, key), kept for a retention time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class CommandRecord(db.Model):  # type: ignore[misc]
    """One command's first answer. Keys are scoped by caller: a user's key never replays
    another user's answer. The fingerprint is NULL only for keys carried over from before the
    command path (migration 0007), whose request was never hashed the current way."""

    __tablename__ = "command_records"
    __table_args__ = (Index("ix_command_records_created_at", "created_at"),)

    caller: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    command: Mapped[str] = mapped_column(String(300))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
