"""Margin rules: gross margin = revenue net of returns credited - COGS net of restocked
returns - channel fees - shipping where known; its percentage of net revenue; an order's
amounts split over its lines to the cent; rows grouped by line, channel, warehouse, path
and month."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.finance.margin_rules import (
    KNOWN,
    UNKNOWN,
    Fact,
    Figures,
    allocate,
    key_of,
    margin_pct,
    revenue_weights,
    roll_up,
    split_by_line,
    total,
)
from scanfloor.finance.revenue_rules import LineRow

D = Decimal
Q = D("0.01")


def test_gross_margin_is_net_revenue_less_net_cogs_less_fees_less_shipping():
    f = Figures(revenue=D("100.00"), returns_credited=D("20.00"), cogs=D("40.00"),
                returns_restocked=D("8.00"), channel_fees=D("3.50"))  # fmt: skip
    assert (f.net_revenue, f.net_cogs) == (D("80.00"), D("32.00"))
    assert f.gross_margin == D("44.50")
    assert f.margin_pct == D("55.63")  # 44.50 / 80.00 = 55.625 % half up
    shipped = f + Figures(shipping_cost=D("4.95"))
    assert shipped.gross_margin == D("39.55")
    assert shipped.margin_pct == D("49.44")  # 39.55 / 80.00 = 49.4375 %


def test_margin_percent_is_none_without_revenue_and_may_be_negative():
    assert margin_pct(D("-5.00"), D("0")) is None
    assert margin_pct(D("-1.00"), D("3.00")) == D("-33.33")


@pytest.mark.parametrize(
    ("amount", "weights", "parts"),
    [
        (D("10.00"), [D(1), D(1), D(1)], [D("3.34"), D("3.33"), D("3.33")]),
        (D("10.00"), [D(0), D(0)], [D("5.00"), D("5.00")]),
        (D("-1.00"), [D(1), D(2)], [D("-0.33"), D("-0.67")]),
        (D("7.00"), [D("30.00"), D("0")], [D("7.00"), D("0.00")]),
        (D("2.35"), [D("4")], [D("2.35")]),  # one line takes it all
    ],
)
def test_an_amount_splits_in_proportion_and_the_parts_sum_to_it(amount, weights, parts):
    got = allocate(amount, weights, Q)
    assert got == parts
    assert sum(got, D(0)) == amount


@given(
    amount=st.decimals(min_value=-(10**6), max_value=10**6, places=4),
    weight=st.decimals(min_value=-100, max_value=10**4, places=2),
)
def test_one_line_takes_the_whole_amount_as_it_would_beside_a_line_of_no_weight(amount, weight):
    # Beside a line that weighs nothing (a positive weight) or as much (weight <= 0: an
    # even split), the general arithmetic gives the first line what it gives a lone line.
    alone = allocate(amount, [weight], Q)
    if weight > 0:
        assert alone == allocate(amount, [weight, D(0)], Q)[:1]
    assert alone == [amount.quantize(Q, rounding=ROUND_HALF_UP)]
    assert str(alone[0]) == str(amount.quantize(Q, rounding=ROUND_HALF_UP))


def test_an_order_splits_by_what_each_line_booked_so_far():
    rows = [
        LineRow(1, 1, 2, D("10.00"), None, None),
        LineRow(2, 2, 1, D("30.00"), D("5.00"), None),
        LineRow(3, 3, 1, None, None, None),  # no price: books nothing
    ]
    weights = revenue_weights(rows, {1: 2, 2: 1, 3: 1}, Q)
    assert weights == {1: D("20.00"), 2: D("25.00"), 3: D("0")}
    assert split_by_line(D("9.00"), weights, Q) == {1: D("4.00"), 2: D("5.00"), 3: D("0.00")}
    assert split_by_line(D("9.00"), {}, Q) == {None: D("9.00")}


def _fact(order: int, line: int, channel: str, month: str, revenue: str, cogs: str,
          shipping: str | None = None, cost: str = "0") -> Fact:  # fmt: skip
    return Fact(order, f"E{order}", line, "SKU", channel, "WH1", "DHL", "standard", month,
                Figures(revenue=D(revenue), cogs=D(cogs), shipping_cost=D(cost)),
                shipping)  # fmt: skip


def test_rows_group_by_each_key_and_drop_the_empty_ones():
    facts = [
        _fact(1, 1, "WEB", "2025-01", "10.00", "4.00"),
        _fact(1, 1, "WEB", "2025-02", "5.00", "2.00"),
        _fact(2, 1, "AMZ", "2025-02", "8.00", "3.00"),
        _fact(3, 1, "AMZ", "2025-02", "0", "0"),
    ]
    by_channel = roll_up(facts, "channel")
    assert list(by_channel) == [("AMZ",), ("WEB",)]
    assert by_channel[("WEB",)][1].figures.gross_margin == D("9.00")
    assert [k for k in roll_up(facts, "month")] == [("2025-01",), ("2025-02",)]
    assert list(roll_up(facts, "order_line")) == [(1, 1), (2, 1)]
    assert key_of(facts[0], "path") == ("WEB", "WH1", "DHL", "standard")
    assert total(facts).figures.gross_margin == D("14.00")
    with pytest.raises(ValueError):
        key_of(facts[0], "sku")


def test_a_row_subtracts_the_known_shipping_and_counts_each_order_whose_shipping_is_unknown():
    facts = [
        _fact(1, 1, "WEB", "2025-01", "10.00", "4.00", KNOWN, "1.50"),
        _fact(2, 1, "WEB", "2025-01", "8.00", "3.00", UNKNOWN),
        _fact(2, 2, "WEB", "2025-02", "6.00", "2.00", UNKNOWN),
        _fact(3, 1, "AMZ", "2025-02", "5.00", "1.00", UNKNOWN),
        _fact(4, 1, "AMZ", "2025-02", "7.00", "2.00"),  # shipped nothing this month
    ]
    web = roll_up(facts, "channel")[("WEB",)][1]
    assert (web.shipping_cost, web.shipping_unknown_orders) == (D("1.50"), 1)
    assert web.figures.gross_margin == D("13.50")  # 24 - 9 - 1.50: the unknown subtracts none
    amz = roll_up(facts, "channel")[("AMZ",)][1]
    assert amz.shipping_cost is None  # every order it shipped has an unknown cost
    assert amz.figures.gross_margin == D("9.00")
    months = roll_up(facts, "month")
    assert [s.shipping_unknown_orders for _, s in months.values()] == [1, 2]
    assert total(facts).shipping_unknown_orders == 2  # order 2 once, in both months
    assert total(facts).shipping_cost == D("1.50")
    lines = roll_up(facts, "order_line")
    assert lines[(4, 1)][1].shipping_cost == D("0")  # nothing shipped: nothing unknown
    assert total([]).shipping_cost == D("0")
