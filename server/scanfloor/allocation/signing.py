"""Pure webhook rules: the signature header, checking it, and the event kind a topic has.
(The retry schedule is the outbox's: scanfloor/outbox/rules.py.)

Scanfloor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body, keyed by the
channel's secret>. A receiver recomputes v1 and refuses timestamps more than 300 s away from
its clock, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Scanfloor-Signature"
# Outbox topic -> the `kind` a channel sees (body and Scanfloor-Event header, unchanged).
WEBHOOK_KINDS = {"order.status": "order_status", "ats.changed": "ats_changed"}
TOLERANCE_S = 300


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


def webhook_kind(topic: str) -> str:
    """The event kind a channel's webhook names for an outbox topic."""
    return WEBHOOK_KINDS.get(topic, topic.replace(".", "_"))
