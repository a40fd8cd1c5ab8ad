"""Pure webhook rules: the signature header, checking it, and the retry schedule.

Scanfloor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body, keyed by the
channel's secret>. A receiver recomputes v1 and refuses timestamps more than 300 s away from
its clock, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Scanfloor-Signature"
TOLERANCE_S = 300
FIRST_RETRY_S = 10
MAX_RETRY_S = 3600


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_S) -> bool:
    """True if the header signs this body with this secret, within `tolerance` of now."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def retry_after(attempts: int) -> int:
    """Seconds to wait after `attempts` failed deliveries: doubling from 10 s, at most 1 h."""
    return int(min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))
