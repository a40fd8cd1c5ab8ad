"""Cost rules: moving average and FIFO layers for receipts and issues, negative stock and
its correction, no rounding residue, reversals at a given value (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.finance.cost_rules import (
    Consumed,
    Layer,
    Position,
    average_issue,
    average_receive,
    fifo_issue,
    fifo_receive,
)

CENT = Decimal("0.01")
ZERO = Decimal(0)
EMPTY = Position(0, Decimal("0.00"), None)


def D(text: str) -> Decimal:
    return Decimal(text)


def _written(layers: tuple[Layer, ...], first_id: int) -> tuple[Layer, ...]:
    """The layers as the caller stores them: new ones (id 0) get the next ids."""
    out, next_id = [], first_id
    for layer in layers:
        if layer.id == 0:
            layer = Layer(next_id, layer.quantity_left, layer.unit_cost, layer.value_left)
            next_id += 1
        out.append(layer)
    return tuple(out)


# --- The Odoo cheat sheet: receive 8 @ 10 and 4 @ 16, deliver 10, receive 2 @ 6. ---


def test_odoo_example_moving_average_delivers_120_and_leaves_36() -> None:
    pos = average_receive(EMPTY, 8, D("80.00"), CENT).position
    pos = average_receive(pos, 4, D("64.00"), CENT).position
    assert pos == Position(12, D("144.00"), D("12.000000"))
    delivered = average_issue(pos, 10, CENT)
    assert (delivered.value, delivered.unit_cost, delivered.source) == (
        D("120.00"),
        D("12.000000"),
        "issue",
    )
    after = average_receive(delivered.position, 2, D("12.00"), CENT).position
    assert (after.quantity, after.value) == (4, D("36.00"))


def test_odoo_example_fifo_delivers_112_and_leaves_44_in_two_layers() -> None:
    first = fifo_receive(EMPTY, (), 8, D("80.00"), CENT)
    layers = _written(first.layers, 1)
    second = fifo_receive(first.position, layers, 4, D("64.00"), CENT)
    layers = _written(second.layers, 2)
    delivered = fifo_issue(second.position, layers, 10, CENT)
    assert delivered.value == D("112.00")
    assert delivered.consumed == (Consumed(1, 8, D("80.00")), Consumed(2, 2, D("32.00")))
    last = fifo_receive(delivered.position, delivered.layers, 2, D("12.00"), CENT)
    assert (last.position.quantity, last.position.value) == (4, D("44.00"))
    assert last.layers == (
        Layer(2, 2, D("16.000000"), D("32.00")),
        Layer(0, 2, D("6.000000"), D("12.00")),
    )


# --- Moving average ---


def test_average_receipt_on_stock_takes_the_weighted_rate() -> None:
    """Q = 10 at R = 4 (V 40), receive q = 5 at r = 7 (35): (10*4 + 5*7) / 15 = 5."""
    out = average_receive(Position(10, D("40.00"), D("4")), 5, D("35.00"), CENT)
    assert out.position == Position(15, D("75.00"), D("5.000000"))
    assert (out.value, out.unit_cost, out.source, out.correction) == (
        D("35.00"),
        D("7.000000"),
        "receipt",
        ZERO,
    )


def test_average_receipt_into_negative_stock_takes_the_incoming_rate_and_corrects_cogs() -> None:
    """3 units issued with no stock at the last rate 10 (Q = -3, V = -30). Receive 5 @ 12
    (60): the 3 units gone cost 36 at the incoming rate, 30 was booked: correction +6 to
    COGS. The 2 units left are worth 60 - 36 = 24 (the incoming rate 12), V' = -30 + 60 - 6."""
    issued = average_issue(Position(0, D("0.00"), D("10.000000")), 3, CENT)
    assert (issued.value, issued.source) == (D("30.00"), "last_rate")
    assert issued.position == Position(-3, D("-30.00"), D("10.000000"))
    received = average_receive(issued.position, 5, D("60.00"), CENT)
    assert received.correction == D("6.00")
    assert received.position == Position(2, D("24.00"), D("12.000000"))
    assert received.value == D("60.00")


def test_a_receipt_covering_part_of_a_shortfall_leaves_the_rest_at_its_booked_rate() -> None:
    """Q = -5 booked at 10 (V = -50); receive 2 @ 12 (24): the 2 covered were booked 20 and
    cost 24, correction +4; the 3 still short keep their booked -30."""
    out = average_receive(Position(-5, D("-50.00"), D("10")), 2, D("24.00"), CENT)
    assert out.correction == D("4.00")
    assert out.position == Position(-3, D("-30.00"), D("12.000000"))


def test_an_issue_with_no_known_rate_goes_out_at_zero_and_the_receipt_corrects_it() -> None:
    issued = average_issue(EMPTY, 2, CENT)
    assert (issued.value, issued.unit_cost, issued.source) == (D("0.00"), D("0"), "none")
    assert issued.position == Position(-2, D("0.00"), None)
    received = average_receive(issued.position, 4, D("40.00"), CENT)
    assert received.correction == D("20.00")
    assert received.position == Position(2, D("20.00"), D("10.000000"))


def test_an_issue_beyond_the_stock_takes_the_current_rate_for_the_units_not_there() -> None:
    out = average_issue(Position(2, D("20.00"), D("9")), 5, CENT)
    assert (out.value, out.source) == (D("50.00"), "last_rate")
    assert out.position == Position(-3, D("-30.00"), D("10.000000"))


def test_issuing_everything_leaves_exactly_zero_value() -> None:
    out = average_issue(Position(3, D("10.00"), None), 3, CENT)
    assert out.value == D("10.00")
    assert out.position.value == 0


def test_issuing_one_of_three_units_worth_ten_takes_3_33_and_leaves_6_67() -> None:
    one = average_issue(Position(3, D("10.00"), None), 1, CENT)
    assert (one.value, one.position.value) == (D("3.33"), D("6.67"))
    two = average_issue(one.position, 1, CENT)
    three = average_issue(two.position, 1, CENT)
    assert one.value + two.value + three.value == D("10.00")
    assert three.position.value == 0


def test_a_currency_without_minor_units_values_whole_yen() -> None:
    out = average_issue(Position(3, D("1000"), None), 1, Decimal("1"))
    assert (out.value, out.position.value) == (D("333"), D("667"))
    assert str(out.value) == "333"


def test_a_three_decimal_currency_values_to_the_fils() -> None:
    out = average_issue(Position(3, D("10.000"), None), 1, Decimal("0.001"))
    assert (out.value, out.position.value) == (D("3.333"), D("6.667"))


def test_reversing_a_receipt_takes_out_exactly_what_it_put_in() -> None:
    """Receive 1 @ 10 and 1 @ 20, ship 1 at the average 15; reversing the 20 receipt takes
    out 20, which leaves nothing at -5: the shipped unit cost 10, not 15: correction -5."""
    out = average_issue(Position(1, D("15.00"), D("15")), 1, CENT, value=D("20.00"))
    assert (out.value, out.source, out.correction) == (D("20.00"), "given", D("-5.00"))
    assert out.position.quantity == 0
    assert out.position.value == 0


def test_nothing_moves_for_a_quantity_of_zero_or_a_negative_value() -> None:
    with pytest.raises(ValueError):
        average_issue(EMPTY, 0, CENT)
    with pytest.raises(ValueError):
        average_receive(EMPTY, 1, D("-1.00"), CENT)


# --- FIFO ---

TWO_LAYERS = (Layer(1, 5, D("10"), D("50.00")), Layer(2, 5, D("20"), D("100.00")))
TWO_POS = Position(10, D("150.00"), D("20"))


def test_fifo_takes_part_of_a_layer_at_its_share_of_the_value_left() -> None:
    out = fifo_issue(
        Position(3, D("10.00"), None), (Layer(7, 3, D("3.333333"), D("10.00")),), 1, CENT
    )
    assert out.consumed == (Consumed(7, 1, D("3.33")),)
    assert out.layers == (Layer(7, 2, D("3.333333"), D("6.67")),)
    assert out.position.value == D("6.67")


def test_fifo_consumes_the_oldest_layer_first() -> None:
    out = fifo_issue(TWO_POS, tuple(reversed(TWO_LAYERS)), 7, CENT)
    assert out.consumed == (Consumed(1, 5, D("50.00")), Consumed(2, 2, D("40.00")))
    assert out.value == sum(c.value for c in out.consumed) == D("90.00")
    assert out.layers == (Layer(2, 3, D("20"), D("60.00")),)


def test_fifo_consumes_the_preferred_layer_first() -> None:
    out = fifo_issue(TWO_POS, TWO_LAYERS, 7, CENT, prefer=2)
    assert out.consumed == (Consumed(2, 5, D("100.00")), Consumed(1, 2, D("20.00")))
    assert out.value == sum(c.value for c in out.consumed) == D("120.00")
    assert out.layers == (Layer(1, 3, D("10"), D("30.00")),)
    assert out.position == Position(3, D("30.00"), D("20"))


def test_what_is_left_of_a_preferred_layer_keeps_its_age() -> None:
    out = fifo_issue(TWO_POS, TWO_LAYERS, 3, CENT, prefer=2)
    assert out.consumed == (Consumed(2, 3, D("60.00")),)
    assert out.layers == (TWO_LAYERS[0], Layer(2, 2, D("20"), D("40.00")))


def test_fifo_beyond_the_layers_issues_at_the_last_rate_and_the_receipt_corrects() -> None:
    """2 on hand at 10, last receipt rate 12; issue 5: 20 + 3 * 12 = 56 (Q -3, V -36).
    Receive 4 @ 15 (60): the 3 short cost 45, were booked 36: correction +9; one unit is
    left as a layer worth 15."""
    out = fifo_issue(Position(2, D("20.00"), D("12")), (Layer(1, 2, D("10"), D("20.00")),), 5, CENT)
    assert (out.value, out.source, out.layers) == (D("56.00"), "last_rate", ())
    assert out.consumed == (Consumed(1, 2, D("20.00")),)
    assert out.position == Position(-3, D("-36.00"), D("12"))
    back = fifo_receive(out.position, out.layers, 4, D("60.00"), CENT)
    assert back.correction == D("9.00")
    assert back.layers == (Layer(0, 1, D("15.000000"), D("15.00")),)
    assert back.position == Position(1, D("15.00"), D("15.000000"))


def test_fifo_with_no_layers_and_no_rate_issues_at_zero() -> None:
    out = fifo_issue(EMPTY, (), 2, CENT)
    assert (out.value, out.source, out.consumed) == (D("0.00"), "none", ())
    assert out.position == Position(-2, D("0.00"), None)


def test_fifo_keeps_unwritten_layers_as_the_newest() -> None:
    layers = (Layer(0, 1, D("30"), D("30.00")), Layer(4, 1, D("10"), D("10.00")))
    out = fifo_issue(Position(2, D("40.00"), D("30")), layers, 1, CENT)
    assert out.consumed == (Consumed(4, 1, D("10.00")),)


def test_reversing_an_intact_fifo_receipt_takes_its_own_layer() -> None:
    out = fifo_issue(TWO_POS, TWO_LAYERS, 5, CENT, prefer=2, value=D("100.00"))
    assert (out.value, out.source, out.correction) == (D("100.00"), "given", ZERO)
    assert out.layers == (TWO_LAYERS[0],)
    assert out.position == Position(5, D("50.00"), D("20"))


def test_reversing_a_partly_shipped_fifo_receipt_corrects_cogs_for_the_difference() -> None:
    """Layer 2 came in as 2 @ 20 (40) and one went out; layer 1 holds 1 @ 10. Reversing the
    receipt takes out its 40: the layers give 20 + 10 = 30, so correction -10 (the shipped
    unit should have cost 10, not 20) and nothing is left."""
    layers = (Layer(1, 1, D("10"), D("10.00")), Layer(2, 1, D("20"), D("20.00")))
    out = fifo_issue(Position(2, D("30.00"), D("20")), layers, 2, CENT, prefer=2, value=D("40.00"))
    assert out.consumed == (Consumed(2, 1, D("20.00")), Consumed(1, 1, D("10.00")))
    assert out.correction == D("-10.00")
    assert out.position.value == 0
    assert out.layers == ()


def test_units_of_a_lot_take_that_lots_layers_before_older_ones():
    layers = [Layer(1, 5, D("10"), D("50.00"), lot_id=7), Layer(2, 5, D("20"), D("100.00"), 8)]
    out = fifo_issue(Position(10, D("150.00"), D("20")), layers, 3, CENT, lot=8)
    assert (out.value, out.source) == (D("60.00"), "issue")
    assert out.layers == (Layer(1, 5, D("10"), D("50.00"), 7), Layer(2, 2, D("20"), D("40.00"), 8))


def test_a_lot_whose_own_layers_run_out_takes_the_oldest_others():
    layers = [Layer(1, 5, D("10"), D("50.00"), lot_id=None), Layer(2, 2, D("20"), D("40.00"), 8)]
    out = fifo_issue(Position(7, D("90.00"), D("20")), layers, 3, CENT, lot=8)
    assert out.value == D("50.00")  # both of lot 8 at 20, then one of the untracked at 10
    assert out.layers == (Layer(1, 4, D("10"), D("40.00"), None),)


def test_a_received_lot_gets_its_own_layer():
    out = fifo_receive(Position(0, D("0"), None), [], 4, D("12.00"), CENT, lot=3)
    assert out.layers == (Layer(0, 4, D("3.000000"), D("12.00"), 3),)
