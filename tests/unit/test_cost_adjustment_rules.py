"""A receipt's cost changes after it was received: what stays in stock, what was already
gone (finance/adjust_rules.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.finance.adjust_rules import adjust_average, adjust_fifo
from scanfloor.finance.cost_rules import Layer, Position

D = Decimal
Q = D("0.01")


def test_a_fifo_receipt_fully_on_hand_takes_the_whole_change_into_its_layer():
    layers = [Layer(1, 5, D("10"), D("50.00")), Layer(2, 10, D("200"), D("2000.00"))]
    s = adjust_fifo(Position(15, D("2050.00"), D("200")), layers, 2, 10, D("250.00"), Q)
    assert (s.on_hand_quantity, s.on_hand_amount, s.gone_amount) == (10, D("250.00"), 0)
    assert s.position == Position(15, D("2300.00"), D("200"))
    assert s.layers == (Layer(1, 5, D("10"), D("50.00")), Layer(2, 10, D("225"), D("2250.00")))


def test_a_fifo_receipt_partly_shipped_puts_the_shipped_share_to_units_gone():
    layers = [Layer(7, 6, D("10"), D("60.00"))]
    s = adjust_fifo(Position(6, D("60.00"), D("10")), layers, 7, 10, D("20.00"), Q)
    assert (s.on_hand_quantity, s.on_hand_amount, s.gone_amount) == (6, D("12.00"), D("8.00"))
    assert s.layers[0].value_left == D("72.00")


def test_a_fifo_receipt_whose_layer_is_used_up_has_nothing_on_hand():
    s = adjust_fifo(Position(3, D("30.00"), D("10")), [Layer(9, 3, D("10"), D("30.00"))], 7, 10,
                    D("-5.00"), Q)  # fmt: skip
    assert (s.on_hand_quantity, s.on_hand_amount, s.gone_amount) == (0, 0, D("-5.00"))
    assert s.position == Position(3, D("30.00"), D("10"))


def test_a_decrease_never_makes_a_layer_worth_less_than_nothing():
    layers = [Layer(1, 2, D("1"), D("2.00"))]
    s = adjust_fifo(Position(2, D("2.00"), D("1")), layers, 1, 2, D("-5.00"), Q)
    assert (s.on_hand_amount, s.gone_amount) == (D("-2.00"), D("-3.00"))
    assert s.layers[0].value_left == 0


def test_moving_average_counts_as_many_of_the_receipts_units_on_hand_as_the_place_holds():
    s = adjust_average(Position(4, D("40.00"), D("10")), 10, D("30.00"), Q)
    assert (s.on_hand_quantity, s.on_hand_amount, s.gone_amount) == (4, D("12.00"), D("18.00"))
    assert s.position == Position(4, D("52.00"), D("13.000000"))


def test_moving_average_with_no_stock_puts_everything_to_units_gone():
    s = adjust_average(Position(-2, D("-20.00"), D("10")), 10, D("30.00"), Q)
    assert (s.on_hand_quantity, s.on_hand_amount, s.gone_amount) == (0, 0, D("30.00"))
    assert s.position.value == D("-20.00")


@pytest.mark.parametrize("amount", ["0.01", "-0.01", "33.33", "-7.77", "1000"])
def test_the_split_always_adds_up_to_the_change(amount):
    a = D(amount)
    for s in (
        adjust_average(Position(7, D("70.00"), D("10")), 9, a, Q),
        adjust_fifo(Position(7, D("70.00"), D("10")), [Layer(1, 7, D("10"), D("70.00"))], 1, 9, a,
                    Q),
    ):  # fmt: skip
        assert s.on_hand_amount + s.gone_amount == a
        assert s.position.value >= 0


def test_a_receipt_brings_in_units():
    with pytest.raises(ValueError):
        adjust_average(Position(1, D("1"), None), 0, D("1"), Q)
