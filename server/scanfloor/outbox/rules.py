"""Pure outbox policy: when a failed message is tried again, and when it is given up.

Retries back off exponentially with full jitter: after the n-th failed attempt the next one
waits a uniformly random time between a small floor and min(cap, base * 2**(n-1)). The
randomness spreads the retries of many messages that failed together (an endpoint that was
down) instead of hammering it in lock-step when it comes back; the floor (a tenth of the
base) keeps a failing endpoint from being retried in a tight loop. After `max_attempts`
failed attempts a message is dead: it stays in the table, visible in the console, until
someone retries it by hand.

A destination is `<kind>:<target>` (e.g. `channel:12`); the kind picks the consumer.
"""

from __future__ import annotations

from dataclasses import dataclass

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"
STATES = (PENDING, DELIVERED, DEAD)

DEFAULT_BASE_S = 10.0
DEFAULT_CAP_S = 3600.0
DEFAULT_MAX_ATTEMPTS = 15


@dataclass(frozen=True)
class RetryPolicy:
    base_s: float = DEFAULT_BASE_S
    cap_s: float = DEFAULT_CAP_S
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    def __post_init__(self) -> None:
        if self.base_s <= 0 or self.cap_s < self.base_s or self.max_attempts < 1:
            raise ValueError("retry policy needs 0 < base <= cap and at least one attempt")

    def ceiling(self, attempts: int) -> float:
        """The longest wait after `attempts` failed attempts: base doubling, at most cap."""
        exponent = min(max(0, attempts - 1), 62)  # 2**62 * base is past any cap
        return float(min(self.cap_s, self.base_s * 2**exponent))

    def delay(self, attempts: int, rand: float) -> float:
        """Seconds to wait after `attempts` failed attempts; `rand` is uniform in [0, 1)."""
        if not 0.0 <= rand < 1.0:
            raise ValueError("rand must be in [0, 1)")
        floor = self.base_s / 10
        return floor + rand * (self.ceiling(attempts) - floor)

    def state_after_failure(self, attempts: int) -> str:
        """`attempts` counts the one that just failed."""
        return DEAD if attempts >= self.max_attempts else PENDING


def split_destination(destination: str) -> tuple[str, str]:
    """'channel:12' -> ('channel', '12'); refuses a destination without a kind."""
    kind, sep, target = destination.partition(":")
    if not sep or not kind or not target:
        raise ValueError(f"destination must be <kind>:<target>, not {destination!r}")
    return kind, target
