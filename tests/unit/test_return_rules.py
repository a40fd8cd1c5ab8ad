"""Returns' pure rules: RMA numbers, receipt flags, the credit due, status, reason codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from scanfloor.returns.rules import (
    LineState,
    ReturnRuleError,
    Totals,
    age_minutes,
    credit_due,
    default_reason_code,
    disposition_seconds,
    next_status,
    parse_rma_number,
    reason_code,
    receipt_complete,
    receipt_flag,
    rma_number,
)

FEE = Decimal("15")


def test_an_rma_number_is_rma_and_seven_zero_padded_digits():
    assert rma_number(12) == "RMA0000012"
    assert rma_number(12_345_678) == "RMA12345678"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("RMA0000012", 12), (" rma0000012\n", 12), ("Rma12", 12), ("RMA0000000", None),
     ("RMA", None), ("RMA-12", None), ("12", None), ("RMA12X", None), ("", None)],
)  # fmt: skip
def test_a_scanned_rma_number_is_read_case_insensitively(text, expected):
    assert parse_rma_number(text) == expected


def test_an_item_not_on_the_order_is_flagged_whatever_the_quantities():
    assert receipt_flag(0, 0, 1, on_order=False) == "not_on_order"
    assert receipt_flag(5, 0, 1, on_order=False) == "not_on_order"


def test_over_return_is_flagged_not_accepted():
    assert receipt_flag(2, 2, 1, on_order=True) == "over_return"
    assert receipt_flag(2, 0, 3, on_order=True) == "over_return"
    assert receipt_flag(0, 0, 1, on_order=True) == "over_return"


def test_up_to_what_is_expected_is_not_flagged():
    assert receipt_flag(3, 1, 2, on_order=True) is None


def test_full_credit_is_price_times_quantity():
    assert credit_due(Decimal("12.50"), 2, "full", None, FEE) == (Decimal("0.00"), Decimal("25.00"))


def test_partial_credit_takes_the_default_fee_rounded_half_up_to_a_cent():
    # 15% of 3 x 3.35 = 10.05 is 1.5075 -> 1.51
    fee, amount = credit_due(Decimal("3.35"), 3, "partial", None, FEE)
    assert (fee, amount) == (Decimal("1.51"), Decimal("8.54"))


def test_partial_credit_with_a_fee_given_takes_that_fee():
    assert credit_due(Decimal("10"), 1, "partial", Decimal("2.50"), FEE) == (
        Decimal("2.50"),
        Decimal("7.50"),
    )


def test_a_fee_can_take_the_whole_credit_but_not_more():
    assert credit_due(Decimal("10"), 1, "partial", Decimal("10"), FEE)[1] == Decimal("0.00")
    with pytest.raises(ReturnRuleError) as exc:
        credit_due(Decimal("10"), 1, "partial", Decimal("10.01"), FEE)
    assert exc.value.code == "fee_above_credit"


def test_a_fee_goes_only_with_a_partial_credit_and_is_never_negative():
    with pytest.raises(ReturnRuleError):
        credit_due(Decimal("10"), 1, "full", Decimal("1"), FEE)
    with pytest.raises(ReturnRuleError):
        credit_due(Decimal("10"), 1, "partial", Decimal("-1"), FEE)


def test_no_credit_and_an_unknown_price_credit_nothing():
    zero = (Decimal("0.00"), Decimal("0.00"))
    assert credit_due(Decimal("10"), 4, "none", None, FEE) == zero
    assert credit_due(None, 4, "full", None, FEE) == zero
    assert credit_due(None, 4, "partial", None, FEE) == zero


def test_an_unknown_credit_is_refused():
    with pytest.raises(ReturnRuleError):
        credit_due(Decimal("1"), 1, "some", None, FEE)


def test_status_follows_what_arrived_and_what_was_inspected():
    assert next_status("authorised", Totals(3, 0, 0), receipt_closed=False) == "authorised"
    assert next_status("authorised", Totals(3, 1, 0), receipt_closed=False) == "arrived"
    assert next_status("arrived", Totals(3, 3, 3), receipt_closed=False) == "arrived"
    assert next_status("arrived", Totals(3, 3, 2), receipt_closed=True) == "arrived"
    assert next_status("arrived", Totals(3, 2, 2), receipt_closed=True) == "completed"


def test_a_cancelled_return_stays_cancelled():
    assert next_status("cancelled", Totals(1, 1, 1), receipt_closed=True) == "cancelled"


def test_the_receipt_closes_by_itself_only_when_complete_and_nothing_flagged():
    assert receipt_complete([LineState(2, 2, None), LineState(1, 1, None)])
    assert not receipt_complete([LineState(2, 1, None)])
    assert not receipt_complete([LineState(2, 2, None), LineState(0, 1, "not_on_order")])
    assert not receipt_complete([LineState(2, 3, "over_return")])
    assert not receipt_complete([])


def test_each_disposition_has_its_reason_code_and_another_can_be_given():
    assert default_reason_code("sellable") == "return_restock"
    assert default_reason_code("damaged") == "return_damaged"
    assert default_reason_code("refurbish") == "return_refurbish"
    assert default_reason_code("rtv") == "return_to_vendor"
    assert default_reason_code("scrap") == "return_scrap"
    assert reason_code("damaged", None) == "return_damaged"
    assert reason_code("damaged", " Water_Damage ") == "water_damage"
    with pytest.raises(ReturnRuleError):
        reason_code("damaged", "water damage!")
    with pytest.raises(ReturnRuleError):
        default_reason_code("lost")


def test_disposition_time_is_arrival_to_completion():
    t0 = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    assert disposition_seconds(t0, t0 + timedelta(hours=2, seconds=5)) == 7205
    assert disposition_seconds(t0, None) is None
    assert disposition_seconds(None, t0) is None


def test_age_counts_only_while_waiting():
    t0 = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    assert age_minutes(t0, None, t0 + timedelta(minutes=90, seconds=30)) == 90
    assert age_minutes(t0, t0, t0 + timedelta(hours=5)) is None
    assert age_minutes(None, None, t0) is None
