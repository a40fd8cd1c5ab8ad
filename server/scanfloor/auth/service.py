"""Auth use cases: create users, sign in with password or badge + PIN, API keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import write_transaction
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from .models import ROLES, User
from .passwords import hash_secret


def create_user(
    *,
    username: str,
    role: str,
    password: str | None = None,
    display_name: str | None = None,
    badge: str | None = None,
    pin: str | None = None,
) -> User:
    """Create a user; username and badge are unique."""
    username = username.strip().lower()
    if not username or len(username) > 64:
        raise ValidationFailed("username must be 1-64 characters", {"field": "username"})
    if role not in ROLES:
        raise ValidationFailed("unknown role", {"role": role, "allowed": list(ROLES)})
    if password is not None and len(password) < 4:
        raise ValidationFailed("password too short", {"field": "password"})
    if pin is not None and (not pin.isdigit() or not 4 <= len(pin) <= 8):
        raise ValidationFailed("PIN must be 4-8 digits", {"field": "pin"})
    if pin and not badge:
        raise ValidationFailed("a PIN needs a badge", {"field": "badge"})
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_secret(password) if password else None,
        badge=badge.strip() if badge else None,
        pin_hash=hash_secret(pin) if pin else None,
    )
    try:
        with write_transaction():
            taken = db.session.scalar(select(User.id).where(User.username == username))
            if taken is not None:
                raise Conflict("username already taken", {"username": username})
            db.session.add(user)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict("username or badge already taken",
                       {"username": username, "badge": badge}) from exc
    return user
