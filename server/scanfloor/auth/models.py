"""Who may use Scanfloor, and the credentials they present."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow
from .rules import ALL_ROLES, FINANCE, ROLES

# The roles (the ladder, and finance beside it) are pure rules (rules.py), read from here
# too; the table's CHECK repeats them because migration 0018 pins what the database accepts.
__all__ = [
    "ALL_ROLES",
    "AUTH_EVENT_KINDS",
    "FINANCE",
    "ROLES",
    "ApiToken",
    "AuthEvent",
    "User",
]


class User(db.Model):  # type: ignore[misc]
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('worker','supervisor','manager','admin','finance')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    badge: Mapped[str | None] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(db.Model):  # type: ignore[misc]
    """A bearer token (sign-in) or an API key (integration). Only a hash is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("kind IN ('session','api_key')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(12))
    device_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# What the audit log records: sign-ins (refused, throttled, accepted) and what managers and
# supervisors did to someone's sign-in (unlocked it, ended their sessions).
AUTH_EVENT_KINDS = (
    "signed_in",
    "sign_in_failed",
    "sign_in_throttled",
    "unlocked",
    "sessions_ended",
)


class AuthEvent(db.Model):  # type: ignore[misc]
    """One line of the sign-in audit log. Never holds a secret: `login` is the username or
    badge that was tried (an unknown one included), `user_id` whose it is when known."""

    __tablename__ = "auth_events"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('signed_in','sign_in_failed','sign_in_throttled','unlocked',"
            "'sessions_ended')",
            name="kind",
        ),
        Index("ix_auth_events_occurred_at", "occurred_at"),
        Index("ix_auth_events_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))
    method: Mapped[str | None] = mapped_column(String(8))  # password | badge
    login: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    client_address: Mapped[str | None] = mapped_column(String(45))
    device_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
