"""Inventory record accuracy (reporting/accuracy_rules.py): the share of counted location x
item records within the item's tolerance, by zone and ABC class, and value-weighted
(no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.reporting.accuracy_rules import CountRecord, inventory_record_accuracy
from scanfloor.reporting.filter_rules import Filters
from scanfloor.reporting.stats_rules import ReportingRuleError

DAY = date(2026, 3, 2)
# Class A: 1 unit and 10.00 either way; class B: nothing; class C: 5 units and 1.00.
TOLERANCE = {"A": (1, Decimal(10)), "B": (0, Decimal(0)), "C": (5, Decimal(1))}


def count(location, zone, abc, system, counted, unit_value, on=DAY, item="SKU"):
    units, value = TOLERANCE[abc]
    return CountRecord(
        counted_on=on,
        warehouse="WH1",
        location=location,
        zone=zone,
        abc_class=abc,
        item=item,
        worker="ana",
        system_qty=system,
        counted_qty=counted,
        tolerance_units=units,
        tolerance_value=value,
        unit_value=None if unit_value is None else Decimal(unit_value),
    )


COUNTS = [
    count("A-01", "A", "A", 10, 10, "5.00"),  # exact: matched; weighs 10 x 5 = 50
    count("A-02", "A", "A", 10, 9, "5.00"),  # -1 unit, -5.00: within A; weighs 10 x 5 = 50
    count("A-03", "A", "B", 4, 5, "2.00"),  # +1 unit, class B allows 0: missed; 5 x 2 = 10
    count("B-01", "B", "A", 0, 3, "20.00"),  # found 3 in an empty bin: missed; 3 x 20 = 60
    count("B-02", "B", "C", 8, 6, None),  # never costed: judged by units (2 <= 5); weighs 0
    count("B-03", None, "A", 10, 11, "20.00"),  # 1 unit but 20.00 > 10.00: missed; 11 x 20
]


def test_accuracy_is_matched_records_over_records_counted_and_value_weighted_by_cost():
    _rows, total = inventory_record_accuracy(COUNTS)
    # matched, B-02 = 3 of 6 = 0.5.
    assert (total.records, total.matched, total.rate) == (6, 3, Decimal("0.5000"))
    # value counted 50 + 50 + 10 + 60 + 0 + 220 = 390; matched 50 + 50 + 0 = 100;
    # 100 / 390 = 0.25641 -> 0.2564.
    assert (total.value_counted, total.value_matched, total.value_rate) == (
        Decimal("390.00"),
        Decimal("100.00"),
        Decimal("0.2564"),
    )


def test_accuracy_by_zone_puts_bins_without_a_zone_last():
    rows, _total = inventory_record_accuracy(COUNTS, by="zone")
    got = [(r.label, r.records, r.matched, r.rate, r.value_rate) for r in rows]
    assert got == [
        # A: 2 of 3 = 0.6667; value 100 of 110 = 0.9091.
        ("A", 3, 2, Decimal("0.6667"), Decimal("0.9091")),
        # B: 1 of 2; the matched one is uncosted, so value 0 of 60.
        ("B", 2, 1, Decimal("0.5000"), Decimal("0.0000")),
        (None, 1, 0, Decimal("0.0000"), Decimal("0.0000")),
    ]


def test_accuracy_by_abc_class_and_a_class_worth_nothing_has_no_value_rate():
    rows, _total = inventory_record_accuracy(COUNTS, by="abc_class")
    got = {r.label: (r.records, r.matched, r.rate, r.value_rate) for r in rows}
    assert got == {
        # B-01, B-03: 2 of 4; value 100 of 50 + 50 + 60 + 220 = 380 = 0.26316.
        "A": (4, 2, Decimal("0.5000"), Decimal("0.2632")),
        "B": (1, 0, Decimal("0.0000"), Decimal("0.0000")),
        "C": (1, 1, Decimal("1.0000"), None),
    }


def test_the_value_tolerance_misses_a_one_unit_difference_on_an_expensive_item():
    _rows, total = inventory_record_accuracy([COUNTS[-1]])
    assert total.matched == 0


def test_an_empty_period_has_no_accuracy_rather_than_0_or_100_percent():
    later = Filters(date_from=DAY + timedelta(days=1), date_to=DAY + timedelta(days=7))
    rows, total = inventory_record_accuracy(COUNTS, later, by="zone")
    assert rows == []
    assert (total.records, total.rate, total.value_rate) == (0, None, None)


def test_the_date_range_selects_records_counted_in_it():
    counts = [*COUNTS, count("C-01", "C", "A", 5, 0, "1.00", on=DAY + timedelta(days=3))]
    week = Filters(date_from=DAY, date_to=DAY + timedelta(days=2))
    assert inventory_record_accuracy(counts, week)[1].records == 6
    assert inventory_record_accuracy(counts)[1].records == 7


def test_accuracy_filters_by_zone_but_not_by_channel():
    _rows, zone_a = inventory_record_accuracy(COUNTS, Filters(zone="A"))
    assert zone_a.records == 3
    with pytest.raises(ReportingRuleError):
        inventory_record_accuracy(COUNTS, Filters(channel="WEB"))


_record = st.builds(
    count,
    st.sampled_from(["A-01", "A-02"]),
    st.sampled_from(["A", None]),
    st.sampled_from(["A", "B", "C"]),
    st.integers(0, 50),
    st.integers(0, 50),
    st.sampled_from([None, "0.50", "3.00", "120.00"]),
)


@given(st.lists(_record, max_size=30))
def test_accuracy_and_value_accuracy_stay_between_0_and_1(counts):
    _rows, total = inventory_record_accuracy(counts)
    assert total.matched <= total.records
    assert total.value_matched <= total.value_counted
    for r in (total.rate, total.value_rate):
        assert r is None or Decimal(0) <= r <= Decimal(1)
