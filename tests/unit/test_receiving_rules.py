"""Receiving rules: tolerance, when a PO is receivable, what a confirmation must carry
(no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scanfloor.receiving.rules import (
    Excess,
    ReceivingRuleError,
    allowed_total,
    check_destination,
    check_lot_and_expiry,
    check_receivable,
    may_approve,
    over_receipt,
    split_damaged,
    state_after_receipt,
    variance,
)

TODAY = date(2026, 6, 1)


def _code(excinfo: pytest.ExceptionInfo[ReceivingRuleError]) -> str:
    return excinfo.value.code


def refusal(check, *args, **kwargs) -> tuple[str, dict[str, object]]:
    """The (code, details) a rule refuses with; its message is the sentence the user reads."""
    with pytest.raises(ReceivingRuleError) as refused:
        check(*args, **kwargs)
    error = refused.value
    assert isinstance(error.message, str) and " " in error.message
    assert str(error) == error.message
    return error.code, error.details


# --- tolerance ---------------------------------------------------------------------------


def test_zero_tolerance_allows_exactly_the_ordered_quantity():
    assert allowed_total(100, Decimal("0")) == 100
    assert over_receipt(100, 60, 40, Decimal("0")) is None
    assert over_receipt(100, 60, 41, Decimal("0")) == Excess(100, 60, 41, 100)


def test_tolerance_is_a_percentage_of_the_ordered_quantity_rounded_down():
    assert allowed_total(100, Decimal("5")) == 105
    assert allowed_total(10, Decimal("5")) == 10  # half a unit is no unit
    assert allowed_total(30, Decimal("2.5")) == 30
    assert allowed_total(40, Decimal("2.5")) == 41
    assert allowed_total(7, Decimal("100")) == 14


def test_within_tolerance_is_accepted_and_one_unit_beyond_is_an_excess():
    assert over_receipt(100, 100, 5, Decimal("5")) is None
    excess = over_receipt(100, 100, 6, Decimal("5"))
    assert excess == Excess(ordered=100, received=100, requested=6, allowed=105)


def test_variance_counts_only_the_units_this_confirmation_brings_beyond_the_order():
    assert variance(10, 0, 4) == 0
    assert variance(10, 8, 4) == 2
    assert variance(10, 12, 3) == 3
    assert variance(10, 10, 1) == 1


# --- who may approve -------------------------------------------------------------------


def test_only_supervisors_and_above_may_approve_an_over_receipt():
    assert not may_approve("worker")
    assert all(may_approve(r) for r in ("supervisor", "manager", "admin"))
    assert not may_approve("nobody")


# --- states ------------------------------------------------------------------------------


def test_receiving_is_allowed_from_open_until_closed():
    for state in ("sent", "open", "partially_received", "received"):
        check_receivable(state)
    for state in ("draft", "approved", "closed", "cancelled"):
        with pytest.raises(ReceivingRuleError) as err:
            check_receivable(state)
        assert _code(err) == "po_not_receivable"


def test_state_after_receipt_follows_the_lines():
    assert state_after_receipt([(10, 0), (5, 0)]) == "open"
    assert state_after_receipt([(10, 3), (5, 0)]) == "partially_received"
    assert state_after_receipt([(10, 10), (5, 4)]) == "partially_received"
    assert state_after_receipt([(10, 10), (5, 5)]) == "received"
    assert state_after_receipt([(10, 12), (5, 5)]) == "received"


# --- one confirmation --------------------------------------------------------------------


def test_damaged_units_are_part_of_the_quantity_and_need_a_reason():
    assert split_damaged(12, 0, None) == (12, 0)
    assert split_damaged(12, 2, "crushed") == (10, 2)
    assert split_damaged(12, 12, "wet") == (0, 12)
    with pytest.raises(ReceivingRuleError) as err:
        split_damaged(12, 2, "  ")
    assert _code(err) == "damage_reason_required"
    with pytest.raises(ReceivingRuleError) as err:
        split_damaged(12, 13, "wet")
    assert _code(err) == "invalid_quantity"
    with pytest.raises(ReceivingRuleError) as err:
        split_damaged(0, 0, None)
    assert _code(err) == "invalid_quantity"


def test_lot_tracked_item_without_lot_is_refused():
    with pytest.raises(ReceivingRuleError) as err:
        check_lot_and_expiry(
            tracking="lot", expiry_tracked=False, lot_code=None, expiry=None, today=TODAY
        )
    assert _code(err) == "lot_required"


def test_expiry_tracked_item_without_expiry_is_refused():
    with pytest.raises(ReceivingRuleError) as err:
        check_lot_and_expiry(
            tracking="lot", expiry_tracked=True, lot_code="L1", expiry=None, today=TODAY
        )
    assert _code(err) == "expiry_required"


def test_expiry_in_the_past_is_accepted_with_a_warning():
    warnings = check_lot_and_expiry(
        tracking="lot", expiry_tracked=True, lot_code="L1", expiry=date(2026, 5, 31), today=TODAY
    )
    assert [w.code for w in warnings] == ["expired"]
    assert (
        check_lot_and_expiry(
            tracking="lot", expiry_tracked=True, lot_code="L1", expiry=TODAY, today=TODAY
        )
        == []
    )


def test_a_lot_on_an_untracked_item_is_dropped_with_a_warning():
    warnings = check_lot_and_expiry(
        tracking="none", expiry_tracked=False, lot_code="L1", expiry=None, today=TODAY
    )
    assert [w.code for w in warnings] == ["lot_ignored"]


def test_received_stock_lands_on_a_dock_or_staging_location_only():
    check_destination("dock", False, True)
    check_destination("staging", False, True)
    for args in (("storage", False, True), ("dock", False, False), ("virtual", True, True)):
        with pytest.raises(ReceivingRuleError) as err:
            check_destination(*args)
        assert _code(err) == "wrong_location"


# --- refusals: their codes and details ---------------------------------------------------


def test_a_draft_or_closed_po_is_refused_naming_its_state_and_the_receivable_ones():
    for state in ("draft", "approved", "closed", "cancelled"):
        assert refusal(check_receivable, state) == (
            "po_not_receivable",
            {
                "state": state,
                "receivable_states": ["open", "partially_received", "received", "sent"],
            },
        )


def test_a_sent_po_stays_sent_until_something_is_received():
    assert state_after_receipt([(10, 0)], base="sent") == "sent"
    assert state_after_receipt([(10, 0)], base="open") == "open"
    assert state_after_receipt([(10, 0)], base="partially_received") == "open"
    assert state_after_receipt([(10, 2)], base="sent") == "partially_received"
    assert state_after_receipt([(10, 10)], base="sent") == "received"


def test_a_po_with_no_lines_has_received_nothing():
    assert state_after_receipt([]) == "open"
    assert state_after_receipt([(10, 1)]) == "partially_received"


def test_a_quantity_of_one_is_received_and_zero_or_less_is_refused():
    assert split_damaged(1, 0, None) == (1, 0)
    assert split_damaged(1, 1, "torn") == (0, 1)
    for quantity in (0, -1):
        assert refusal(split_damaged, quantity, 0, None) == (
            "invalid_quantity",
            {"quantity": quantity},
        )


def test_damaged_units_outside_zero_to_the_quantity_are_refused():
    for damaged in (-1, 13):
        assert refusal(split_damaged, 12, damaged, "wet") == (
            "invalid_quantity",
            {"quantity": 12, "damaged_quantity": damaged},
        )


def test_damaged_units_without_a_reason_are_refused_naming_how_many():
    for reason in (None, "", "   "):
        assert refusal(split_damaged, 12, 3, reason) == (
            "damage_reason_required",
            {"damaged_quantity": 3},
        )
    assert split_damaged(12, 0, "   ") == (12, 0)


def test_missing_lot_and_expiry_refusals_name_the_field_to_fill():
    assert refusal(
        check_lot_and_expiry,
        tracking="lot",
        expiry_tracked=True,
        lot_code="",
        expiry=None,
        today=TODAY,
    ) == ("lot_required", {"field": "lot_code"})
    assert refusal(
        check_lot_and_expiry,
        tracking="lot",
        expiry_tracked=True,
        lot_code="L1",
        expiry=None,
        today=TODAY,
    ) == ("expiry_required", {"field": "expiry"})


def test_warnings_say_which_lot_was_dropped_and_which_expiry_has_passed():
    (ignored,) = check_lot_and_expiry(
        tracking="serial", expiry_tracked=False, lot_code="L7", expiry=None, today=TODAY
    )
    assert ignored.code == "lot_ignored"
    assert "L7" in ignored.message
    (expired,) = check_lot_and_expiry(
        tracking="none", expiry_tracked=False, lot_code=None, expiry=date(2026, 5, 1), today=TODAY
    )
    assert expired.code == "expired"
    assert "2026-05-01" in expired.message


def test_a_wrong_destination_is_refused_naming_its_type_and_the_allowed_ones():
    for args in (("storage", False, True), ("dock", False, False), ("staging", True, True)):
        assert refusal(check_destination, *args) == (
            "wrong_location",
            {"location_type": args[0], "allowed_types": ["dock", "staging"]},
        )


def test_a_rule_error_without_details_has_empty_details():
    error = ReceivingRuleError("some_rule", "some message")
    assert (error.code, error.message, error.details, str(error)) == (
        "some_rule",
        "some message",
        {},
        "some message",
    )
