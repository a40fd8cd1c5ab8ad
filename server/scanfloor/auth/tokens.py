"""Issuing bearer tokens and API keys: random, shown once, stored only as a hash."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..extensions import db
from ..timeutil import utcnow
from .guard import hash_token
from .models import ApiToken


@dataclass(frozen=True)
class IssuedToken:
    id: int
    token: str
    expires_at: datetime | None


def issue_token(
    user_id: int,
    *,
    kind: str = "session",
    ttl: timedelta | None = timedelta(hours=12),
    name: str | None = None,
    device_id: str | None = None,
) -> IssuedToken:
    """Add a token row to the current transaction; the caller commits."""
    prefix = "sfk_" if kind == "api_key" else "sft_"
    token = prefix + secrets.token_urlsafe(32)
    expires = None if ttl is None else utcnow() + ttl
    row = ApiToken(
        user_id=user_id,
        token_hash=hash_token(token),
        kind=kind,
        name=name,
        prefix=token[:12],
        device_id=device_id,
        expires_at=expires,
    )
    db.session.add(row)
    db.session.flush()
    return IssuedToken(id=row.id, token=token, expires_at=expires)
