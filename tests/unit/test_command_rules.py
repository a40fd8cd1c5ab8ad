"""The command path's pure rules: keys, callers, fingerprints, the ledger's copy of a key and
the retention time."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from scanfloor.commands.rules import (
    MAX_KEY,
    RETENTION_DAYS,
    BadKey,
    caller_of,
    canonical,
    check_key,
    fingerprint_of,
    lock_id,
    purge_before,
    stored_posting_key,
)


@pytest.mark.parametrize("key", ["", " lead", "trail ", "tab\tinside", "x" * (MAX_KEY + 1)])
def test_a_key_that_is_empty_padded_unprintable_or_too_long_is_refused(key):
    with pytest.raises(BadKey) as refused:
        check_key(key)
    assert str(refused.value) == (
        "an idempotency key is 1-200 printable characters without surrounding spaces"
    )


@pytest.mark.parametrize("key", ["a", "scan-0001", "x" * MAX_KEY, "ünïcode key"])
def test_printable_keys_up_to_the_limit_are_accepted(key):
    check_key(key)


def test_a_user_is_their_own_caller_and_no_actor_is_the_system():
    assert caller_of(7) == "user:7"
    assert caller_of(None) == "system"


def test_a_fingerprint_ignores_key_order_but_not_values():
    assert fingerprint_of({"a": 1, "b": 2}) == fingerprint_of({"b": 2, "a": 1})
    assert fingerprint_of({"a": 1}) != fingerprint_of({"a": 2})
    assert len(fingerprint_of({"a": 1})) == 64


def test_the_ledger_copy_of_a_key_is_scoped_and_numbered_per_posting():
    assert stored_posting_key("user:7", "scan-1", 1) == "user:7/scan-1"
    assert stored_posting_key("user:7", "scan-1", 2) == "user:7/scan-1~2"
    assert stored_posting_key("user:8", "scan-1", 1) != stored_posting_key("user:7", "scan-1", 1)


def test_a_long_key_is_kept_in_the_ledger_as_a_digest_that_fits():
    long_key = "k" * MAX_KEY
    stored = stored_posting_key("user:123456", long_key, 1)
    assert len(stored) <= MAX_KEY
    assert stored.startswith("user:123456/sha256:")
    assert stored != stored_posting_key("user:123456", long_key, 2)


def test_answers_are_kept_for_the_retention_days_and_at_least_one_day():
    now = datetime(2026, 12, 6, tzinfo=UTC)
    assert purge_before(now) == now - timedelta(days=RETENTION_DAYS)
    assert purge_before(now, 1) == now - timedelta(days=1)
    with pytest.raises(ValueError, match=r"^answers are kept at least one day$"):
        purge_before(now, 0)


def test_the_advisory_lock_id_is_a_signed_64_bit_number_per_caller_and_key():
    a, b = lock_id("user:1", "k"), lock_id("user:2", "k")
    assert a != b
    assert -(2**63) <= a < 2**63
    assert lock_id("user:1", "k") == a


def test_the_canonical_body_is_compact_sorted_json_with_decimals_as_text():
    # Kept answers store its hash: any change of form would turn every retry into a conflict.
    body = {"b": [1, "x"], "a": Decimal("2.50"), "c": date(2026, 12, 6)}
    assert canonical(body) == b'{"a":"2.50","b":[1,"x"],"c":"2026-12-06"}'
    assert fingerprint_of(body) == hashlib.sha256(canonical(body)).hexdigest()


def test_the_advisory_lock_id_is_the_digests_first_8_bytes_as_a_signed_number():
    ids = {key: lock_id("user:1", key) for key in ("a", "b", "c", "d", "e", "f")}
    for key, got in ids.items():
        digest = hashlib.sha256(f"user:1\0{key}".encode()).digest()
        assert got == int.from_bytes(digest[:8], "big", signed=True)
    assert min(ids.values()) < 0 < max(ids.values())
