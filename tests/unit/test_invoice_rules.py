"""The three-way match of a supplier invoice line under the supplier's tolerances, and the
FIFO allocation of an invoiced quantity to the receipts it clears from GRNI."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.finance.document_models import MATCH_STATUSES
from scanfloor.finance.invoice_rules import (
    STATUSES,
    LineFacts,
    Receipt,
    Tolerances,
    allocate,
    invoice_status,
    match_line,
)

D = Decimal
CENT = D("0.01")
NONE = Tolerances(D("0"), D("0"))


def facts(received: int = 10, before: int = 0, qty: int = 10, price: str = "2.50") -> LineFacts:
    return LineFacts(
        ordered=10,
        received=received,
        invoiced_before=before,
        po_unit_cost=D("2.50"),
        quantity=qty,
        unit_price=D(price),
    )


def test_the_rules_know_the_same_statuses_as_the_invoice_lines_table():
    assert STATUSES == MATCH_STATUSES


def test_a_line_billing_what_was_received_at_the_po_price_matches():
    m = match_line(facts(), NONE)
    assert m.status == "matched"
    assert m.detail["received"] == 10 and m.detail["price_difference"] == "0.00"


def test_billing_fewer_units_than_received_always_matches():
    assert match_line(facts(qty=4), NONE).status == "matched"


def test_billing_more_than_received_is_a_quantity_mismatch_without_tolerance():
    assert match_line(facts(qty=11), NONE).status == "quantity"


def test_the_quantity_tolerance_is_a_share_of_what_was_received_counting_earlier_invoices():
    tol = Tolerances(D("10"), D("0"))
    assert match_line(facts(received=10, before=6, qty=5), tol).status == "matched"  # 11 <= 11
    assert match_line(facts(received=10, before=6, qty=6), tol).status == "quantity"  # 12 > 11


def test_the_price_tolerance_is_a_share_of_the_po_price_above_and_below():
    tol = Tolerances(D("0"), D("2"))  # 2% of 2.50 = 0.05
    assert match_line(facts(price="2.55"), tol).status == "matched"
    assert match_line(facts(price="2.45"), tol).status == "matched"
    assert match_line(facts(price="2.550001"), tol).status == "price"
    assert match_line(facts(price="2.449999"), tol).status == "price"


def test_quantity_and_price_both_outside_their_tolerance():
    assert match_line(facts(qty=12, price="3"), NONE).status == "quantity_price"


def test_a_line_for_a_po_line_with_nothing_received_is_no_receipt_whatever_the_price():
    assert match_line(facts(received=0, qty=1), NONE).status == "no_receipt"
    assert match_line(facts(received=0, qty=1, price="9"), NONE).status == "no_receipt"


def test_a_po_line_at_cost_zero_matches_only_a_price_of_zero():
    zero = LineFacts(10, 10, 0, D("0"), 10, D("0"))
    assert match_line(zero, Tolerances(D("0"), D("50"))).status == "matched"
    paid = LineFacts(10, 10, 0, D("0"), 10, D("0.01"))
    assert match_line(paid, Tolerances(D("0"), D("50"))).status == "price"


def test_a_line_bills_at_least_one_unit():
    with pytest.raises(ValueError):
        match_line(facts(qty=0), NONE)


def test_an_invoice_posts_only_when_every_line_matched():
    assert invoice_status(["matched", "matched"]) == "posted"
    assert invoice_status(["matched", "price"]) == "held"
    assert invoice_status([]) == "held"


# --- allocation --------------------------------------------------------------------------


def test_an_invoice_at_the_receipt_price_clears_the_oldest_receipts_first_with_no_difference():
    receipts = [Receipt(1, 4, D("10.00")), Receipt(2, 6, D("15.00"))]
    out = allocate(5, D("2.50"), receipts, CENT)
    assert [(a.movement_id, a.quantity) for a in out.allocations] == [(1, 4), (2, 1)]
    assert [a.received_value for a in out.allocations] == [D("10.00"), D("2.50")]
    assert all(a.difference == 0 for a in out.allocations)
    assert out.amount == D("12.50") and out.unreceived_quantity == 0
    assert out.receipts[1].matched_quantity == 1 and out.receipts[1].open_quantity == 5


def test_a_higher_price_gives_each_receipt_the_difference_for_its_units():
    out = allocate(10, D("3.00"), [Receipt(1, 4, D("10.00")), Receipt(2, 6, D("15.00"))], CENT)
    assert [a.difference for a in out.allocations] == [D("2.00"), D("3.00")]
    assert out.received_value + sum(a.difference for a in out.allocations) == out.amount


def test_receipts_cleared_by_earlier_invoices_are_skipped():
    receipts = [Receipt(1, 4, D("10.00"), 4, D("10.00")), Receipt(2, 6, D("15.00"), 2, D("5.00"))]
    out = allocate(4, D("2.50"), receipts, CENT)
    assert [(a.movement_id, a.quantity, a.received_value) for a in out.allocations] == [
        (2, 4, D("10.00"))
    ]


def test_a_receipt_invoiced_in_parts_clears_exactly_its_value_from_grni():
    receipt = [Receipt(7, 3, D("10.00"))]  # 3.333... a unit
    first = allocate(1, D("3.333333"), receipt, CENT)
    second = allocate(1, D("3.333333"), first.receipts, CENT)
    third = allocate(1, D("3.333333"), second.receipts, CENT)
    cleared = [x.allocations[0].received_value for x in (first, second, third)]
    assert cleared == [D("3.33"), D("3.34"), D("3.33")]
    assert sum(cleared) == D("10.00")
    assert third.receipts[0].open_quantity == 0


def test_units_billed_beyond_every_receipt_have_no_receipt_and_keep_their_invoiced_value():
    out = allocate(12, D("2.50"), [Receipt(1, 10, D("25.00"))], CENT)
    assert out.unreceived_quantity == 2
    assert out.unreceived_value == D("5.00")
    assert out.allocations[0].invoiced_value + out.unreceived_value == out.amount == D("30.00")


def test_the_invoiced_parts_add_up_to_the_line_amount_whatever_the_rounding():
    receipts = [Receipt(i, 1, D("0.33")) for i in range(1, 4)]
    out = allocate(3, D("0.335"), receipts, CENT)
    assert out.amount == D("1.01")  # 3 x 0.335 = 1.005, half up
    assert sum(a.invoiced_value for a in out.allocations) == out.amount


def test_a_receipt_never_valued_is_cleared_at_zero_and_its_whole_invoiced_value_differs():
    out = allocate(2, D("4.00"), [Receipt(1, 2, D("0"))], CENT)
    assert out.allocations[0].received_value == 0
    assert out.allocations[0].difference == D("8.00")
