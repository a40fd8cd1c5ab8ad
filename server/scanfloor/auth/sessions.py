"""Signing in with a password or a badge + PIN, signing out, and who the caller is.

Secrets are verified before any write transaction opens: argon2 takes tens of milliseconds,
and on SQLite a write transaction holds the database's one write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, select, update

from ..config import Settings
from ..database import write_transaction
from ..errors import InvalidCredentials, Locked, NotFound, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .guard import Principal
from .models import User
from .passwords import hash_secret, needs_rehash, verify_secret
from .rules import LockoutPolicy, is_locked, lock_earned
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
) -> SignedIn:
    """Sign in with username + password or badge + PIN; returns a new bearer token."""
    if username is not None and password is not None:
        return _sign_in_with_password(username, password, device_id)
    if badge is not None and pin is not None:
        return _sign_in_with_badge(badge, pin, device_id)
    raise ValidationFailed("send username and password, or badge and PIN")


def _sign_in_with_password(username: str, password: str, device_id: str | None) -> SignedIn:
    key = username.strip().lower()
    user = db.session.scalar(
        select(User).where(User.username == key).execution_options(populate_existing=True)
    )
    stored = user.password_hash if user is not None else None
    # Unknown users are verified against a decoy: same time, same answer.
    matched = verify_secret(stored, password)
    if not matched or user is None or stored is None or not user.active:
        raise InvalidCredentials(BAD_CREDENTIALS)
    who = _brief(user)
    rehashed = hash_secret(password) if needs_rehash(stored) else None
    with write_transaction():
        if rehashed is not None:
            db.session.execute(update(User).where(User.id == who.id).values(password_hash=rehashed))
        issued = issue_token(who.id, ttl=_ttl(), device_id=device_id)
    return SignedIn(issued.token, issued.expires_at, who)


def _sign_in_with_badge(badge: str, pin: str, device_id: str | None) -> SignedIn:
    who = _check_badge(badge, pin)
    with write_transaction():
        _clear_pin_failures(who.id)
        issued = issue_token(who.id, ttl=_ttl(), device_id=device_id)
    return SignedIn(issued.token, issued.expires_at, who)


def verify_badge(badge: str, pin: str) -> UserBrief:
    """Check a badge and PIN without signing in (a supervisor approving at a scanner).

    The same check as badge sign-in: a wrong PIN counts toward the badge's lockout and is
    committed at once, so call this before any write transaction opens (inside one, the
    count would be rolled back with the refused request)."""
    who = _check_badge(badge, pin)
    with write_transaction():
        _clear_pin_failures(who.id)
    return who


def _check_badge(badge: str, pin: str) -> UserBrief:
    cfg = _settings()
    policy = LockoutPolicy(cfg.pin_max_failures, cfg.pin_lock_minutes)
    user = db.session.scalar(
        select(User).where(User.badge == badge.strip()).execution_options(populate_existing=True)
    )
    if user is None:
        verify_secret(None, pin)
        raise InvalidCredentials(BAD_CREDENTIALS)
    if is_locked(user.locked_until, utcnow()):
        raise _locked(user.locked_until)
    who, active = _brief(user), user.active
    if not verify_secret(user.pin_hash, pin):
        # Committed before the refusal is raised: the count must survive the failed request.
        with write_transaction():
            locked_until = _count_wrong_pin(who.id, policy)
        if locked_until is not None:
            raise _locked(locked_until)
        raise InvalidCredentials(BAD_CREDENTIALS)
    if not active:
        raise InvalidCredentials(BAD_CREDENTIALS)
    return who


def _clear_pin_failures(user_id: int) -> None:
    """Reset the wrong-PIN count, in the caller's transaction. Conditional on "not locked":
    a lock set by a parallel wrong PIN still wins."""
    now = utcnow()
    cleared = db.session.execute(
        update(User)
        .where(User.id == user_id)
        .where(User.locked_until.is_(None) | (User.locked_until <= now))
        .values(pin_failures=0, locked_until=None)
    )
    if not cast("CursorResult[Any]", cleared).rowcount:
        raise _locked(db.session.scalar(select(User.locked_until).where(User.id == user_id)))


def _count_wrong_pin(user_id: int, policy: LockoutPolicy) -> datetime | None:
    """Add one wrong PIN in one statement (parallel guesses cannot lose a count)."""
    failures = db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(pin_failures=User.pin_failures + 1)
        .returning(User.pin_failures)
    ).scalar_one()
    until = lock_earned(failures, policy, utcnow())
    if until is not None:
        db.session.execute(
            update(User).where(User.id == user_id).values(pin_failures=0, locked_until=until)
        )
    return until


def _locked(until: datetime | None) -> Locked:
    return Locked(
        "too many wrong PINs: this badge is locked for a while",
        {"locked_until": until.isoformat() if until else None},
    )


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
