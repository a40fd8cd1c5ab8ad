"""Anomaly flags (reporting/anomaly_rules.py): unusual adjustments, scraps and count losses
per location, worker and item by modified z-score, and repeated small losses at one location;
every flag carries its numbers (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.reporting.anomaly_rules import (
    ADJUSTMENTS,
    COUNT_LOSSES,
    SCRAPS,
    repeated_small_losses,
    unusual_losses,
)
from scanfloor.reporting.filter_rules import Filters
from scanfloor.reporting.stats_rules import ReportingRuleError
from scanfloor.reporting.stock_rules import ADJUSTMENT, COUNT, SCRAP
from tests.reporting_helpers import stock_change

ch = stock_change


COUNT_LOSS_CHANGES = [
    ch(2, COUNT, -2, "L1"),
    ch(3, COUNT, 5, "L1"),  # a gain: not a count loss
    ch(2, COUNT, -3, "L2"),
    ch(2, ADJUSTMENT, -40, "L2"),  # an adjustment: another family
    ch(4, COUNT, -3, "L3"),
    ch(4, COUNT, -4, "L4"),
    ch(5, COUNT, -2, "L5"),
    ch(6, COUNT, -10, "L6"),
    ch(9, COUNT, -6, "L6"),
    ch(12, COUNT, -4, "L6"),
]


def test_a_location_whose_count_losses_stand_out_is_flagged_with_the_numbers_behind_it():
    flags = unusual_losses(COUNT_LOSS_CHANGES, "location", COUNT_LOSSES)
    # Totals L1..L6: 2, 3, 3, 4, 2, 20. Sorted 2, 2, 3, 3, 4, 20: median (3 + 3) / 2 = 3.
    # Distances 1, 0, 0, 1, 1, 17 -> sorted 0, 0, 1, 1, 1, 17: MAD (1 + 1) / 2 = 1.
    # L6: 0.6745 x (20 - 3) / 1 = 11.4665 > 3.5. L4: 0.6745 x 1 / 1 = 0.67: not flagged.
    assert len(flags) == 1
    f = flags[0]
    assert (f.dimension, f.member, f.family, f.units, f.events, f.population) == (
        "location",
        "L6",
        COUNT_LOSSES,
        20,
        3,
        6,
    )
    assert (f.median, f.mad, f.method, f.score, f.threshold) == (
        Decimal(3),
        Decimal(1),
        "mad",
        Decimal("11.47"),
        Decimal("3.5"),
    )


def test_when_most_workers_scrap_the_same_the_score_uses_the_mean_absolute_deviation():
    changes = [ch(2, SCRAP, -1, worker=w) for w in ("w1", "w2", "w3", "w4", "w5")]
    changes.append(ch(3, SCRAP, -5, worker="w6"))
    flags = unusual_losses(changes, "worker", SCRAPS)
    # Totals 1, 1, 1, 1, 1, 5: median 1, MAD 0; mean absolute deviation 4 / 6 = 0.6667.
    # w6: (5 - 1) / (1.253314 x 0.6667) = 4 / 0.8355 = 4.79 > 3.5.
    assert [(f.member, f.method, f.mad, f.mean_ad, f.score) for f in flags] == [
        ("w6", "mean_ad", Decimal(0), Decimal("0.67"), Decimal("4.79"))
    ]


def test_peers_without_a_change_count_as_0_and_fewer_than_5_members_are_not_judged():
    changes = [
        ch(2, ADJUSTMENT, -1, item="I1"),
        ch(2, ADJUSTMENT, 1, item="I2"),  # adjustments count by size, either way
        ch(2, ADJUSTMENT, -1, item="I3"),
        ch(2, ADJUSTMENT, 20, item="I4"),
        ch(3, ADJUSTMENT, -10, item="I4"),  # I4: 20 + 10 = 30
    ]
    # Four items is too few to judge.
    assert unusual_losses(changes, "item", ADJUSTMENTS) == []
    # With I5 (no adjustment: 0): totals 0, 1, 1, 1, 30; median 1; distances 1, 0, 0, 0, 29:
    # MAD 0, mean absolute deviation 30 / 5 = 6; I4: 29 / (1.253314 x 6) = 3.856 > 3.5.
    flags = unusual_losses(changes, "item", ADJUSTMENTS, peers=["I5"])
    assert [(f.member, f.units, f.population, f.score) for f in flags] == [
        ("I4", 30, 5, Decimal("3.86"))
    ]


def test_when_every_member_lost_the_same_nothing_is_flagged():
    same = [ch(2, COUNT, -2, location=f"L{n}") for n in range(6)]
    assert unusual_losses(same, "location", COUNT_LOSSES) == []
    assert unusual_losses([], "location", COUNT_LOSSES) == []


def test_anomalies_are_looked_for_only_per_location_worker_or_item_in_the_three_families():
    for dimension, family in (("zone", SCRAPS), ("item", "gains")):
        with pytest.raises(ReportingRuleError) as err:
            unusual_losses(COUNT_LOSS_CHANGES, dimension, family)
        assert err.value.code == "unsupported_anomaly"


def test_the_date_range_selects_the_changes_an_anomaly_is_judged_on():
    # Mar 2-5 only: L1..L5 totals 2, 3, 3, 4, 2 and L6 not yet seen: nothing stands out.
    early = Filters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 5))
    assert unusual_losses(COUNT_LOSS_CHANGES, "location", COUNT_LOSSES, early) == []


PATTERN_CHANGES = [
    # P1: one unit on Mar 2, 4 and 7: three days within Mar 2-8 (7 days): a pattern.
    ch(2, COUNT, -1, "P1"),
    ch(4, ADJUSTMENT, -1, "P1"),
    ch(7, COUNT, -1, "P1"),
    ch(20, COUNT, -1, "P1"),  # outside the window that raised the flag
    # P2: three small losses but on two days (one count found two items short on Mar 2).
    ch(2, COUNT, -1, "P2", item="SKU1"),
    ch(2, COUNT, -1, "P2", item="SKU2"),
    ch(5, COUNT, -1, "P2"),
    # P3: Mar 1, 5 and 8 span 8 days, one more than the window.
    ch(1, COUNT, -1, "P3"),
    ch(5, COUNT, -1, "P3"),
    ch(8, COUNT, -1, "P3"),
    # P4: three days in a row, but large losses.
    ch(2, COUNT, -10, "P4"),
    ch(3, COUNT, -12, "P4"),
    ch(4, COUNT, -9, "P4"),
    # P5: scraps are known losses, not shrink.
    ch(2, SCRAP, -1, "P5"),
    ch(3, SCRAP, -1, "P5"),
    ch(4, SCRAP, -1, "P5"),
]


def test_a_location_losing_a_little_on_three_days_within_a_week_is_a_shrink_pattern():
    flags = repeated_small_losses(PATTERN_CHANGES)
    # Losses by counts and adjustments: ten of 1 unit, then 9, 10, 12: median of the 13
    # sizes is the 7th = 1, so a small loss is 1 unit or less.
    assert [(f.location, f.first_day, f.last_day, f.small_at_most) for f in flags] == [
        ("P1", date(2026, 3, 2), date(2026, 3, 7), Decimal(1))
    ]
    f = flags[0]
    assert [c.on.day for c in f.losses] == [2, 4, 7]
    assert (f.min_losses, f.window_days) == (3, 7)


def test_no_losses_no_pattern():
    assert repeated_small_losses([]) == []
    assert repeated_small_losses([ch(2, SCRAP, -1), ch(3, COUNT, 4)]) == []


_changes = st.lists(
    st.builds(
        ch,
        st.integers(1, 28),
        st.sampled_from([COUNT, ADJUSTMENT, SCRAP]),
        st.integers(-20, -1),
        st.sampled_from(["L1", "L2", "L3", "L4", "L5", "L6", "L7"]),
    ),
    max_size=40,
)


@given(_changes)
def test_every_flag_is_above_the_threshold_and_only_on_the_high_side(changes):
    for family in (ADJUSTMENTS, SCRAPS, COUNT_LOSSES):
        for f in unusual_losses(changes, "location", family):
            assert f.score > f.threshold
            assert f.units > f.median
