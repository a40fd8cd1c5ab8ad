"""Money rules: a currency's ISO 4217 minor units, its quantum, half-up rounding, and the
share of a value that leaves no residue (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.finance.money import (
    RATE_PLACES,
    minor_units,
    quantum,
    rate,
    round_money,
    share,
    times,
)


@pytest.mark.parametrize(
    ("currency", "units", "q"),
    [
        ("EUR", 2, "0.01"),
        ("usd", 2, "0.01"),
        ("JPY", 0, "1"),
        ("KRW", 0, "1"),
        ("KWD", 3, "0.001"),
        ("BHD", 3, "0.001"),
        ("CLF", 4, "0.0001"),
        ("XXX", 2, "0.01"),
    ],
)
def test_a_currency_keeps_its_iso_4217_minor_units(currency: str, units: int, q: str) -> None:
    assert minor_units(currency) == units
    assert quantum(currency) == Decimal(q)
    assert str(quantum(currency)) == q


def test_a_currency_without_an_iso_exponent_listed_has_two_minor_units() -> None:
    assert minor_units("") == 2


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("0.005", "EUR", "0.01"),
        ("0.0049", "EUR", "0.00"),
        ("-0.005", "EUR", "-0.01"),
        ("2.5", "JPY", "3"),
        ("1.0005", "KWD", "1.001"),
        ("1.0004", "KWD", "1.000"),
    ],
)
def test_money_rounds_half_up_to_the_currency_quantum(
    amount: str, currency: str, rounded: str
) -> None:
    result = round_money(Decimal(amount), currency)
    assert result == Decimal(rounded)
    assert str(result) == rounded


def test_rates_are_kept_to_six_places() -> None:
    assert rate(Decimal("10.00"), 3) == Decimal("3.333333")
    assert rate(Decimal("10.00"), 3).as_tuple().exponent == RATE_PLACES.as_tuple().exponent
    assert rate(Decimal("5"), 0) == 0


def test_one_of_three_units_worth_ten_is_3_33_and_all_three_are_exactly_ten() -> None:
    q = Decimal("0.01")
    assert share(Decimal("10.00"), 1, 3, q) == Decimal("3.33")
    assert share(Decimal("10.00"), 2, 3, q) == Decimal("6.67")
    assert share(Decimal("10.00"), 3, 3, q) == Decimal("10.00")


def test_quantity_times_a_rate_is_rounded_to_the_quantum() -> None:
    assert times(3, Decimal("3.333333"), Decimal("0.01")) == Decimal("10.00")
    assert times(7, Decimal("0.125"), Decimal("1")) == Decimal("1")
