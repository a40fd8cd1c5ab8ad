"""Forecast rules: the daily demand series (stock-outs dropped, backorders counted), simple
exponential smoothing, Croston-SBA, the classification that picks one, and the mean and
deviation per day the reorder rules take (no database)."""

from __future__ import annotations

import decimal
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.purchasing.forecast_rules import (
    CROSTON_SBA,
    INTERMITTENT,
    LUMPY,
    NO_DEMAND,
    NO_HISTORY,
    SES,
    SMOOTH,
    DemandDay,
    classify,
    croston,
    croston_sba,
    demand_series,
    estimate_demand,
    sample_sd,
    ses,
)
from scanfloor.purchasing.rules import PurchasingRuleError

START = date(2026, 3, 1)


def days(demand: list[int], on_hand: int = 50) -> list[DemandDay]:
    """One in-stock day per value, from START."""
    return [DemandDay(START + timedelta(days=i), on_hand, shipped=x) for i, x in enumerate(demand)]


# Hand-computed Croston fixture, alpha = 0.2, days 1-10: 0 0 6 0 0 0 2 0 4 0
#   day 3, first demand: z = 6, p = 3 (days since the window began, that day included)
#   day 7, x = 2, q = 4: z = 6 + 0.2 * (2 - 6) = 5.2     p = 3 + 0.2 * (4 - 3) = 3.2
#   day 9, x = 4, q = 2: z = 5.2 + 0.2 * (4 - 5.2) = 4.96 p = 3.2 + 0.2 * (2 - 3.2) = 2.96
#   day 10: no demand, nothing changes
#   Croston = 4.96 / 2.96 = 1.675675...; SBA = (1 - 0.2 / 2) * 1.675675... = 1.508108... -> 1.5081
#   ADI = 10 days / 3 demand days = 3.3333 (>= 1.32: intermittent side)
#   sizes 6, 2, 4: mean 4, population variance 8/3, CV^2 = (8/3) / 16 = 0.1667 (< 0.49)
#   sample sd of the 10 days: mean 1.2, squares sum 56 - 10 * 1.44 = 41.6, / 9 = 4.6222,
#   sqrt = 2.1499
CROSTON_FIXTURE = [0, 0, 6, 0, 0, 0, 2, 0, 4, 0]


# --- the series --------------------------------------------------------------------------


def test_a_day_that_starts_out_of_stock_is_dropped_whatever_was_recorded():
    history = [
        DemandDay(START, 10, shipped=4),
        DemandDay(START + timedelta(days=1), 0, shipped=0, backordered=7),
        DemandDay(START + timedelta(days=2), -2, shipped=0),
        DemandDay(START + timedelta(days=3), 5, shipped=5, backordered=3),
    ]
    series = demand_series(history)
    assert series.demand == (4, 8)
    assert series.stock_out_days == 2


def test_backorders_count_as_demand_and_restocked_returns_net_off_but_never_below_zero():
    assert DemandDay(START, 3, shipped=3, backordered=4).demand == 7
    assert DemandDay(START, 3, shipped=3, returned=1).demand == 2
    assert DemandDay(START, 3, shipped=1, returned=5).demand == 0


def test_the_series_is_ordered_by_day_and_a_day_twice_is_refused():
    shuffled = list(reversed(days([1, 2, 3])))
    assert demand_series(shuffled).demand == (1, 2, 3)
    with pytest.raises(PurchasingRuleError) as err:
        demand_series(days([1]) + days([2]))
    assert err.value.code == "duplicate_day"


# --- the methods -------------------------------------------------------------------------


def test_simple_exponential_smoothing_starts_at_the_first_day():
    # 10 -> 0.2 * 20 + 0.8 * 10 = 12 -> 0.2 * 30 + 0.8 * 12 = 15.6
    assert ses([10, 20, 30], Decimal("0.2")) == Decimal("15.6")
    assert ses([7] * 30) == 7


def test_croston_sba_matches_the_hand_computed_fixture():
    assert croston(CROSTON_FIXTURE, Decimal("0.2")) == (Decimal("4.96"), Decimal("2.96"))
    assert croston_sba(CROSTON_FIXTURE, Decimal("0.2")).quantize(Decimal("0.0001")) == Decimal(
        "1.5081"
    )
    est = estimate_demand(days(CROSTON_FIXTURE))
    assert (est.method, est.classification) == (CROSTON_SBA, INTERMITTENT)
    assert est.mean_per_day == Decimal("1.5081")
    assert est.sd_per_day == Decimal("2.1499")
    assert (est.adi, est.cv2) == (Decimal("3.3333"), Decimal("0.1667"))
    assert (est.days_used, est.demand_days) == (10, 3)


def test_steady_demand_is_smoothed_and_sparse_demand_goes_to_croston():
    steady = estimate_demand(days([20, 22, 18, 21, 19, 20]))
    assert (steady.method, steady.classification) == (SES, SMOOTH)
    lumpy = estimate_demand(days([0, 0, 1, 0, 0, 40, 0, 0]))
    assert (lumpy.method, lumpy.classification) == (CROSTON_SBA, LUMPY)


def test_adi_of_exactly_1_32_is_already_intermittent():
    # 33 days with 25 demand days: ADI = 33 / 25 = 1.32
    series = [5] * 25 + [0] * 8
    kind, adi, cv2 = classify(series)
    assert (kind, adi, cv2) == (INTERMITTENT, Decimal("1.32"), Decimal(0))
    assert classify([5] * 26 + [0] * 8)[0] == SMOOTH  # 34 / 26 = 1.3077


def test_no_in_stock_days_or_no_sales_give_zero_demand_and_say_why():
    assert estimate_demand([]).method == NO_HISTORY
    assert estimate_demand(days([3, 3], on_hand=0)).method == NO_HISTORY
    quiet = estimate_demand(days([0, 0, 0]))
    assert (quiet.method, quiet.mean_per_day, quiet.sd_per_day) == (
        NO_DEMAND,
        Decimal(0),
        Decimal(0),
    )


def test_deviation_is_the_sample_standard_deviation_of_daily_demand():
    # 2 4 4 4 5 5 7 9: mean 5, squares 32, / 7 -> sqrt(4.5714) = 2.1381
    assert sample_sd([2, 4, 4, 4, 5, 5, 7, 9]).quantize(Decimal("0.0001")) == Decimal("2.1381")
    assert sample_sd([9]) == 0


@pytest.mark.parametrize("alpha", ["0", "1.01", "-0.1"])
def test_a_smoothing_constant_outside_0_to_1_is_refused(alpha):
    with pytest.raises(PurchasingRuleError) as err:
        ses([1, 2], Decimal(alpha))
    assert err.value.code == "invalid_alpha"


def test_the_estimate_does_not_depend_on_the_callers_decimal_context():
    with decimal.localcontext(decimal.Context(prec=3)):
        assert estimate_demand(days(CROSTON_FIXTURE)).mean_per_day == Decimal("1.5081")


# --- properties --------------------------------------------------------------------------

demand_values = st.lists(st.integers(0, 50), min_size=1, max_size=60)


@settings(max_examples=50, deadline=None)
@given(values=demand_values, outs=st.lists(st.integers(0, 500), max_size=10))
def test_stock_out_days_never_change_the_estimate(values, outs):
    history = days(values)
    later = START + timedelta(days=len(values))
    with_outs = history + [
        DemandDay(later + timedelta(days=i), 0, shipped=0, backordered=x)
        for i, x in enumerate(outs)
    ]
    a, b = estimate_demand(history), estimate_demand(with_outs)
    assert (a.method, a.mean_per_day, a.sd_per_day) == (b.method, b.mean_per_day, b.sd_per_day)
    assert b.stock_out_days == len(outs)


@settings(max_examples=50, deadline=None)
@given(values=demand_values)
def test_the_mean_per_day_stays_within_the_days_seen(values):
    est = estimate_demand(days(values))
    assert 0 <= est.mean_per_day <= max(values)
    assert est.sd_per_day >= 0


@settings(max_examples=50, deadline=None)
@given(values=demand_values.filter(lambda v: any(v)), alpha=st.sampled_from(["0.1", "0.2", "0.5"]))
def test_sba_is_croston_scaled_by_one_minus_half_alpha(values, alpha):
    a = Decimal(alpha)
    size, interval = croston(values, a)
    with decimal.localcontext(decimal.Context(prec=28)):
        assert croston_sba(values, a) == (1 - a / 2) * size / interval
