"""The statistics every KPI shares (reporting/stats_rules.py): nearest-rank percentiles,
median and MAD, the modified z-score with its MAD = 0 fallback, durations, and rates
(no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.reporting.stats_rules import (
    MAD,
    MEAN_AD,
    ReportingRuleError,
    durations,
    median,
    modified_z,
    percentile,
    rate,
    spread,
    unusual,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_percentile_is_the_value_at_nearest_rank():
    values = [15, 20, 35, 40, 50]
    # n = 5: p50 rank ceil(2.5) = 3 -> 35; p90 rank ceil(4.5) = 5 -> 50; p20 rank 1 -> 15;
    # p40 rank ceil(2.0) = 2 -> 20 (an exact rank is not rounded up).
    assert percentile(values, 50) == 35
    assert percentile(values, 90) == 50
    assert percentile(values, 20) == 15
    assert percentile(values, 40) == 20
    assert percentile(values, 100) == 50


def test_the_p50_of_an_even_count_is_the_lower_middle_value_not_an_average():
    # n = 4: rank ceil(2.0) = 2 -> 2 (an interpolated median would say 2.5, never observed).
    assert percentile([4, 1, 3, 2], 50) == 2


def test_no_values_have_no_percentile_and_a_percentile_outside_1_to_100_is_refused():
    assert percentile([], 50) is None
    for p in (0, 101, True):
        with pytest.raises(ReportingRuleError) as err:
            percentile([1], p)
        assert err.value.code == "invalid_percentile"


@given(st.lists(st.integers(-1000, 1000), min_size=1), st.integers(1, 100), st.integers(1, 100))
def test_a_percentile_is_always_an_observed_value_and_never_falls_as_p_rises(values, p, q):
    low, high = sorted((p, q))
    assert percentile(values, low) in values
    assert percentile(values, low) <= percentile(values, high)


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values():
    assert median([1, 9, 3, 7]) == Decimal(5)  # (3 + 7) / 2
    assert median([2, 8, 5]) == Decimal(5)
    assert median([]) is None


def test_modified_z_is_0_6745_times_distance_over_mad():
    s = spread([2, 3, 3, 4, 20])
    # median 3; |x - 3| = 1, 0, 0, 1, 17 -> MAD = median(0, 0, 1, 1, 17) = 1.
    assert (s.median, s.mad, s.method) == (Decimal(3), Decimal(1), MAD)
    # z(20) = 0.6745 x 17 / 1 = 11.4665; z(4) = 0.6745 x 1 / 1 = 0.6745.
    assert modified_z(20, s) == Decimal("11.4665")
    assert modified_z(4, s) == Decimal("0.6745")
    assert unusual(modified_z(20, s)) and not unusual(modified_z(4, s))


def test_when_mad_is_0_the_score_falls_back_to_the_mean_absolute_deviation():
    s = spread([1, 1, 1, 1, 5])
    # median 1; deviations 0, 0, 0, 0, 4: MAD 0, mean absolute deviation 4 / 5 = 0.8.
    assert (s.mad, s.mean_ad, s.method) == (Decimal(0), Decimal("0.8"), MEAN_AD)
    # z(5) = (5 - 1) / (1.253314 x 0.8) = 4 / 1.0026512 = 3.989...: above 3.5.
    z = modified_z(5, s)
    assert Decimal("3.98") < z < Decimal("3.99")
    assert unusual(z)
    # One unit above a crowd of ones is not unusual: 1 / (1.253314 x 0.25) = 3.19.
    small = spread([1, 1, 1, 2])
    assert not unusual(modified_z(2, small))


def test_when_every_value_is_the_same_nothing_stands_out():
    s = spread([3, 3, 3, 3, 3])
    assert s.method is None
    assert modified_z(3, s) is None
    assert not unusual(None)
    assert spread([]) is None


def test_exactly_the_threshold_is_not_unusual():
    assert not unusual(Decimal("3.5"))
    assert unusual(Decimal("3.5001"))


def test_durations_are_nearest_rank_hours_and_a_negative_span_counts_as_0_and_is_shown():
    spans = [
        (T0, T0 + timedelta(hours=2)),
        (T0, T0 + timedelta(hours=5, minutes=15)),
        (T0, T0 + timedelta(hours=1, minutes=30)),
        (T0, T0 - timedelta(minutes=10)),  # the end before the start: 0 hours, clamped
    ]
    d = durations(spans)
    # sorted hours: 0, 1.5, 2, 5.25; p50 rank ceil(2.0) = 2 -> 1.5; p90 rank ceil(3.6) = 4.
    assert (d.count, d.p50_hours, d.p90_hours, d.clamped) == (
        4,
        Decimal("1.50"),
        Decimal("5.25"),
        1,
    )
    empty = durations([])
    assert (empty.count, empty.p50_hours, empty.p90_hours) == (0, None, None)


def test_a_rate_has_4_places_half_up_and_none_when_nothing_was_rated():
    assert rate(2, 3) == Decimal("0.6667")
    assert rate(1, 8) == Decimal("0.1250")
    assert rate(0, 0) is None
