"""Purchasing rules: PO states, supplier and PO codes, money, tolerance, blind POs
(no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.purchasing.rules import (
    PurchasingRuleError,
    decimal_text,
    may_see_expected,
    normalise_po_number,
    normalise_supplier_code,
    parse_tolerance,
    parse_unit_cost,
    transition,
)


def _code(excinfo: pytest.ExceptionInfo[PurchasingRuleError]) -> str:
    return excinfo.value.code


# --- states ------------------------------------------------------------------------------


def test_a_draft_po_opens_and_any_unclosed_po_closes():
    assert transition("draft", "open") == "open"
    for state in ("draft", "open", "partially_received", "received"):
        assert transition(state, "close") == "closed"


@pytest.mark.parametrize(
    ("state", "action"),
    [("open", "open"), ("received", "open"), ("closed", "open"), ("closed", "close")],
)
def test_a_po_cannot_take_a_step_its_state_does_not_allow(state, action):
    with pytest.raises(PurchasingRuleError) as err:
        transition(state, action)
    assert _code(err) == "invalid_state"


# --- who sees a blind PO's quantities ----------------------------------------------------


def test_blind_receipt_hides_expected_quantities_from_workers_only():
    assert may_see_expected(False, "worker")
    assert not may_see_expected(True, "worker")
    assert may_see_expected(True, "supervisor")

    assert not may_see_expected(True, "nobody")


# --- codes, money and tolerance ----------------------------------------------------------


def test_tolerance_must_be_a_percentage_from_0_to_100_with_two_decimals():
    assert parse_tolerance("2.5") == Decimal("2.5")
    assert parse_tolerance(0) == Decimal(0)
    for bad in ("-1", "100.01", "abc", "1.234", "NaN", "Infinity"):
        with pytest.raises(PurchasingRuleError) as err:
            parse_tolerance(bad)
        assert _code(err) == "invalid_tolerance"


def test_po_numbers_and_supplier_codes_are_normalised():
    assert normalise_po_number(" po-100 ") == "PO-100"
    assert normalise_supplier_code("acme_1") == "ACME_1"
    for bad in ("", "PO 1", "x" * 41):
        with pytest.raises(PurchasingRuleError) as refused:
            normalise_po_number(bad)
        assert (refused.value.code, refused.value.details) == ("invalid_number", {"number": bad})
    for bad in ("", "AC ME", "ÄCME", "A/B"):
        with pytest.raises(PurchasingRuleError) as refused:
            normalise_supplier_code(bad)
        assert (refused.value.code, refused.value.details) == ("invalid_code", {"code": bad})


def test_unit_cost_is_a_non_negative_decimal_with_at_most_six_places():
    assert parse_unit_cost("4.25") == Decimal("4.25")
    assert parse_unit_cost("0") == Decimal("0")
    for bad in ("-0.01", "1.0000001", "abc", "1e12"):
        with pytest.raises(PurchasingRuleError) as err:
            parse_unit_cost(bad)
        assert _code(err) == "invalid_unit_cost"


def test_decimals_are_shown_without_trailing_zeros_but_money_keeps_cents():
    assert decimal_text(Decimal("5.00")) == "5"
    assert decimal_text(Decimal("2.50")) == "2.5"
    assert decimal_text(Decimal("10")) == "10"
    assert decimal_text(Decimal("1.500000"), 2) == "1.50"
    assert decimal_text(Decimal("1.234500"), 2) == "1.2345"
    assert decimal_text(Decimal("100.000000"), 2) == "100.00"
    assert decimal_text(None) is None
