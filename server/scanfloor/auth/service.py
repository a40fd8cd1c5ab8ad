"""Auth use cases for admins and supervisors: users, their sessions and API keys (signing in
is in sessions.py).

Secrets are hashed before a write transaction opens: argon2 takes tens of milliseconds, and
on SQLite a write transaction holds the database's one write lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import write_transaction
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from . import audit, throttle
from .audit import Event
from .guard import Principal
from .models import ALL_ROLES, FINANCE, ApiToken, User
from .passwords import hash_secret
from .rules import (
    CredentialRuleError,
    account_key,
    check_display_name,
    check_password,
    check_pin,
    check_role,
    may_manage,
    normalise_badge,
    normalise_username,
    session_ending_changes,
)
from .tokens import issue_token, live_api_keys, revoke_user_sessions, revoke_user_tokens


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP  # update_user: leave this field as it is


@dataclass(frozen=True)
class ApiKeyInfo:
    id: int
    name: str | None
    prefix: str
    user_id: int
    username: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewApiKey:
    """The only time the key itself is shown."""

    id: int
    name: str
    key: str
    prefix: str
    username: str
    created_at: datetime | None


@contextmanager
def _rules() -> Iterator[None]:
    try:
        yield
    except CredentialRuleError as exc:
        raise ValidationFailed(str(exc), {"field": exc.field}) from exc


def create_user(
    *,
    username: str,
    role: str,
    password: str | None = None,
    display_name: str | None = None,
    badge: str | None = None,
    pin: str | None = None,
) -> User:
    """Create a user; username and badge are unique. Any role of ALL_ROLES, finance included:
    the API lets only an admin call this (docs/decisions/0026)."""
    with _rules():
        username = normalise_username(username)
        check_role(role, ALL_ROLES)
        name = check_display_name(display_name) if display_name else username
        if password is not None:
            check_password(password)
        badge = normalise_badge(badge)
        if pin is not None:
            check_pin(pin)
    if pin and not badge:
        raise ValidationFailed("a PIN needs a badge", {"field": "badge"})
    user = User(
        username=username,
        display_name=name,
        role=role,
        password_hash=hash_secret(password) if password else None,
        badge=badge,
        pin_hash=hash_secret(pin) if pin else None,
    )
    try:
        with write_transaction():
            taken = db.session.scalar(select(User.id).where(User.username == username))
            if taken is not None:
                raise Conflict("username already taken", {"username": username})
            _refuse_taken_badge(badge, None)
            db.session.add(user)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "username or badge already taken", {"username": username, "badge": badge}
        ) from exc
    return user


def list_users() -> list[User]:
    """Every user, active or not, by username."""
    return list(db.session.scalars(select(User).order_by(User.username)))


@dataclass(frozen=True)
class KeptKey:
    """An API key that survives a change to its user (integrations keep running)."""

    id: int
    name: str | None
    prefix: str


@dataclass(frozen=True)
class UserChange:
    """A changed user, the sign-in sessions the change ended, and the API keys it kept.

    Reads through to the user (`change.role`, `change.id`), so the answer carries the user's
    own fields next to what happened to their sessions."""

    user: User
    sessions_ended: int
    api_keys_kept: tuple[KeptKey, ...]
    reasons: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.user, name)


def update_user(
    user_id: int,
    *,
    role: str | _Keep = KEEP,
    active: bool | _Keep = KEEP,
    display_name: str | _Keep = KEEP,
    password: str | _Keep = KEEP,
    badge: str | _Keep | None = KEEP,
    pin: str | _Keep | None = KEEP,
    actor_id: int | None = None,
) -> UserChange:
    """Change a user. A new password, PIN, badge or role ends the user's sign-in sessions
    (their API keys are kept, and listed); deactivating a user revokes every token and API key
    they hold, so reactivating does not bring them back. A new PIN or badge lifts the badge's
    sign-in throttle."""
    with _rules():
        if not isinstance(role, _Keep):
            check_role(role, ALL_ROLES)
        if not isinstance(display_name, _Keep):
            display_name = check_display_name(display_name)
        if not isinstance(password, _Keep):
            check_password(password)
        if not isinstance(badge, _Keep):
            badge = normalise_badge(badge)
        if isinstance(pin, str):
            check_pin(pin)
    new_password_hash = None if isinstance(password, _Keep) else hash_secret(password)
    new_pin_hash = hash_secret(pin) if isinstance(pin, str) else None

    try:
        with write_transaction():
            # populate_existing: the session keeps objects across commits (expire_on_commit
            # is off), and another request may have changed this row since.
            user = db.session.get(User, user_id, with_for_update=True, populate_existing=True)
            if user is None:
                raise NotFound("no such user", {"user_id": user_id})
            old_badge = user.badge
            new_role = user.role if isinstance(role, _Keep) else role
            new_active = user.active if isinstance(active, _Keep) else active
            _refuse_removing_last_admin(user, new_role, new_active)
            if not isinstance(badge, _Keep):
                _refuse_taken_badge(badge, user.id)
                user.badge = badge
                if badge is None:
                    user.pin_hash = None
            if not isinstance(pin, _Keep):
                if pin is not None and user.badge is None:
                    raise ValidationFailed("a PIN needs a badge", {"field": "badge"})
                user.pin_hash = new_pin_hash
            if not isinstance(display_name, _Keep):
                user.display_name = display_name
            if new_password_hash is not None:
                user.password_hash = new_password_hash
            reasons = session_ending_changes(
                password_changed=new_password_hash is not None,
                pin_changed=not isinstance(pin, _Keep),
                badge_changed=not isinstance(badge, _Keep) and badge != old_badge,
                role_changed=new_role != user.role,
                deactivated=user.active and not new_active,
            )
            ended = 0
            if "deactivated" in reasons:
                ended = revoke_user_tokens(user.id)
            elif reasons:
                ended = revoke_user_sessions(user.id)
            user.role = new_role
            user.active = new_active
            db.session.flush()
            kept = _kept_keys(user.id)
            if reasons:
                audit.add(
                    Event(
                        "sessions_ended",
                        user_id=user.id,
                        actor_id=actor_id,
                        details={"reasons": list(reasons), "tokens_revoked": ended},
                    )
                )
    except IntegrityError as exc:
        raise Conflict("badge already taken", {"badge": badge}) from exc
    if not isinstance(badge, _Keep) or not isinstance(pin, _Keep):
        # A new PIN (or badge) is a fresh start: lift the throttle on the old and new badge.
        for each in {old_badge, user.badge} - {None}:
            throttle.clear_account(account_key("badge", str(each)))
    return UserChange(user, ended, kept, reasons)


def _kept_keys(user_id: int) -> tuple[KeptKey, ...]:
    return tuple(KeptKey(k.id, k.name, k.prefix) for k in live_api_keys(user_id))


@dataclass(frozen=True)
class SessionsEnded:
    user_id: int
    sessions_ended: int
    api_keys_kept: tuple[KeptKey, ...]


def end_sessions(user_id: int, *, actor: Principal) -> SessionsEnded:
    """Sign a user out on every device (a supervisor ending a worker's shift); API keys stay."""
    with write_transaction():
        user = _managed_user(user_id, actor)
        ended = revoke_user_sessions(user.id)
        audit.add(
            Event(
                "sessions_ended",
                user_id=user.id,
                actor_id=actor.user_id,
                details={"reasons": ["ended_by_supervisor"], "tokens_revoked": ended},
            )
        )
        kept = _kept_keys(user.id)
    return SessionsEnded(user.id, ended, kept)


@dataclass(frozen=True)
class Unlocked:
    user_id: int
    accounts: tuple[str, ...]


def unlock(user_id: int, *, actor: Principal) -> Unlocked:
    """Lift the sign-in throttle on a user's username and badge (a worker who mistyped their
    PIN too often). The throttle on a client address is not lifted: it is not the user's."""
    with write_transaction():
        user = _managed_user(user_id, actor)
        accounts = [account_key("password", user.username)]
        if user.badge:
            accounts.append(account_key("badge", user.badge))
        audit.add(Event("unlocked", user_id=user.id, actor_id=actor.user_id))
    for account in accounts:
        throttle.clear_account(account)
    return Unlocked(user.id, tuple(accounts))


def _managed_user(user_id: int, actor: Principal) -> User:
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound("no such user", {"user_id": user_id})
    if not may_manage(actor.role, user.role):
        raise Forbidden(
            "only an admin does this for a finance user"
            if user.role == FINANCE
            else "you may only do this for users of your own role or below",
            {"role": actor.role, "user_role": user.role},
        )
    return user


def _refuse_taken_badge(badge: str | None, user_id: int | None) -> None:
    if badge is None:
        return
    holder = db.session.scalar(select(User.id).where(User.badge == badge))
    if holder is not None and holder != user_id:
        raise Conflict("badge already taken", {"badge": badge})


def _refuse_removing_last_admin(user: User, new_role: str, new_active: bool) -> None:
    if user.role != "admin" or not user.active or (new_role == "admin" and new_active):
        return
    # Locking every active admin row serialises two admins demoting each other at once.
    admins = db.session.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).all()
    if set(admins) <= {user.id}:
        raise Conflict(
            "the last active admin cannot be demoted or deactivated", {"user_id": user.id}
        )


def create_api_key(*, name: str, username: str) -> NewApiKey:
    """Issue an API key acting as `username`; the key is returned here and never again."""
    label = name.strip()
    if not label or len(label) > 120:
        raise ValidationFailed("name must be 1-120 characters", {"field": "name"})
    key = username.strip().lower()
    with write_transaction():
        user = db.session.scalar(select(User).where(User.username == key))
        if user is None:
            raise NotFound("no such user", {"username": key})
        if not user.active:
            raise ValidationFailed("that user is deactivated", {"username": key})
        issued = issue_token(user.id, kind="api_key", ttl=None, name=label)
    return NewApiKey(issued.id, label, issued.token, issued.prefix, key, issued.created_at)


def list_api_keys() -> list[ApiKeyInfo]:
    """Every API key, revoked ones included, without the keys themselves."""
    rows = db.session.execute(
        select(ApiToken, User.username)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.kind == "api_key")
        .order_by(ApiToken.id)
    ).all()
    return [
        ApiKeyInfo(t.id, t.name, t.prefix, t.user_id, username, t.created_at, t.revoked_at)
        for t, username in rows
    ]


def revoke_api_key(key_id: int) -> None:
    """Revoke an API key; revoking a revoked key changes nothing."""
    with write_transaction():
        row = db.session.get(ApiToken, key_id, populate_existing=True)
        if row is None or row.kind != "api_key":
            raise NotFound("no such API key", {"id": key_id})
        if row.revoked_at is None:
            row.revoked_at = utcnow()
