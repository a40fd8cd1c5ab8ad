"""Pure rules of the command path: what a key may be, how a request is fingerprinted, how a
caller is named, and how long an answer is kept.

- A key is 1-200 printable characters without surrounding spaces (a scanner's client_scan_id
  or an Idempotency-Key header).
- A caller is `user:<id>` (a signed-in user, a badge, or that user's API key) or `system`.
- A fingerprint is the SHA-256 of the canonical JSON of what was asked (sorted keys, no
  spaces); the same key with another fingerprint, or for another command, is refused.
- Answers are kept at least RETENTION_DAYS (30 by default): long enough for a scanner that was
  offline over a long weekend to replay its queue; `scanfloor commands purge` removes older ones.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

MAX_KEY = 200
RETENTION_DAYS = 30
SYSTEM = "system"


class BadKey(ValueError):
    """A key that breaks the rules above (the runner turns it into a 422)."""


def check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY or not key.isprintable() or key != key.strip():
        raise BadKey(
            f"an idempotency key is 1-{MAX_KEY} printable characters without surrounding spaces"
        )


def caller_of(actor_id: int | None) -> str:
    return SYSTEM if actor_id is None else f"user:{actor_id}"


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def fingerprint_of(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def stored_posting_key(caller: str, key: str, nth: int) -> str:
    """The key a command's nth posting carries in the ledger (postings.idempotency_key, unique):
    scoped by caller like the store, and at most MAX_KEY characters."""
    base = f"{caller}/{key}" if nth == 1 else f"{caller}/{key}~{nth}"
    if len(base) <= MAX_KEY:
        return base
    return f"{caller}/sha256:{hashlib.sha256(base.encode()).hexdigest()}"


def purge_before(now: datetime, days: int = RETENTION_DAYS) -> datetime:
    if days < 1:
        raise ValueError("answers are kept at least one day")
    return now - timedelta(days=days)


def lock_id(caller: str, key: str) -> int:
    """A signed 64-bit number for PostgreSQL's advisory lock on this (caller, key)."""
    digest = hashlib.sha256(f"{caller}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
