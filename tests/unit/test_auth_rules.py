"""Pure auth rules: credentials' shapes and the badge lockout arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scanfloor.auth.rules import (
    CredentialRuleError,
    LockoutPolicy,
    check_pin,
    check_role,
    is_locked,
    lock_earned,
    normalise_badge,
    normalise_username,
)

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
POLICY = LockoutPolicy(max_failures=5, lock_minutes=15)


def test_fewer_wrong_pins_than_the_limit_earn_no_lock():
    assert [lock_earned(n, POLICY, NOW) for n in range(5)] == [None] * 5


def test_the_limiting_wrong_pin_locks_for_the_configured_minutes():
    assert lock_earned(5, POLICY, NOW) == NOW + timedelta(minutes=15)
    assert lock_earned(3, LockoutPolicy(3, 60), NOW) == NOW + timedelta(hours=1)


def test_a_limit_of_zero_still_allows_no_free_guesses_past_the_first():
    assert lock_earned(1, LockoutPolicy(0, 15), NOW) == NOW + timedelta(minutes=15)


def test_a_lock_holds_until_its_time_and_not_after():
    until = NOW + timedelta(minutes=15)
    assert is_locked(until, NOW)
    assert not is_locked(until, until)
    assert not is_locked(None, NOW)


@pytest.mark.parametrize("pin", ["1234", "00000000", "987654"])
def test_pins_are_four_to_eight_ascii_digits(pin):
    assert check_pin(pin) == pin


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "١٢٣٤", "12 34", "²²²²"])
def test_other_pins_are_refused(pin):
    with pytest.raises(CredentialRuleError) as exc:
        check_pin(pin)
    assert exc.value.field == "pin"


def test_usernames_compare_without_case_or_surrounding_blanks():
    assert normalise_username("  Dana.K ") == "dana.k"


@pytest.mark.parametrize("raw", ["", "   ", "x" * 65, "tab\there"])
def test_blank_long_or_unprintable_usernames_are_refused(raw):
    with pytest.raises(CredentialRuleError):
        normalise_username(raw)


def test_a_blank_badge_means_no_badge():
    assert normalise_badge("  ") is None
    assert normalise_badge(None) is None
    assert normalise_badge(" B-7 ") == "B-7"


def test_only_known_roles_are_accepted():
    roles = ("worker", "admin")
    assert check_role("admin", roles) == "admin"
    with pytest.raises(CredentialRuleError):
        check_role("owner", roles)
