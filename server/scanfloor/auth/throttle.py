"""The sign-in throttle's counters, kept by the `limits` library (Flask-Limiter's engine).

The policy is in rules.ThrottlePolicy. `limits` gives us the store (Redis when REDIS_URL is
set, so every server process counts together; memory otherwise) and an atomic sliding
window; we count only failed attempts, which Flask-Limiter's per-route decorators cannot
express without also counting every successful sign-in of a warehouse behind one address.
Flask-Limiter itself is not installed on the app: its before/after/teardown hooks ran on
every request (about 14 % of a scan's time, bench/bench_count.py) for limits we never set.

When Redis does not answer, the throttle counts in this process's memory until it answers
again, and logs each switch: a shift can still sign in, and guesses are still limited (per
process, so by the number of server processes more loosely). Answering 500 or 503 to every
sign-in while Redis is away would stop the warehouse; not counting at all would open the
door to guessing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter, RateLimiter

from ..config import Settings
from .rules import ThrottlePolicy, retry_after_seconds

EXTENSION = "scanfloor_signin_limiter"
log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class _Limiters:
    shared: RateLimiter  # Redis when configured, else memory
    local: RateLimiter  # this process's memory: used while the shared store does not answer
    degraded: bool = False


def init_throttle(app: Flask) -> None:
    """One store and sliding window per app (tests build many apps; each counts on its own)."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    # wrap_exceptions: a store's own errors (redis ConnectionError, ...) arrive as StorageError.
    store = storage_from_string(uri, wrap_exceptions=True)
    app.extensions[EXTENSION] = _Limiters(
        MovingWindowRateLimiter(store), MovingWindowRateLimiter(MemoryStorage())
    )


def _limiters() -> _Limiters:
    found = current_app.extensions.get(EXTENSION)
    if not isinstance(found, _Limiters):
        raise RuntimeError("create_app did not set up the sign-in throttle (init_throttle)")
    return found


def _counted(step: Callable[[RateLimiter], T]) -> T:
    """Run one step on the shared store, or on this process's memory while it is away."""
    limiters = _limiters()
    try:
        answer = step(limiters.shared)
    except StorageError as exc:
        if not limiters.degraded:
            log.warning("sign-in throttle: shared store unavailable (%s); counting locally", exc)
            limiters.degraded = True
        return step(limiters.local)
    if limiters.degraded:
        log.warning("sign-in throttle: shared store answers again")
        limiters.degraded = False
    return answer


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
    stats = _counted(lambda lim: lim.get_window_stats(item, *ids))
    return retry_after_seconds(stats.reset_time, time.time())


def admit(attempt: Attempt) -> None:
    """Refuse (Throttled) before the secret is checked if any key is over its limit.

    The account's failure is counted here, before the check, in one atomic step: parallel
    guesses at one account cannot all slip under its limit. A right secret clears it again
    (succeeded). Client keys are only tested here and counted on failure, so a successful
    sign-in never uses up a shared address's allowance.
    """
    pol, prefix = policy(), _prefix()
    clients = _item(pol.client_failures, pol.window_seconds)
    for scope, value in attempt.clients():
        if not _counted(lambda lim: lim.test(clients, prefix, scope, value)):  # noqa: B023
            raise Throttled(_retry_after(clients, prefix, scope, value), scope)
    account = _item(pol.account_failures, pol.window_seconds)
    if not _counted(lambda lim: lim.hit(account, prefix, "account", attempt.account)):
        raise Throttled(_retry_after(account, prefix, "account", attempt.account), "account")


def failed(attempt: Attempt) -> None:
    """Count a wrong secret against the client (the account was counted by admit)."""
    pol, prefix = policy(), _prefix()
    clients = _item(pol.client_failures, pol.window_seconds)
    for scope, value in attempt.clients():
        _counted(lambda lim: lim.hit(clients, prefix, scope, value))  # noqa: B023


def succeeded(attempt: Attempt) -> None:
    """A right secret: the account's count starts again (the client's does not)."""
    clear_account(attempt.account)


def clear_account(account: str) -> None:
    """Forget an account's failures (a right secret, or a supervisor's unlock)."""
    pol, prefix = policy(), _prefix()
    item = _item(pol.account_failures, pol.window_seconds)
    _counted(lambda lim: lim.clear(item, prefix, "account", account))
