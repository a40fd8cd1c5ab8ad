"""Shipping cost in margin: the carriers' quotes recorded on the cartons, summed per order and
shipment in the functional currency (a foreign cost at the rate of its ship day, rounded
once), unknown when a carton has none or its currency no rate, split over the shipped lines
by their booked revenue to the cent, summing exactly to the order's cost. And the split of
a shipment's quote over its cartons at ship confirm."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from scanfloor.finance.margin_rules import (
    ShippedCartons,
    allocate,
    shipping_costs,
    shipping_unknown,
    shipping_weights,
    split_by_line,
)
from scanfloor.shipping.cost_rules import CartonCost, split_quote
from scanfloor.shipping.rules import FLAT_PER_CARTON, OWN_FLEET, RateQuote

D = Decimal
Q = D("0.01")
DEC1, DEC8 = date(2026, 12, 1), date(2026, 12, 8)
USD = {"USD": [(date(2026, 12, 7), D("0.92")), (date(2026, 11, 30), D("0.90"))]}


def _part(order: int, shipment: int, currency: str | None, cost: str | None,
          day: date = DEC8) -> ShippedCartons:  # fmt: skip
    return ShippedCartons(order, shipment, day, currency, None if cost is None else D(cost))


def test_an_orders_cartons_in_the_functional_currency_cost_what_they_recorded():
    costs = shipping_costs([_part(1, 10, "EUR", "9.9000"), _part(1, 11, "EUR", "4.9500")],
                           USD, "EUR", Q)  # fmt: skip
    assert costs == {(1, 10): D("9.90"), (1, 11): D("4.95")}
    assert shipping_unknown(costs) == set()


def test_a_foreign_cost_converts_at_the_rate_of_its_ship_day_rounded_once_to_the_cent():
    # 2 x 3.3333 USD on 8 Dec at 0.92 (the 7 Dec rate) = 6.133272, + 1.0000 EUR = 7.13
    parts = [_part(1, 10, "USD", "6.6666"), _part(1, 10, "EUR", "1.0000"),
             _part(2, 12, "USD", "10.0000", DEC1)]  # fmt: skip
    costs = shipping_costs(parts, USD, "EUR", Q)
    assert costs[(1, 10)] == D("7.13")
    assert costs[(2, 12)] == D("9.00")  # 1 Dec: the 30 Nov rate, 0.90


def test_no_rate_on_or_before_the_ship_day_makes_the_orders_shipping_unknown():
    parts = [_part(1, 10, "USD", "5.0000", date(2026, 11, 29)), _part(1, 11, "EUR", "4.95"),
             _part(2, 12, "GBP", "5.0000")]  # fmt: skip
    costs = shipping_costs(parts, USD, "EUR", Q)
    assert costs == {(1, 10): None, (1, 11): D("4.95"), (2, 12): None}
    assert shipping_unknown(costs) == {1, 2}


def test_a_carton_without_a_cost_makes_its_shipment_and_order_unknown():
    parts = [_part(1, 10, "EUR", "4.95"), _part(1, 10, None, None), _part(2, 11, "EUR", "0")]
    costs = shipping_costs(parts, {}, "EUR", Q)
    assert costs == {(1, 10): None, (2, 11): D("0.00")}  # a rate of 0 is a known cost
    assert shipping_unknown(costs) == {1}


def test_the_cost_splits_over_the_shipped_lines_by_booked_revenue_summing_to_the_cent():
    booked = {1: D("20.00"), 2: D("25.00"), 3: D("0"), 4: D("12.00")}
    weights = shipping_weights(booked, shipped=[1, 2, 3])  # line 4 shipped nothing yet
    assert weights == {1: D("20.00"), 2: D("25.00"), 3: D("0")}
    parts = split_by_line(D("10.00"), weights, Q)
    assert parts == {1: D("4.44"), 2: D("5.56"), 3: D("0.00")}
    assert sum(parts.values()) == D("10.00")
    three = allocate(D("0.10"), [D("1"), D("1"), D("1")], Q)
    assert three == [D("0.04"), D("0.03"), D("0.03")] and sum(three) == D("0.10")


def test_lines_that_booked_no_revenue_share_the_cost_evenly():
    weights = shipping_weights({1: D("0"), 2: D("0")}, shipped=[1, 2])
    assert split_by_line(D("4.95"), weights, Q) == {1: D("2.48"), 2: D("2.47")}


def test_a_flat_rate_per_carton_gives_each_carton_its_rate():
    quote = RateQuote("standard", D("14.85"), "EUR", FLAT_PER_CARTON, 3)
    assert split_quote(quote, 3, "EUR") == [CartonCost(D("4.95"), "EUR")] * 3


def test_a_quote_splits_evenly_over_the_cartons_to_four_places_summing_exactly():
    quote = RateQuote("express", D("10"), "USD", "carrier_quote", 3)
    got = split_quote(quote, 3, "EUR")
    assert [c.cost for c in got] == [D("3.3334"), D("3.3333"), D("3.3333")]
    assert sum(c.cost or D(0) for c in got) == D("10.0000")
    assert {c.currency for c in got} == {"USD"}


def test_the_own_fleet_records_an_unknown_cost_not_zero():
    quote = RateQuote("standard", D("0"), "EUR", OWN_FLEET, 2)
    assert split_quote(quote, 2, "EUR") == [CartonCost(None, None)] * 2


def test_a_quote_without_a_currency_is_in_the_functional_currency():
    quote = RateQuote("standard", D("5"), None, "carrier_quote", 1)
    assert split_quote(quote, 1, "eur") == [CartonCost(D("5.0000"), "EUR")]


def test_a_negative_quote_is_no_price():
    quote = RateQuote("standard", D("-1"), "EUR", "carrier_quote", 1)
    assert split_quote(quote, 1, "EUR") == [CartonCost(None, None)]
