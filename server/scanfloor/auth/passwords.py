"""argon2id hashing for passwords and PINs."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

ARGON2ID_PREFIX = "$argon2id$"


@lru_cache(maxsize=2)
def _hasher(cheap: bool) -> PasswordHasher:
    if cheap:
        # Test mode only: still argon2id, with a small cost so the suite stays quick.
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile defaults


@lru_cache(maxsize=2)
def _decoy_hash(cheap: bool) -> str:
    """A hash nobody knows the secret of, made with the same cost as real ones."""
    return _hasher(cheap).hash(secrets.token_urlsafe(16))


def _cheap() -> bool:
    return has_app_context() and current_app.config.get("SCANFLOOR_MODE") == "test"


def hash_secret(secret: str) -> str:
    return _hasher(_cheap()).hash(secret)


def verify_secret(stored: str | None, presented: str) -> bool:
    """True if `presented` matches `stored`.

    With nothing stored (unknown user, user without a password or PIN) it still runs one
    full verification against a decoy, so the answer takes as long either way and response
    time does not tell an attacker which usernames or badges exist.
    """
    cheap = _cheap()
    try:
        if not stored:
            _hasher(cheap).verify(_decoy_hash(cheap), presented)
            return False
        return _hasher(cheap).verify(stored, presented)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """A hash made with other (older, cheaper) parameters than the current ones."""
    try:
        return _hasher(_cheap()).check_needs_rehash(stored)
    except InvalidHashError:
        return True
