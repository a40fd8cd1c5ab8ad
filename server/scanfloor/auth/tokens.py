"""Issuing bearer tokens and API keys: random, shown once, stored only as a hash."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, select, update

from ..errors import Unauthorized
from ..extensions import db
from ..timeutil import utcnow
from .guard import _presented_token, hash_token
from .models import ApiToken


@dataclass(frozen=True)
class IssuedToken:
    id: int
    token: str
    expires_at: datetime | None
    prefix: str = ""
    created_at: datetime | None = None


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
    now = utcnow()
    expires = None if ttl is None else now + ttl
    row = ApiToken(
        user_id=user_id,
        token_hash=hash_token(token),
        kind=kind,
        name=name,
        prefix=token[:12],
        device_id=device_id,
        created_at=now,
        expires_at=expires,
    )
    db.session.add(row)
    db.session.flush()
    return IssuedToken(
        id=row.id, token=token, expires_at=expires, prefix=row.prefix, created_at=now
    )


def presented_token() -> str:
    """The bearer token or API key on this request (read the way the guard reads it)."""
    token = _presented_token()
    if not token:
        raise Unauthorized("sign in first: send Authorization: Bearer <token>")
    return token


def _revoke(*where: ColumnElement[bool]) -> int:
    result = db.session.execute(
        update(ApiToken).where(ApiToken.revoked_at.is_(None), *where).values(revoked_at=utcnow())
    )
    return int(cast("CursorResult[Any]", result).rowcount)


def revoke_token(token: str) -> bool:
    """Revoke one token by its secret, in the current transaction. False if already revoked."""
    return _revoke(ApiToken.token_hash == hash_token(token)) > 0


def revoke_user_tokens(user_id: int) -> int:
    """Revoke every live token and API key of a user, in the current transaction."""
    return _revoke(ApiToken.user_id == user_id)


def revoke_user_sessions(user_id: int) -> int:
    """Revoke a user's sign-in tokens, keeping their API keys, in the current transaction."""
    return _revoke(ApiToken.user_id == user_id, ApiToken.kind == "session")


def live_api_keys(user_id: int) -> list[ApiToken]:
    """The API keys acting as a user that are still accepted (none expire)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user_id,
                ApiToken.kind == "api_key",
                ApiToken.revoked_at.is_(None),
            )
            .order_by(ApiToken.id)
        )
    )
