"""Pure auth rules: the roles and what each may call, what a username, password, badge and
PIN may be, how sign-in failures are throttled, and whom a supervisor may unlock or sign
out."""

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

# The ladder, lowest first: each role may do everything the roles before it may.
ROLES = ("worker", "supervisor", "manager", "admin")
# Beside the ladder (docs/decisions/0026): finance books and reads the money. It is no rung:
# a finance clerk neither scans stock nor manages people, and a manager only reads finance.
# A route names it explicitly (`requires("supervisor", also=(FINANCE,))`), never by rank.
FINANCE = "finance"
ALL_ROLES = (*ROLES, FINANCE)


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


def allowed_roles(lowest: str, also: tuple[str, ...] = ()) -> tuple[str, ...]:
    """`lowest` and every rung above it, then the roles beside the ladder named in `also`.

    A misspelt role is a programming error (ValueError at import), not a 403 at run time."""
    if lowest not in ROLES:
        raise ValueError(f"unknown role {lowest!r}: the lowest role is one of {ROLES}")
    ladder = ROLES[ROLES.index(lowest) :]
    beside = [r for r in also if r not in ladder]
    unknown = [r for r in beside if r not in ALL_ROLES]
    if unknown:
        raise ValueError(f"unknown role(s) {unknown!r}")
    return (*ladder, *dict.fromkeys(beside))


def at_least(role: str, lowest: str) -> bool:
    """True for `lowest` and every rung above it; a role beside the ladder (finance) or an
    unknown one stands on no rung, so it is never "at least" anything."""
    return role in allowed_roles(lowest)


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


def may_manage(caller_role: str, target_role: str) -> bool:
    """A supervisor (or above) may unlock or sign out users of their own rank or below, never
    someone above them (a supervisor must not sign out an admin). A finance user is on no
    rung: only an admin manages them, and they manage nobody."""
    if caller_role not in ROLES:
        return False
    if target_role == FINANCE:
        return caller_role == ROLES[-1]
    if target_role not in ROLES:
        return False
    return ROLES.index(caller_role) >= max(ROLES.index(target_role), ROLES.index("supervisor"))


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
