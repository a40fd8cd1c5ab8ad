"""argon2id hashing for passwords and PINs."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context


@lru_cache(maxsize=2)
def _hasher(cheap: bool) -> PasswordHasher:
    if cheap:
        # Test mode only: still argon2id, with a small cost so the suite stays quick.
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile defaults


def _cheap() -> bool:
    return has_app_context() and current_app.config.get("SCANFLOOR_MODE") == "test"


def hash_secret(secret: str) -> str:
    return _hasher(_cheap()).hash(secret)


def verify_secret(stored: str | None, presented: str) -> bool:
    if not stored:
        return False
    try:
        return _hasher(_cheap()).verify(stored, presented)
    except (VerificationError, InvalidHashError):
        return False
