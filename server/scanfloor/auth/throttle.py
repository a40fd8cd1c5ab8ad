"""The sign-in throttle's counters, kept by the `limits` library (Flask-Limiter's engine).

The policy is in rules.ThrottlePolicy. `limits` gives us the store (Redis when REDIS_URL is
set, so every server process counts together; memory otherwise) and an atomic sliding
window; we count only failed attempts, which Flask-Limiter's per-route decorators cannot
express without also counting every successful sign-in of a warehouse behind one address.
Flask-Limiter itself is not installed on the app: its before/after/teardown hooks ran on
every request (about 14 % of a scan's time, bench/bench_count.py) for limits we never set.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter, RateLimiter

from ..config import Settings
from .rules import ThrottlePolicy, retry_after_seconds

EXTENSION = "scanfloor_signin_limiter"


def init_throttle(app: Flask) -> None:
    """One store and sliding window per app (tests build many apps; each counts on its own)."""
    store = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    app.extensions[EXTENSION] = MovingWindowRateLimiter(store)


def _limiter() -> RateLimiter:
    found = current_app.extensions.get(EXTENSION)
    if not isinstance(found, RateLimiter):
        raise RuntimeError("create_app did not set up the sign-in throttle (init_throttle)")
    return found


def policy() -> ThrottlePolicy:
    cfg = current_app.config.get("SCANFLOOR_SETTINGS")
    cfg = cfg if isinstance(cfg, Settings) else Settings()
    return ThrottlePolicy(
        cfg.signin_max_failures, cfg.signin_client_max_failures, cfg.signin_window_seconds
    )


def _prefix() -> str:
    cfg = current_app.config.get("SCANFLOOR_SETTINGS")
    return cfg.signin_key_prefix if isinstance(cfg, Settings) else "scanfloor"


@dataclass(frozen=True)
class Attempt:
    """Who is trying: one account key, and the client's address and device."""

    account: str
    client_address: str | None
    device_id: str | None

    def clients(self) -> list[tuple[str, str]]:
        found = []
        if self.client_address:
            found.append(("address", self.client_address))
        if self.device_id:
            found.append(("device", self.device_id))
        return found


class Throttled(Exception):
    """Too many failures; `retry_after` seconds until the next attempt is heard."""

    def __init__(self, retry_after: int, scope: str) -> None:
        super().__init__(f"throttled by {scope}")
        self.retry_after = retry_after
        self.scope = scope


def _item(limit: int, window: int) -> RateLimitItem:
    return RateLimitItemPerSecond(max(limit, 1), max(window, 1))


def _retry_after(item: RateLimitItem, *ids: str) -> int:
    stats = _limiter().get_window_stats(item, *ids)
    return retry_after_seconds(stats.reset_time, time.time())


def admit(attempt: Attempt) -> None:
    """Refuse (Throttled) before the secret is checked if any key is over its limit.

    The account's failure is counted here, before the check, in one atomic step: parallel
    guesses at one account cannot all slip under its limit. A right secret clears it again
    (succeeded). Client keys are only tested here and counted on failure, so a successful
    sign-in never uses up a shared address's allowance.
    """
    pol, strategy, prefix = policy(), _limiter(), _prefix()
    clients = _item(pol.client_failures, pol.window_seconds)
    for scope, value in attempt.clients():
        if not strategy.test(clients, prefix, scope, value):
            raise Throttled(_retry_after(clients, prefix, scope, value), scope)
    account = _item(pol.account_failures, pol.window_seconds)
    if not strategy.hit(account, prefix, "account", attempt.account):
        raise Throttled(_retry_after(account, prefix, "account", attempt.account), "account")


def failed(attempt: Attempt) -> None:
    """Count a wrong secret against the client (the account was counted by admit)."""
    pol, strategy, prefix = policy(), _limiter(), _prefix()
    clients = _item(pol.client_failures, pol.window_seconds)
    for scope, value in attempt.clients():
        strategy.hit(clients, prefix, scope, value)


def succeeded(attempt: Attempt) -> None:
    """A right secret: the account's count starts again (the client's does not)."""
    clear_account(attempt.account)


def clear_account(account: str) -> None:
    """Forget an account's failures (a right secret, or a supervisor's unlock)."""
    pol = policy()
    _limiter().clear(_item(pol.account_failures, pol.window_seconds), _prefix(), "account", account)
