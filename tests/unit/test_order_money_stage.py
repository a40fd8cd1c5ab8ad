"""The stage an order's money reached: returned once credited or refunded, else settled
once a settlement line of kind order names it, else shipped once revenue is booked, else
captured."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from scanfloor.finance.order_money import MoneyStep, order_stage

DAY = date(2026, 1, 5)


def _s(step: str, kind: str | None = None) -> MoneyStep:
    return MoneyStep(step, DAY, Decimal("1"), kind=kind)


def test_an_order_only_captured_is_captured():
    assert order_stage([_s("captured")]) == "captured"


def test_revenue_booked_makes_it_shipped():
    assert order_stage([_s("captured"), _s("shipped")]) == "shipped"


def test_a_settled_order_line_makes_it_settled_but_an_adjustment_does_not():
    assert order_stage([_s("captured"), _s("shipped"), _s("settled", "order")]) == "settled"
    assert order_stage([_s("captured"), _s("shipped"), _s("settled", "adjustment")]) == "shipped"


def test_a_refund_or_a_credit_makes_it_returned():
    assert order_stage([_s("captured"), _s("settled", "order"), _s("refunded", "refund")]) == (
        "returned"
    )
    assert order_stage([_s("captured"), _s("shipped"), _s("credited")]) == "returned"
