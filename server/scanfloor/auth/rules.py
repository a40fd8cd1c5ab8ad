"""Pure auth rules: what a username, password, badge and PIN may be, and the badge lockout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

USERNAME_MAX = 64
DISPLAY_NAME_MAX = 120
BADGE_MAX = 64
PASSWORD_MIN = 4
# argon2 hashes any length, but a megabyte password is a denial of service, not a password.
PASSWORD_MAX = 256
PIN_MIN, PIN_MAX = 4, 8


class CredentialRuleError(ValueError):
    """A value that can never be a valid username, role, password, badge or PIN."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def normalise_username(raw: str) -> str:
    """Usernames compare case-insensitively, so they are stored lower-case."""
    username = raw.strip().lower()
    if not username or len(username) > USERNAME_MAX or not username.isprintable():
        raise CredentialRuleError(f"username must be 1-{USERNAME_MAX} characters", "username")
    return username


def check_role(role: str, roles: tuple[str, ...]) -> str:
    if role not in roles:
        raise CredentialRuleError(f"role must be one of {', '.join(roles)}", "role")
    return role


def check_display_name(raw: str) -> str:
    name = raw.strip()
    if not name or len(name) > DISPLAY_NAME_MAX:
        raise CredentialRuleError(
            f"display name must be 1-{DISPLAY_NAME_MAX} characters", "display_name"
        )
    return name


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise CredentialRuleError(
            f"password must be {PASSWORD_MIN}-{PASSWORD_MAX} characters", "password"
        )
    return password


def normalise_badge(raw: str | None) -> str | None:
    """A badge is whatever its barcode says, without surrounding blanks; blank means none."""
    if raw is None:
        return None
    badge = raw.strip()
    if not badge:
        return None
    if len(badge) > BADGE_MAX or not badge.isprintable():
        raise CredentialRuleError(f"badge must be 1-{BADGE_MAX} printable characters", "badge")
    return badge


def check_pin(pin: str) -> str:
    # isascii: str.isdigit also accepts superscripts and other scripts' digits.
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise CredentialRuleError(f"PIN must be {PIN_MIN}-{PIN_MAX} digits", "pin")
    return pin


@dataclass(frozen=True)
class LockoutPolicy:
    """After max_failures consecutive wrong PINs a badge is refused for lock_minutes."""

    max_failures: int
    lock_minutes: int


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def lock_earned(failures: int, policy: LockoutPolicy, now: datetime) -> datetime | None:
    """The lock that `failures` consecutive wrong PINs earn, or None while still allowed.

    The counter restarts when a lock is set, so once a lock expires the badge has the full
    number of attempts again (and the next lock follows after as many wrong PINs).
    """
    if failures < max(policy.max_failures, 1):
        return None
    return now + timedelta(minutes=policy.lock_minutes)
