"""Pure auth rules: what a username, password, badge and PIN may be, how sign-in failures
are throttled, and whom a supervisor may unlock or sign out."""

from __future__ import annotations

import math
from dataclasses import dataclass

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
class ThrottlePolicy:
    """How many wrong secrets sign-in takes before it answers "try again later".

    Counted per account (the username or badge tried, known or not, so the answer never says
    which exist) and per client (the address, and the device it names), over a sliding window
    of `window_seconds`. Past a limit every attempt is refused without checking the secret
    until the oldest counted failure leaves the window: a throttle, never a permanent lock, so
    the right secret works again once the window has passed. The client limit is higher than
    the account one because a whole warehouse may sign in from behind one address.
    """

    account_failures: int
    client_failures: int
    window_seconds: int


def retry_after_seconds(reset_at: float, now: float) -> int:
    """Whole seconds until a throttled key frees up; at least 1 (a 0 invites a hot loop)."""
    return max(1, math.ceil(reset_at - now))


def account_key(method: str, login: str) -> str:
    """The throttle key of one account: usernames compare without case, badges exactly."""
    tried = login.strip()
    return f"{method}:{tried.lower() if method == 'password' else tried}"


def may_manage(caller_role: str, target_role: str, roles: tuple[str, ...]) -> bool:
    """A supervisor (or above) may unlock or sign out users of their own rank or below, never
    someone above them (a supervisor must not sign out an admin)."""
    if caller_role not in roles or target_role not in roles:
        return False
    return roles.index(caller_role) >= max(roles.index(target_role), roles.index("supervisor"))


def session_ending_changes(
    *,
    password_changed: bool,
    pin_changed: bool,
    badge_changed: bool,
    role_changed: bool,
    deactivated: bool,
) -> tuple[str, ...]:
    """Which of a user's changes end their sessions: a token must not outlive the secret it
    was signed in with, the badge it was signed in with, or the role it was granted under."""
    named = {
        "password_changed": password_changed,
        "pin_changed": pin_changed,
        "badge_changed": badge_changed,
        "role_changed": role_changed,
        "deactivated": deactivated,
    }
    return tuple(reason for reason, happened in named.items() if happened)
