"""Dock-to-stock time and backorder ageing (reporting/service_rules.py): nearest-rank hours
from receipt to putaway, lines still on the dock, and waiting lines in age buckets in units
and value (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.reporting.filter_rules import Filters
from scanfloor.reporting.service_rules import (
    DockRecord,
    WaitingRecord,
    age_bucket,
    backorder_ageing,
    dock_to_stock,
)
from scanfloor.reporting.stats_rules import ReportingRuleError


def at(month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def dock(supplier, received, stocked):
    return DockRecord("WH1", supplier, received, stocked)


DOCK = [
    dock("ACME", at(3, 2, 8), at(3, 2, 10, 30)),  # 2.5 hours
    dock("ACME", at(3, 2, 9), at(3, 3, 9)),  # 24 hours
    dock("BOLT", at(3, 3, 8), at(3, 3, 8, 45)),  # 0.75 hours
    dock("BOLT", at(3, 4, 8), None),  # still on the dock
    dock("BOLT", at(3, 4, 12), at(3, 4, 11)),  # put away "before" received: 0, clamped
]


def test_dock_to_stock_is_nearest_rank_hours_from_receipt_to_the_last_unit_put_away():
    _rows, total = dock_to_stock(DOCK)
    # hours 0, 0.75, 2.5, 24: p50 rank ceil(2.0) = 2 -> 0.75; p90 rank ceil(3.6) = 4 -> 24.
    d = total.durations
    assert (d.count, d.p50_hours, d.p90_hours, d.clamped, total.waiting) == (
        4,
        Decimal("0.75"),
        Decimal("24.00"),
        1,
        1,
    )


def test_dock_to_stock_by_supplier_shows_what_each_still_has_on_the_dock():
    rows, _total = dock_to_stock(DOCK, by="supplier")
    got = [(r.label, r.durations.p50_hours, r.durations.p90_hours, r.waiting) for r in rows]
    # ACME 2.5, 24: p50 rank 1, p90 rank 2. BOLT 0, 0.75 and one line waiting.
    assert got == [
        ("ACME", Decimal("2.50"), Decimal("24.00"), 0),
        ("BOLT", Decimal("0.00"), Decimal("0.75"), 1),
    ]


def test_dock_to_stock_counts_a_line_in_the_period_it_was_put_away():
    mar3 = Filters(date_from=date(2026, 3, 3), date_to=date(2026, 3, 3))
    _rows, total = dock_to_stock(DOCK, mar3)
    # Put away Mar 3: the 24-hour line and the 0.75-hour line; nothing received Mar 3 waits.
    assert (total.durations.count, total.durations.p50_hours, total.waiting) == (
        2,
        Decimal("0.75"),
        0,
    )
    _rows, empty = dock_to_stock(DOCK, Filters(date_from=date(2026, 4, 1)))
    assert (empty.durations.count, empty.durations.p50_hours, empty.waiting) == (0, None, 0)


AS_OF = date(2026, 3, 31)


def waiting(channel, ordered, units, price):
    return WaitingRecord(channel, "WH1", ordered, units, None if price is None else Decimal(price))


WAITING = [
    waiting("WEB", at(3, 31), 3, "10.00"),  # 0 days: 0-2, 30.00
    waiting("WEB", at(3, 29), 2, "4.50"),  # 2 days: 0-2, 9.00
    waiting("WEB", at(3, 28), 5, None),  # 3 days: 3-7, unpriced
    waiting("AMZ", at(3, 24), 1, "99.99"),  # 7 days: 3-7
    waiting("AMZ", at(3, 23), 4, "2.50"),  # 8 days: 8-14, 10.00
    waiting("WEB", at(3, 17), 1, "1.00"),  # 14 days: 8-14
    waiting("AMZ", at(3, 16), 2, "3.333"),  # 15 days: 15-30, 6.666
    waiting("WEB", at(3, 1), 1, "5.00"),  # 30 days: 15-30
    waiting("WEB", at(2, 28), 6, "1.25"),  # 31 days: >30, 7.50
    waiting("WEB", at(3, 10), 0, "1.00"),  # nothing waiting: not a backorder
    waiting("WEB", at(4, 1), 1, "2.00"),  # dated after the day: age 0
]


def test_backorder_ageing_buckets_waiting_units_and_their_value_by_days_since_capture():
    _rows, total = backorder_ageing(WAITING, AS_OF)
    got = [(b.label, b.lines, b.units, b.value, b.unpriced_units) for b in total.buckets]
    assert got == [
        ("0-2", 3, 6, Decimal("41.00"), 0),  # 30.00 + 9.00 + 2.00
        ("3-7", 2, 6, Decimal("99.99"), 5),  # the 5 unpriced units are not valued at 0
        ("8-14", 2, 5, Decimal("11.00"), 0),  # 10.00 + 1.00
        ("15-30", 2, 3, Decimal("11.67"), 0),  # 6.666 + 5.00 = 11.666
        (">30", 1, 6, Decimal("7.50"), 0),
    ]
    assert (total.units, total.value) == (26, Decimal("171.16"))


def test_backorder_ageing_per_channel_shows_every_bucket_even_empty_ones():
    rows, _total = backorder_ageing(WAITING, AS_OF)
    amz = rows[0]
    assert amz.label == "AMZ"
    assert [(b.label, b.units, b.value) for b in amz.buckets] == [
        ("0-2", 0, Decimal("0.00")),
        ("3-7", 1, Decimal("99.99")),
        ("8-14", 4, Decimal("10.00")),
        ("15-30", 2, Decimal("6.67")),
        (">30", 0, Decimal("0.00")),
    ]


def test_backorder_ageing_is_a_snapshot_and_refuses_a_date_range():
    with pytest.raises(ReportingRuleError) as err:
        backorder_ageing(WAITING, AS_OF, Filters(date_from=AS_OF))
    assert err.value.code == "unsupported_filter"
    _rows, none = backorder_ageing([], AS_OF)
    assert (none.units, none.value) == (0, Decimal(0))


def test_the_bucket_edges_are_2_7_14_and_30_days():
    assert [age_bucket(d) for d in (0, 2, 3, 7, 8, 14, 15, 30, 31, 400, -1)] == [
        "0-2", "0-2", "3-7", "3-7", "8-14", "8-14", "15-30", "15-30", ">30", ">30", "0-2",
    ]  # fmt: skip


@given(st.lists(st.tuples(st.integers(-3, 60), st.integers(0, 9)), max_size=30))
def test_every_waiting_unit_lands_in_exactly_one_bucket(lines):
    records = [waiting("WEB", at(3, 31) - timedelta(days=d), u, "1.00") for d, u in lines]
    _rows, total = backorder_ageing(records, AS_OF)
    assert total.units == sum(u for _d, u in lines)
    assert sum(b.lines for b in total.buckets) == sum(1 for _d, u in lines if u)
