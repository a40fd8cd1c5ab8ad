"""Supplier rules: lead time from receipts, on-time-in-full per PO line (early, late, short,
over), fill rate and lead-time adherence against the promise (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.purchasing.rules import PurchasingRuleError
from scanfloor.purchasing.supplier_rules import (
    EARLY,
    IN_FULL,
    LATE,
    ON_TIME,
    OVER,
    PENDING,
    PROMISED,
    RECEIPTS,
    SHORT,
    PoLineDelivery,
    Tolerance,
    fill_rate,
    judge_line,
    lead_time_adherence,
    lead_time_stats,
    planning_lead_time,
    score_supplier,
)

PO_DATE = date(2026, 4, 1)
DUE = date(2026, 4, 15)
TODAY = date(2026, 5, 1)
# 2 days early and 1 day late are accepted; 2% short and 5% over are "in full".
TOL = Tolerance(early_days=2, late_days=1, short_pct=Decimal(2), over_pct=Decimal(5))


def receipts(*lead_days: int) -> list[tuple[date, date]]:
    return [(PO_DATE, PO_DATE + timedelta(days=n)) for n in lead_days]


def delivered(received: int, days_off: int, ordered: int = 100) -> PoLineDelivery:
    return PoLineDelivery(ordered, received, DUE, DUE + timedelta(days=days_off))


# --- lead time ---------------------------------------------------------------------------


def test_lead_time_mean_and_sample_deviation_come_from_receipts_against_po_dates():
    stats = lead_time_stats(receipts(10, 12, 14))
    assert stats is not None
    assert (stats.samples, stats.mean_days, stats.sd_days, stats.source) == (
        3,
        Decimal(12),
        Decimal(2),
        RECEIPTS,
    )
    assert lead_time_stats([]) is None


def test_a_receipt_dated_before_its_po_is_refused():
    with pytest.raises(PurchasingRuleError) as err:
        lead_time_stats([(PO_DATE, PO_DATE - timedelta(days=1))])
    assert err.value.code == "receipt_before_order"


def test_planning_uses_the_promise_until_there_are_three_receipts():
    few = planning_lead_time(receipts(20, 30), promised_days=14)
    assert (few.mean_days, few.sd_days, few.source, few.samples) == (
        Decimal(14),
        Decimal(0),
        PROMISED,
        2,
    )
    enough = planning_lead_time(receipts(20, 30, 25), promised_days=14)
    assert (enough.mean_days, enough.sd_days, enough.source) == (
        Decimal(25),
        Decimal(5),
        RECEIPTS,
    )


def test_lead_time_adherence_compares_each_receipt_with_the_promise():
    # promised 10, tolerance -2/+1 -> 8..11 days is within: 9 and 10 yes, 13 no
    adh = lead_time_adherence(receipts(9, 10, 13), promised_days=10, tolerance=TOL)
    assert (adh.samples, adh.mean_days, adh.mean_delta_days, adh.within_rate) == (
        3,
        Decimal("10.6667"),
        Decimal("0.6667"),
        Decimal("0.6667"),
    )
    assert lead_time_adherence([], 10).within_rate is None


# --- on time, in full: each direction ----------------------------------------------------


def test_on_time_and_in_full_inside_the_tolerances_is_otif():
    for received, days_off in ((100, 0), (98, -2), (105, 1)):
        result = judge_line(delivered(received, days_off), TODAY, TOL)
        assert (result.timing, result.fullness, result.otif) == (ON_TIME, IN_FULL, True)


def test_early_is_more_days_before_due_than_the_early_tolerance():
    result = judge_line(delivered(100, -3), TODAY, TOL)
    assert (result.timing, result.days_off, result.otif) == (EARLY, -3, False)


def test_late_is_more_days_after_due_than_the_late_tolerance():
    result = judge_line(delivered(100, 2), TODAY, TOL)
    assert (result.timing, result.days_off, result.otif) == (LATE, 2, False)


def test_short_is_less_than_ordered_minus_the_short_tolerance():
    result = judge_line(PoLineDelivery(100, 97, DUE, DUE, closed=True), TODAY, TOL)
    assert (result.timing, result.fullness, result.units_off, result.otif) == (
        ON_TIME,
        SHORT,
        -3,
        False,
    )


def test_over_is_more_than_ordered_plus_the_over_tolerance():
    result = judge_line(delivered(106, 0), TODAY, TOL)
    assert (result.fullness, result.units_off, result.otif) == (OVER, 6, False)


def test_with_no_tolerance_one_unit_or_one_day_either_way_fails():
    exact = Tolerance()
    assert judge_line(delivered(99, 0), DUE, exact).timing == PENDING  # open, short, due today
    closed_short = PoLineDelivery(100, 99, DUE, DUE, closed=True)
    assert judge_line(closed_short, TODAY, exact).fullness == SHORT
    assert judge_line(delivered(101, 0), TODAY, exact).fullness == OVER
    assert judge_line(delivered(100, -1), TODAY, exact).timing == EARLY
    assert judge_line(delivered(100, 1), TODAY, exact).timing == LATE


def test_an_open_line_is_pending_until_overdue_then_late_and_short():
    nothing = PoLineDelivery(100, 0, DUE)
    assert judge_line(nothing, DUE + timedelta(days=1), TOL).timing == PENDING
    overdue = judge_line(nothing, DUE + timedelta(days=2), TOL)
    assert (overdue.timing, overdue.fullness, overdue.days_off) == (LATE, SHORT, 2)
    part = PoLineDelivery(100, 60, DUE, DUE - timedelta(days=1))
    assert judge_line(part, DUE, TOL).timing == PENDING
    assert judge_line(part, DUE + timedelta(days=5), TOL).timing == LATE


def test_a_line_closed_with_nothing_received_is_late_and_short():
    result = judge_line(PoLineDelivery(100, 0, DUE, closed=True), DUE, TOL)
    assert (result.timing, result.fullness) == (LATE, SHORT)


# --- rates -------------------------------------------------------------------------------


def test_fill_rate_caps_an_over_delivery_so_it_cannot_hide_a_short():
    lines = [delivered(90, 0), delivered(120, 0)]
    assert fill_rate(lines) == Decimal("0.95")  # (90 + 100) / 200
    assert fill_rate([]) is None


def test_supplier_score_counts_each_failure_and_leaves_pending_lines_out():
    lines = [
        delivered(100, 0),  # otif
        delivered(100, -5),  # early
        delivered(100, 4),  # late
        PoLineDelivery(100, 50, DUE, DUE, closed=True),  # short
        delivered(150, 0),  # over
        PoLineDelivery(100, 0, TODAY + timedelta(days=10)),  # pending
    ]
    score = score_supplier(lines, TODAY, TOL)
    assert score.lines_judged == 5
    assert score.counts == {EARLY: 1, LATE: 1, SHORT: 1, OVER: 1, "otif": 1, PENDING: 1}
    assert score.otif_rate == Decimal("0.2")
    assert score.fill_rate == Decimal("0.9")  # (100 + 100 + 100 + 50 + 100) / 500


def test_tolerances_outside_their_range_are_refused():
    with pytest.raises(PurchasingRuleError):
        Tolerance(early_days=-1)
    with pytest.raises(PurchasingRuleError):
        Tolerance(over_pct=Decimal(101))


# --- properties --------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    ordered=st.integers(1, 1000),
    received=st.integers(0, 2000),
    days_off=st.integers(-30, 30),
    closed=st.booleans(),
)
def test_each_line_has_exactly_one_timing_and_one_fullness(ordered, received, days_off, closed):
    line = PoLineDelivery(ordered, received, DUE, DUE + timedelta(days=days_off), closed)
    result = judge_line(line, TODAY, TOL)
    assert result.timing in (EARLY, ON_TIME, LATE, PENDING)
    assert result.fullness in (SHORT, IN_FULL, OVER)
    assert result.otif == (result.timing == ON_TIME and result.fullness == IN_FULL)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 500), st.integers(0, 900)), min_size=1, max_size=20))
def test_fill_rate_is_a_share_from_0_to_1(pairs):
    rate = fill_rate(PoLineDelivery(o, r, DUE, DUE) for o, r in pairs)
    assert rate is not None
    assert 0 <= rate <= 1
