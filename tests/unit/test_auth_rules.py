"""Pure auth rules: credentials' shapes, the sign-in throttle's arithmetic, whom a supervisor
may manage, and which changes end a user's sessions."""

from __future__ import annotations

import pytest

from scanfloor.auth.rules import (
    CredentialRuleError,
    account_key,
    check_pin,
    check_role,
    may_manage,
    normalise_badge,
    normalise_username,
    retry_after_seconds,
    session_ending_changes,
)


def test_retry_after_rounds_up_to_whole_seconds():
    assert retry_after_seconds(100.2, 90.0) == 11
    assert retry_after_seconds(100.0, 90.0) == 10


def test_retry_after_is_never_zero_or_negative():
    assert retry_after_seconds(100.0, 100.0) == 1
    assert retry_after_seconds(100.0, 120.0) == 1


def test_usernames_are_throttled_without_case_and_badges_exactly():
    assert account_key("password", "  Manager ") == account_key("password", "manager")
    assert account_key("badge", " B-1a ") == "badge:B-1a"
    assert account_key("badge", "B-1a") != account_key("badge", "B-1A")
    # A username and a badge spelled alike are two accounts.
    assert account_key("password", "b-1") != account_key("badge", "b-1")


@pytest.mark.parametrize(
    ("caller", "target", "allowed"),
    [
        ("supervisor", "worker", True),
        ("supervisor", "supervisor", True),
        ("supervisor", "manager", False),
        ("supervisor", "admin", False),
        ("manager", "supervisor", True),
        ("admin", "admin", True),
        ("worker", "worker", False),  # below supervisor: nobody
        ("ghost", "worker", False),
        ("admin", "ghost", False),
    ],
)
def test_a_supervisor_or_above_manages_users_of_their_rank_or_below(caller, target, allowed):
    assert may_manage(caller, target) is allowed


def _changes(**given):
    named = dict.fromkeys(
        ("password_changed", "pin_changed", "badge_changed", "role_changed", "deactivated"),
        False,
    )
    return session_ending_changes(**{**named, **given})


def test_a_change_to_no_credential_role_or_active_flag_ends_no_session():
    assert _changes() == ()


@pytest.mark.parametrize(
    "change", ["password_changed", "pin_changed", "badge_changed", "role_changed", "deactivated"]
)
def test_each_credential_role_or_active_change_ends_sessions_and_says_why(change):
    assert _changes(**{change: True}) == (change,)


def test_several_changes_are_all_named_in_order():
    assert _changes(deactivated=True, password_changed=True) == (
        "password_changed",
        "deactivated",
    )


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
