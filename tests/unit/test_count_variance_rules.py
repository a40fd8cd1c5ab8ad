"""Count variance rules (pure): variance and its value, tolerance by units and value, each
line's fate when its attempt is finished, and what the task does next."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from scanfloor.counting.variance_rules import (
    ADJUSTED,
    APPROVAL,
    MATCHED,
    RECOUNT,
    adjustment,
    finish,
    judge,
    line_outcome,
    pending_value,
    posts_now,
    uncounted,
    variance_value,
    within_tolerance,
)


@dataclass(frozen=True)
class Tol:
    tolerance_units: int
    tolerance_value: Decimal


B = Tol(1, Decimal("25.00"))  # the seeded B policy
A = Tol(0, Decimal("0.00"))


def test_variance_is_counted_minus_the_ledger_when_the_line_was_entered():
    assert judge(7, 10, None, B).variance == -3
    assert judge(12, 10, None, B).variance == 2
    assert judge(10, 10, None, B).variance == 0


def test_variance_value_rounds_half_up_to_the_cent():
    assert variance_value(-3, Decimal("1.005")) == Decimal("-3.02")  # -3.015 -> away from 0
    assert variance_value(1, Decimal("0.125")) == Decimal("0.13")
    assert variance_value(0, Decimal("9.99")) == Decimal("0.00")


def test_an_item_with_no_unit_value_has_no_variance_value():
    assert variance_value(5, None) is None


def test_within_tolerance_needs_both_the_units_and_the_value():
    assert within_tolerance(-1, Decimal("-25.00"), B) is True
    assert within_tolerance(-2, Decimal("-2.00"), B) is False  # units beyond
    assert within_tolerance(1, Decimal("25.01"), B) is False  # value beyond


def test_unknown_unit_value_judges_by_units_only():
    assert within_tolerance(1, None, B) is True
    assert within_tolerance(2, None, B) is False
    assert judge(9, 10, None, B).within_tolerance is True


def test_a_class_with_no_tolerance_accepts_only_an_exact_count():
    assert judge(10, 10, Decimal("3.00"), A).within_tolerance is True
    assert judge(9, 10, Decimal("0.01"), A).within_tolerance is False


def test_gains_and_losses_are_judged_alike():
    assert judge(11, 10, Decimal("25.00"), B).within_tolerance is True
    assert judge(9, 10, Decimal("25.00"), B).within_tolerance is True
    assert judge(11, 10, Decimal("25.01"), B).within_tolerance is False


def test_quantities_are_never_negative():
    with pytest.raises(ValueError):
        judge(-1, 10, None, B)


@pytest.mark.parametrize(
    ("attempt", "variance", "within", "outcome"),
    [
        (1, 0, True, MATCHED),
        (1, -1, True, ADJUSTED),
        (1, -5, False, RECOUNT),
        (2, 0, True, MATCHED),
        (2, 1, True, ADJUSTED),
        (2, -5, False, APPROVAL),
    ],
)
def test_a_line_beyond_tolerance_is_recounted_then_waits_for_approval(
    attempt, variance, within, outcome
):
    assert line_outcome(attempt, variance, within) == outcome


def test_only_adjusted_lines_post_when_their_attempt_is_finished():
    assert [o for o in (MATCHED, ADJUSTED, RECOUNT, APPROVAL) if posts_now(o)] == [ADJUSTED]


def test_one_line_beyond_tolerance_sends_the_whole_count_to_a_recount():
    step = finish(1, [MATCHED, ADJUSTED, RECOUNT])
    assert (step.status, step.attempt, step.outcome) == ("recount", 2, RECOUNT)


def test_a_recount_confirming_a_variance_waits_for_approval():
    step = finish(2, [ADJUSTED, APPROVAL])
    assert (step.status, step.attempt, step.outcome) == ("approval", 2, APPROVAL)


def test_a_count_with_nothing_waiting_is_counted_adjusted_or_matched():
    assert finish(1, [MATCHED, ADJUSTED]).outcome == ADJUSTED
    assert finish(1, [MATCHED]).status == "counted"
    assert finish(2, [MATCHED]).outcome == MATCHED
    assert finish(1, []).outcome == MATCHED


def test_a_recount_is_never_recounted_and_a_first_count_never_waits_for_approval():
    with pytest.raises(ValueError):
        finish(2, [RECOUNT])
    with pytest.raises(ValueError):
        finish(1, [APPROVAL])


def test_a_gain_comes_from_inventory_adjustment_and_a_loss_goes_to_it():
    gain, loss = adjustment(3), adjustment(-2)
    assert gain is not None and (gain.reason_code, gain.quantity, gain.into_bin) == (
        "count_gain", 3, True
    )  # fmt: skip
    assert loss is not None and (loss.reason_code, loss.quantity, loss.into_bin) == (
        "count_loss", 2, False
    )  # fmt: skip
    assert adjustment(0) is None


def test_pending_value_sums_the_size_of_gains_and_losses_alike():
    total = pending_value([Decimal("-300.00"), Decimal("250.50"), None])
    assert total == Decimal("550.50")


def test_what_the_ledger_holds_and_nobody_counted_is_counted_zero():
    in_bin = [(1, 0), (2, 7), (2, 8), (3, 0)]
    assert uncounted(in_bin, [(2, 7), (3, 0)]) == [(1, 0), (2, 8)]
    assert uncounted([], [(1, 0)]) == []


def test_a_record_weighs_the_larger_of_booked_and_counted_stock_at_cost():
    from scanfloor.counting.variance_rules import accuracy_weight

    assert accuracy_weight(10, 7, Decimal("2.50")) == Decimal("25.00")  # 10 booked x 2.50
    assert accuracy_weight(0, 4, Decimal("3")) == Decimal("12")  # found in an empty bin
    assert accuracy_weight(5, 5, None) == 0  # never costed: weighs nothing
