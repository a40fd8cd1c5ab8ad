"""The outbox retry policy: exponential backoff with full jitter and a cap, then dead."""

from __future__ import annotations

import pytest

from scanfloor.outbox.rules import DEAD, PENDING, RetryPolicy, split_destination

POLICY = RetryPolicy(base_s=10, cap_s=3600, max_attempts=5)


def test_the_longest_wait_doubles_from_the_base_and_stops_at_the_cap():
    assert [POLICY.ceiling(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert POLICY.ceiling(9) == 2560
    assert POLICY.ceiling(10) == 3600
    assert POLICY.ceiling(10_000) == 3600  # no overflow, however many attempts


def test_the_wait_is_spread_over_the_whole_range_above_a_small_floor():
    assert POLICY.delay(1, 0.0) == 1.0  # a tenth of the base: never a tight retry loop
    assert POLICY.delay(4, 0.5) == pytest.approx(1.0 + 0.5 * (80 - 1.0))
    assert POLICY.delay(4, 0.999999) == pytest.approx(80, abs=0.001)
    assert POLICY.delay(40, 0.999999) <= 3600


def test_jitter_is_bounded_for_every_draw():
    for attempts in range(1, 30):
        for rand in (0.0, 0.1, 0.37, 0.5, 0.9, 0.999):
            wait = POLICY.delay(attempts, rand)
            assert 1.0 <= wait <= POLICY.ceiling(attempts)


def test_a_draw_outside_zero_to_one_is_refused():
    for rand in (1.0, -0.1):
        with pytest.raises(ValueError, match=r"^rand must be in \[0, 1\)$"):
            POLICY.delay(1, rand)


def test_a_message_dies_when_its_last_allowed_attempt_fails():
    assert [POLICY.state_after_failure(n) for n in (1, 4, 5, 6)] == [
        PENDING,
        PENDING,
        DEAD,
        DEAD,
    ]


def test_a_policy_that_could_never_deliver_is_refused():
    for bad in (
        {"base_s": 0},
        {"base_s": 10, "cap_s": 5},
        {"max_attempts": 0},
    ):
        with pytest.raises(ValueError, match=r"^retry policy needs 0 < base <= cap"):
            RetryPolicy(**bad)  # type: ignore[arg-type]


def test_a_destination_names_its_kind_and_target():
    assert split_destination("channel:12") == ("channel", "12")
    assert split_destination("erp:acme:eu") == ("erp", "acme:eu")
    for bad in ("channel", ":12", "channel:", ""):
        with pytest.raises(ValueError, match=r"^destination must be <kind>:<target>, not"):
            split_destination(bad)
