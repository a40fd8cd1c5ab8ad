"""Picks, lines and units per labour hour (reporting/labour_rules.py): a labour hour is four
active quarter-hours (with a pick), a quarter-hour picked in two zones counts half to each
(no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.reporting.filter_rules import Filters
from scanfloor.reporting.labour_rules import QuarterWork, pick_productivity
from scanfloor.reporting.stats_rules import ReportingRuleError


def quarter(worker, hour, minute, zone, picks, lines, units):
    return QuarterWork(
        start=datetime(2026, 3, 2, hour, minute, tzinfo=UTC),
        warehouse="WH1",
        zone=zone,
        worker=worker,
        picks=picks,
        lines=lines,
        units=units,
    )


WORK = [
    quarter("ana", 8, 0, "A", 2, 2, 3),  # 08:00 in zones A and B: the quarter splits A/B
    quarter("ana", 8, 0, "B", 1, 1, 4),
    quarter("ana", 8, 15, "A", 1, 1, 1),
    quarter("ana", 9, 30, "B", 1, 1, 0),  # a short pick that found nothing
    quarter("ana", 10, 0, "A", 0, 0, 0),  # no pick: not an active quarter-hour
    quarter("ben", 8, 0, "A", 1, 1, 6),
    quarter("ben", 8, 45, "A", 2, 2, 4),
]


def row(p):
    return (
        p.label,
        p.picks,
        p.lines,
        p.units,
        p.labour_hours,
        p.picks_per_hour,
        p.lines_per_hour,
        p.units_per_hour,
    )


def test_labour_hours_are_active_quarter_hours_and_rates_are_per_labour_hour():
    rows, total = pick_productivity(WORK)
    assert [row(r) for r in rows] == [
        # ana: quarters 08:00, 08:15, 09:30 = 0.75 h (08:30-09:30 idle and 10:00 without a
        # pick are not labour); 5 picks / 0.75 = 6.67; 5 lines / 0.75 = 6.67; 8 / 0.75 = 10.67.
        ("ana", 5, 5, 8, Decimal("0.75"), Decimal("6.67"), Decimal("6.67"), Decimal("10.67")),
        # ben: quarters 08:00, 08:45 = 0.5 h; 3 picks, 3 lines, 10 units.
        ("ben", 3, 3, 10, Decimal("0.50"), Decimal("6.00"), Decimal("6.00"), Decimal("20.00")),
    ]
    # 5 quarters = 1.25 h: 8 / 1.25 = 6.40; 8 lines / 1.25 = 6.40; 18 units / 1.25 = 14.40.
    assert row(total) == (
        None, 8, 8, 18, Decimal("1.25"), Decimal("6.40"), Decimal("6.40"), Decimal("14.40"),
    )  # fmt: skip


def test_a_quarter_hour_picked_in_two_zones_counts_half_to_each():
    rows, _total = pick_productivity(WORK, by="zone")
    assert [row(r) for r in rows] == [
        # A: ana 08:00 (half) + 08:15 + ben 08:00 + 08:45 = 3.5 quarters = 0.875 h (0.88);
        # 6 picks / 0.875 = 6.857; 6 lines the same; 14 units / 0.875 = 16.
        ("A", 6, 6, 14, Decimal("0.88"), Decimal("6.86"), Decimal("6.86"), Decimal("16.00")),
        # B: ana 08:00 (half) + 09:30 = 1.5 quarters = 0.375 h (0.38); 2, 2 and 4 of it.
        ("B", 2, 2, 4, Decimal("0.38"), Decimal("5.33"), Decimal("5.33"), Decimal("10.67")),
    ]


def test_filtering_one_zone_keeps_its_share_of_a_split_quarter_hour():
    _rows, zone_a = pick_productivity(WORK, Filters(zone="A"), by=None)
    assert (zone_a.picks, zone_a.labour_hours, zone_a.picks_per_hour) == (
        6,
        Decimal("0.88"),
        Decimal("6.86"),
    )


def test_an_empty_period_has_no_labour_and_no_rates():
    later = Filters(date_from=date(2026, 3, 3), date_to=date(2026, 3, 3))
    rows, total = pick_productivity(WORK, later)
    assert rows == []
    assert row(total) == (None, 0, 0, 0, Decimal("0.00"), None, None, None)


def test_a_quarter_hour_starts_on_the_quarter():
    with pytest.raises(ReportingRuleError) as err:
        quarter("ana", 8, 7, "A", 1, 1, 1)
    assert err.value.code == "invalid_quarter_hour"


_work = st.lists(
    st.builds(
        lambda worker, quarters, zone, picks, units: QuarterWork(
            datetime(2026, 3, 2, tzinfo=UTC) + timedelta(minutes=15 * quarters),
            "WH1",
            zone,
            worker,
            picks,
            picks,
            units,
        ),
        st.sampled_from(["ana", "ben", "cy"]),
        st.integers(0, 40),
        st.sampled_from(["A", "B", None]),
        st.integers(0, 5),
        st.integers(0, 9),
    ),
    max_size=40,
)


@given(_work)
def test_workers_hours_add_up_to_the_total_and_only_quarters_with_picks_count(work):
    rows, total = pick_productivity(work)
    assert sum(r.labour_hours for r in rows) == total.labour_hours
    active = {(w.worker, w.start) for w in work if w.picks}
    assert total.labour_hours == Decimal(len(active)) / 4
