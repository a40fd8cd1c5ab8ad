"""The sign-in audit log (auth_events): writing a line, and reading them back for managers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..database import write_transaction
from ..extensions import db
from ..timeutil import utcnow
from .models import AuthEvent

EVENTS_LIMIT_MAX = 500


@dataclass(frozen=True)
class Where:
    """Where a sign-in came from: the client's address and the device it named."""

    client_address: str | None = None
    device_id: str | None = None


@dataclass(frozen=True)
class Event:
    kind: str
    method: str | None = None
    login: str | None = None
    user_id: int | None = None
    actor_id: int | None = None
    where: Where = field(default_factory=Where)
    details: dict[str, Any] = field(default_factory=dict)


def _row(event: Event) -> AuthEvent:
    return AuthEvent(
        occurred_at=utcnow(),
        kind=event.kind,
        method=event.method,
        # Trimmed to the column: the schema bounds them, but a row must never fail to write.
        login=event.login[:64] if event.login else None,
        user_id=event.user_id,
        actor_id=event.actor_id,
        client_address=(event.where.client_address or None) and event.where.client_address[:45],
        device_id=event.where.device_id[:64] if event.where.device_id else None,
        details=event.details,
    )


def add(event: Event) -> None:
    """Add a line to the caller's transaction (it commits or rolls back with the change)."""
    db.session.add(_row(event))


def record(event: Event) -> None:
    """Write a line in a transaction of its own: a refusal is recorded although the request
    that caused it fails (call it before any write transaction opens)."""
    with write_transaction():
        add(event)


def list_events(
    *,
    kind: str | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[AuthEvent]:
    """The newest lines first, optionally of one kind, about one user, or since a time."""
    query = select(AuthEvent).order_by(AuthEvent.id.desc())
    if kind is not None:
        query = query.where(AuthEvent.kind == kind)
    if user_id is not None:
        query = query.where(AuthEvent.user_id == user_id)
    if since is not None:
        query = query.where(AuthEvent.occurred_at >= since)
    return list(db.session.scalars(query.limit(max(1, min(limit, EVENTS_LIMIT_MAX)))))
