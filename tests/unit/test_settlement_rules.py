"""Settlement rules: order references map "#1001" to "1001"; one settlement books clearing =
its net, the receivable cleared by order and refund lines, fees and adjustments to channel
fees; exception thresholds (days overdue, tolerance) are strict."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from scanfloor.finance.settlement_rules import (
    Booked,
    age_days,
    differs,
    entry_amounts,
    net,
    normalise_reference,
    reference_candidates,
)

D = Decimal


def test_a_shopify_order_name_finds_the_external_id_with_or_without_its_hash():
    assert normalise_reference(" #1001 ") == "1001"
    assert reference_candidates("#1001") == ("#1001", "1001")
    assert reference_candidates("1001") == ("1001", "#1001")


def test_an_amazon_line_tries_its_order_id_before_its_merchant_order_id():
    assert reference_candidates("028-1", "M-7")[:2] == ("028-1", "#028-1")
    assert "M-7" in reference_candidates("028-1", "M-7")
    assert reference_candidates(None, "  ") == ()


def test_a_payout_books_clearing_equal_to_its_net():
    lines = [Booked("order", D("50.00"), D("1.75")), Booked("order", D("30.00"), D("1.15")),
             Booked("refund", D("-10.00"), D(0)), Booked("payout", D("-67.10"), D(0))]  # fmt: skip
    amounts = entry_amounts(lines)
    assert amounts == {"channel_clearing": D("67.10"), "channel_receivable": D("-70.00"),
                       "channel_fees": D("2.90")}  # fmt: skip
    assert sum(amounts.values()) == 0
    assert net(lines) == D("67.10")


def test_fees_and_adjustments_go_against_channel_fees_not_the_receivable():
    lines = [Booked("fee", D(0), D("6.00")), Booked("adjustment", D("-0.60"), D(0)),
             Booked("other", D("2.00"), D(0))]  # fmt: skip
    assert entry_amounts(lines) == {"channel_clearing": D("-4.60"),
                                    "channel_receivable": D(0),
                                    "channel_fees": D("4.60")}  # fmt: skip


def test_an_order_is_overdue_only_after_its_days_have_passed():
    from scanfloor.finance.settlement_rules import overdue

    shipped = date(2024, 3, 1)
    assert not overdue(shipped, date(2024, 3, 15), 14)
    assert overdue(shipped, date(2024, 3, 16), 14)
    assert age_days(shipped, date(2024, 3, 16)) == 15
    assert age_days(date(2024, 3, 20), date(2024, 3, 16)) == 0


def test_amounts_differ_only_beyond_the_tolerance():
    assert not differs(D("40.00"), D("40.01"), D("0.01"))
    assert differs(D("40.00"), D("40.02"), D("0.01"))
    assert differs(D("39.00"), D("40.00"), D("0"))
