"""Exchange rates, pure: which rate applies on a day, what a foreign unit cost is in the
functional currency, and what a currency code, a rate and a day must look like."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scanfloor.finance.fx_rules import (
    Conversion,
    FxRuleError,
    check_currency,
    check_day,
    check_rate,
    convert,
    functional_cost,
    is_foreign,
    rate_on,
)

D = Decimal
RATES = [(date(2026, 12, 7), D("0.92")), (date(2026, 11, 30), D("0.91")),
         (date(2026, 12, 14), D("0.93"))]  # fmt: skip


def test_the_rate_of_a_day_is_the_latest_entered_on_or_before_it():
    assert rate_on(RATES, date(2026, 12, 7)) == D("0.92")
    assert rate_on(RATES, date(2026, 12, 13)) == D("0.92")  # a weekly rate covers the week
    assert rate_on(RATES, date(2026, 12, 6)) == D("0.91")
    assert rate_on(RATES, date(2027, 3, 1)) == D("0.93")


def test_a_rate_dated_after_the_day_never_applies_backwards():
    assert rate_on(RATES, date(2026, 11, 29)) is None
    assert rate_on([], date(2026, 12, 7)) is None


def test_ten_dollars_at_0_92_cost_9_20_a_unit_to_six_places():
    assert convert(D("10.00"), D("0.92")) == D("9.200000")
    assert str(Conversion("USD", D("0.92")).unit_cost(D("10.00"))) == "9.200000"


def test_a_converted_cost_rounds_half_up_at_the_sixth_place():
    assert convert(D("1"), D("0.12345650")) == D("0.123457")
    assert convert(D("1"), D("0.12345649")) == D("0.123456")
    assert convert(D("3.333333"), D("1.5")) == D("5.000000")  # 4.9999995 -> half up


def test_a_cost_is_exact_before_it_is_rounded_whatever_the_callers_context():
    import decimal

    with decimal.localcontext(decimal.Context(prec=3)):
        assert convert(D("123456.789012"), D("1.23456789")) == D("152415.787517")  # .7875167...


def test_a_po_in_the_functional_currency_is_taken_as_it_stands():
    assert functional_cost(None, D("10.00")) == D("10.00")
    assert functional_cost(Conversion("USD", D("0.92")), D("10.00")) == D("9.200000")
    assert not is_foreign("eur ", "EUR")
    assert is_foreign("USD", "EUR")


def test_a_currency_is_three_capital_letters_and_not_the_functional_one():
    assert check_currency("USD", "EUR") == "USD"
    for junk in ("usd", "US", "USDX", "U1D", "USD\n", "", "ÜSD"):
        with pytest.raises(FxRuleError) as caught:
            check_currency(junk, "EUR")
        assert caught.value.code == "invalid_currency"
    with pytest.raises(FxRuleError) as caught:
        check_currency("EUR", "EUR")
    assert caught.value.code == "functional_currency"


@pytest.mark.parametrize("good", ["0.92", "0.00000001", "9999999999.99999999", "1.500000000"])
def test_a_rate_is_above_0_with_at_most_8_decimals(good):
    assert check_rate(D(good)) == D(good)


@pytest.mark.parametrize(
    "bad", ["0", "-0.92", "0.123456789", "10000000000", "NaN", "Infinity", "1E+40"]
)
def test_a_rate_of_0_below_or_too_fine_or_too_large_is_refused(bad):
    with pytest.raises(FxRuleError) as caught:
        check_rate(D(bad))
    assert caught.value.code == "invalid_exchange_rate"


def test_a_rates_day_is_written_yyyy_mm_dd_only():
    assert check_day("2026-12-07") == date(2026, 12, 7)
    for junk in ("20261207", "2026-13-01", "2026-02-30", "2026-12-07\n", "07/12/2026", ""):
        with pytest.raises(FxRuleError) as caught:
            check_day(junk)
        assert caught.value.code == "invalid_date"
