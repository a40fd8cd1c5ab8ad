"""Landed-cost spread rules: a charge spread over receipt movements by quantity, value,
weight or volume, to whole cents that sum to the charge (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.finance.landed_rules import SpreadLine, SpreadRefused, spread

CENT = Decimal("0.01")
D = Decimal


def _line(key: int, quantity: int, value: str, kg: str | None = None, m3: str | None = None,
          pack: int = 1) -> SpreadLine:  # fmt: skip
    return SpreadLine(
        key, quantity, D(value), None if kg is None else D(kg), None if m3 is None else D(m3), pack
    )


def _amounts(parts: tuple) -> list[str]:  # type: ignore[type-arg]
    return [str(p.amount) for p in parts]


def test_erpnexts_example_shipping_and_customs_by_value_make_225_a_unit():
    """ERPNext: a receipt of 10 @ 200, shipping 100 and customs 150: 2,250 for 10 units."""
    receipt = [_line(1, 10, "2000.00")]
    shipping = spread(D("100.00"), "value", receipt, CENT)
    customs = spread(D("150.00"), "value", receipt, CENT)
    landed = D("2000.00") + shipping[0].amount + customs[0].amount
    assert landed == D("2250.00")
    assert landed / 10 == D("225")


def test_by_value_each_line_bears_its_share_of_the_purchase_cost():
    lines = [_line(1, 10, "2000.00"), _line(2, 5, "500.00")]
    parts = spread(D("250.00"), "value", lines, CENT)
    assert _amounts(parts) == ["200.00", "50.00"]
    assert [p.figure for p in parts] == [D("2000.000000"), D("500.000000")]


def test_by_quantity_each_unit_bears_the_same():
    lines = [_line(1, 30, "9.00"), _line(2, 10, "900.00")]
    assert _amounts(spread(D("80.00"), "quantity", lines, CENT)) == ["60.00", "20.00"]


def test_by_weight_units_times_the_case_weight_over_the_case_pack():
    # 12 units at 6 kg per case of 6 = 12 kg; 4 units at 10 kg per case of 2 = 20 kg.
    lines = [_line(1, 12, "1.00", kg="6", pack=6), _line(2, 4, "1.00", kg="10", pack=2)]
    parts = spread(D("64.00"), "weight", lines, CENT)
    assert [p.figure for p in parts] == [D("12"), D("20")]
    assert _amounts(parts) == ["24.00", "40.00"]


def test_by_volume_a_bulky_line_bears_more_than_a_heavy_one():
    lines = [_line(1, 10, "1.00", kg="100", m3="0.1"), _line(2, 10, "1.00", kg="1", m3="0.3")]
    assert _amounts(spread(D("40.00"), "volume", lines, CENT)) == ["10.00", "30.00"]


def test_an_odd_amount_over_three_equal_lines_sums_to_the_charge_to_the_cent():
    lines = [_line(1, 1, "1"), _line(2, 1, "1"), _line(3, 1, "1")]
    assert _amounts(spread(D("100.00"), "quantity", lines, CENT)) == ["33.34", "33.33", "33.33"]
    assert _amounts(spread(D("0.02"), "quantity", lines, CENT)) == ["0.01", "0.01", "0.00"]


def test_the_missing_cents_go_to_the_largest_remainders_first():
    # 10.00 by 1 : 2 : 4 -> 1.428571.., 2.857142.., 5.714285..: floors 1.42, 2.85, 5.71 (9.98);
    # remainders 0.857, 0.714, 0.428 (in cents): the first two get a cent each.
    lines = [_line(1, 1, "0"), _line(2, 2, "0"), _line(3, 4, "0")]
    parts = spread(D("10.00"), "quantity", lines, CENT)
    assert _amounts(parts) == ["1.43", "2.86", "5.71"]
    assert sum(p.amount for p in parts) == D("10.00")


def test_a_currency_without_minor_units_spreads_whole_yen():
    lines = [_line(1, 1, "1"), _line(2, 1, "1"), _line(3, 1, "1")]
    assert _amounts(spread(D("1000"), "quantity", lines, D("1"))) == ["334", "333", "333"]


def test_a_line_with_no_known_weight_refuses_a_spread_by_weight_naming_it():
    lines = [_line(1, 10, "1.00", kg="5"), _line(7, 3, "1.00")]
    with pytest.raises(SpreadRefused) as exc:
        spread(D("10.00"), "weight", lines, CENT)
    assert exc.value.code == "weight_unknown"
    assert exc.value.details["movements"] == [7]
    # ... and by quantity the same lines spread
    assert _amounts(spread(D("13.00"), "quantity", lines, CENT)) == ["10.00", "3.00"]


def test_a_line_with_no_known_volume_refuses_a_spread_by_volume():
    with pytest.raises(SpreadRefused) as exc:
        spread(D("10.00"), "volume", [_line(1, 10, "1.00", kg="5")], CENT)
    assert exc.value.code == "volume_unknown"


@pytest.mark.parametrize(
    ("amount", "basis", "code"),
    [
        ("0.00", "value", "amount_not_positive"),
        ("-5.00", "value", "amount_not_positive"),
        ("1.005", "value", "amount_not_in_minor_units"),
        ("5.00", "price", "unknown_basis"),
    ],
)
def test_a_charge_not_above_zero_in_whole_cents_by_a_known_basis_is_refused(amount, basis, code):
    with pytest.raises(SpreadRefused) as exc:
        spread(D(amount), basis, [_line(1, 1, "1.00")], CENT)
    assert exc.value.code == code


def test_nothing_to_spread_over_or_nothing_to_weigh_by_is_refused():
    with pytest.raises(SpreadRefused) as exc:
        spread(D("5.00"), "value", [], CENT)
    assert exc.value.code == "nothing_to_spread_over"
    with pytest.raises(SpreadRefused) as exc:
        spread(D("5.00"), "value", [_line(1, 3, "0.00"), _line(2, 1, "0.00")], CENT)
    assert exc.value.code == "nothing_to_weigh_by"


def test_a_line_with_no_value_bears_nothing_by_value():
    lines = [_line(1, 3, "0.00"), _line(2, 1, "4.00")]
    assert _amounts(spread(D("5.00"), "value", lines, CENT)) == ["0.00", "5.00"]


@given(
    cents=st.integers(1, 10**9),
    lines=st.lists(
        st.tuples(st.integers(1, 10_000), st.integers(0, 10**7), st.integers(1, 48)),
        min_size=1,
        max_size=12,
    ),
    basis=st.sampled_from(["quantity", "value", "weight"]),
)
def test_the_parts_always_sum_to_the_charge_and_stay_within_a_cent_of_their_share(
    cents, lines, basis
):
    spread_over = [
        SpreadLine(i, qty, D(v) / 100, D("2.5"), None, pack)
        for i, (qty, v, pack) in enumerate(lines)
    ]
    amount = D(cents) / 100
    try:
        parts = spread(amount, basis, spread_over, CENT)
    except SpreadRefused as exc:
        assert exc.code == "nothing_to_weigh_by"
        return
    assert sum(p.amount for p in parts) == amount
    total = sum(p.figure for p in parts)
    for p in parts:
        assert p.amount >= 0
        if basis == "quantity":  # figures are exact here
            assert abs(p.amount - amount * p.figure / total) < CENT
