"""Signing in with a password or a badge + PIN, signing out, and who the caller is.

Secrets are verified before any write transaction opens: argon2 takes tens of milliseconds,
and on SQLite a write transaction holds the database's one write lock. Wrong secrets are
throttled per account and per client (throttle.py, rules.ThrottlePolicy) and every refusal,
throttle and sign-in is written to the audit log (audit.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import select, update

from ..config import Settings
from ..database import write_transaction
from ..errors import InvalidCredentials, NotFound, TooManyAttempts, ValidationFailed
from ..extensions import db
from . import audit, throttle
from .audit import Event, Where
from .guard import Principal
from .models import User
from .passwords import hash_secret, needs_rehash, verify_secret
from .rules import account_key
from .tokens import issue_token, revoke_token

BAD_CREDENTIALS = "wrong username or password, or wrong badge or PIN"


@dataclass(frozen=True)
class UserBrief:
    id: int
    username: str
    display_name: str
    role: str


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires_at: datetime | None
    user: UserBrief
    token_type: str = "Bearer"


@dataclass(frozen=True)
class Caller:
    id: int
    username: str
    display_name: str
    role: str
    token_kind: str
    device_id: str | None


def _settings() -> Settings:
    found = current_app.config.get("SCANFLOOR_SETTINGS")
    return found if isinstance(found, Settings) else Settings()


def _brief(user: User) -> UserBrief:
    return UserBrief(user.id, user.username, user.display_name, user.role)


def sign_in(
    *,
    username: str | None = None,
    password: str | None = None,
    badge: str | None = None,
    pin: str | None = None,
    device_id: str | None = None,
    client_address: str | None = None,
) -> SignedIn:
    """Sign in with username + password or badge + PIN; returns a new bearer token."""
    where = Where(client_address, device_id)
    if username is not None and password is not None:
        return _sign_in_with_password(username, password, where)
    if badge is not None and pin is not None:
        return _sign_in_with_badge(badge, pin, where)
    raise ValidationFailed("send username and password, or badge and PIN")


def _sign_in_with_password(username: str, password: str, where: Where) -> SignedIn:
    key = username.strip().lower()
    attempt = _admit("password", key, where)
    user = db.session.scalar(
        select(User).where(User.username == key).execution_options(populate_existing=True)
    )
    stored = user.password_hash if user is not None else None
    # Unknown users are verified against a decoy: same time, same answer.
    matched = verify_secret(stored, password)
    if not matched or user is None or stored is None or not user.active:
        raise _refused(attempt, "password", key, user.id if user else None, where)
    who = _brief(user)
    rehashed = hash_secret(password) if needs_rehash(stored) else None
    with write_transaction():
        _refuse_if_changed_meanwhile(who.id, User.password_hash, stored)
        if rehashed is not None:
            db.session.execute(update(User).where(User.id == who.id).values(password_hash=rehashed))
        issued = issue_token(who.id, ttl=_ttl(), device_id=where.device_id)
        audit.add(Event("signed_in", "password", key, who.id, where=where))
    throttle.succeeded(attempt)
    return SignedIn(issued.token, issued.expires_at, who)


def _sign_in_with_badge(badge: str, pin: str, where: Where) -> SignedIn:
    who, attempt, stored = _check_badge(badge, pin, where)
    with write_transaction():
        _refuse_if_changed_meanwhile(who.id, User.pin_hash, stored)
        issued = issue_token(who.id, ttl=_ttl(), device_id=where.device_id)
        audit.add(Event("signed_in", "badge", badge.strip(), who.id, where=where))
    throttle.succeeded(attempt)
    return SignedIn(issued.token, issued.expires_at, who)


def verify_badge(badge: str, pin: str, where: Where | None = None) -> UserBrief:
    """Check a badge and PIN without signing in (a supervisor approving at a scanner).

    The same check as badge sign-in: a wrong PIN counts toward the badge's throttle and is
    written to the audit log at once, so call this before any write transaction opens
    (inside one, the audit line would be rolled back with the refused request)."""
    who, attempt, _stored = _check_badge(badge, pin, where or _here(), purpose="approval")
    throttle.succeeded(attempt)
    return who


def _here() -> Where:
    """The calling client, when there is a request (the API passes it explicitly)."""
    return Where(request.remote_addr) if has_request_context() else Where()


def _check_badge(
    badge: str, pin: str, where: Where, purpose: str = "sign_in"
) -> tuple[UserBrief, throttle.Attempt, str | None]:
    tried = badge.strip()
    attempt = _admit("badge", tried, where, purpose)
    user = db.session.scalar(
        select(User).where(User.badge == tried).execution_options(populate_existing=True)
    )
    # A known badge and an unknown one take the same path: one argon2 check (a decoy for an
    # unknown badge or one without a PIN), one throttle count, one audit line, one answer.
    stored = user.pin_hash if user is not None else None
    matched = verify_secret(stored, pin)
    if not matched or user is None or not user.active:
        raise _refused(attempt, "badge", tried, user.id if user else None, where, purpose)
    return _brief(user), attempt, stored


def _refuse_if_changed_meanwhile(user_id: int, secret: Any, verified: str | None) -> None:
    """Inside the token's transaction: the secret just checked is still the user's, and they
    are still active. The row lock orders this against an admin's change (which takes it too):
    a token is never issued for a password or PIN replaced while argon2 was running, which
    would outlive the revocation that came with the change."""
    row = db.session.execute(
        select(secret, User.active).where(User.id == user_id).with_for_update()
    ).first()
    if row is None or row[0] != verified or not row[1]:
        raise InvalidCredentials(BAD_CREDENTIALS)


def _admit(method: str, login: str, where: Where, purpose: str = "sign_in") -> throttle.Attempt:
    attempt = throttle.Attempt(account_key(method, login), where.client_address, where.device_id)
    try:
        throttle.admit(attempt)
    except throttle.Throttled as exc:
        details = {"retry_after": exc.retry_after, "scope": exc.scope, "purpose": purpose}
        audit.record(Event("sign_in_throttled", method, login, where=where, details=details))
        raise TooManyAttempts(
            "too many wrong passwords or PINs: try again later",
            {"retry_after": exc.retry_after},
        ) from exc
    return attempt


def _refused(
    attempt: throttle.Attempt,
    method: str,
    login: str,
    user_id: int | None,
    where: Where,
    purpose: str = "sign_in",
) -> InvalidCredentials:
    """Count and record a refused secret; returns the one refusal every case gets."""
    throttle.failed(attempt)
    audit.record(
        Event("sign_in_failed", method, login, user_id, where=where, details={"purpose": purpose})
    )
    return InvalidCredentials(BAD_CREDENTIALS)


def _ttl() -> timedelta:
    return timedelta(hours=_settings().token_ttl_hours)


def sign_out(token: str) -> None:
    """Revoke the token the caller signed in with."""
    with write_transaction():
        revoke_token(token)


def describe_caller(principal: Principal) -> Caller:
    """Who the caller is, as this request's token says."""
    user = db.session.get(User, principal.user_id)
    if user is None:
        raise NotFound("no such user", {"user_id": principal.user_id})
    return Caller(
        user.id,
        user.username,
        user.display_name,
        user.role,
        principal.token_kind,
        principal.device_id,
    )
