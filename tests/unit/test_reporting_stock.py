"""Adjustment and shrink trends per ISO week, stock-out days per item, and inventory turns
and days of supply per category (reporting/stock_rules.py), no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.reporting.filter_rules import Filters
from scanfloor.reporting.stats_rules import ReportingRuleError
from scanfloor.reporting.stock_rules import (
    ADJUSTMENT,
    COUNT,
    SCRAP,
    CategoryStock,
    SellableHistory,
    adjustment_trend,
    days_of_supply,
    inventory_turns,
    iso_week,
    stockout_days,
    weeks_between,
)
from tests.reporting_helpers import stock_change


def mar(day: int) -> date:
    return date(2026, 3, day)


def change(day, kind, location, worker, item, units, value):
    return stock_change(day, kind, units, location, worker, item, value)


# 2026-03-02 is a Monday: ISO week 10 is Mar 2-8, week 11 Mar 9-15, week 12 Mar 16-22.
CHANGES = [
    change(2, COUNT, "A-01", "ana", "SKU1", -3, "-15.00"),  # lost 3 by a count
    change(3, ADJUSTMENT, "A-01", "ben", "SKU1", 1, "5.00"),  # found 1 by hand
    change(4, SCRAP, "A-02", "ana", "SKU2", -2, "-8.00"),  # scrapped 2
    change(10, COUNT, "A-02", "ana", "SKU2", 4, "16.00"),  # found 4 by a count
    change(11, ADJUSTMENT, "A-01", "ben", "SKU3", -5, None),  # lost 5, never costed
]
THREE_WEEKS = Filters(date_from=mar(2), date_to=mar(22))


def figures(week):
    return (
        week.week,
        week.found_units,
        week.lost_units,
        week.scrapped_units,
        week.shrink_units,
        week.shrink_value,
        week.scrapped_value,
        week.uncosted_units,
    )


def test_shrink_per_iso_week_is_lost_minus_found_with_scrap_apart_and_empty_weeks_as_0():
    _rows, total = adjustment_trend(CHANGES, THREE_WEEKS)
    assert [figures(w) for w in total.weeks] == [
        # W10: lost 3 (15.00) - found 1 (5.00) = shrink 2 units, 10.00; scrapped 2 (8.00).
        ("2026-W10", 1, 3, 2, 2, Decimal("10.00"), Decimal("8.00"), 0),
        # W11: lost 5 (value unknown) - found 4 (16.00) = 1 unit; known value 0 - 16.00.
        ("2026-W11", 4, 5, 0, 1, Decimal("-16.00"), Decimal("0.00"), 5),
        ("2026-W12", 0, 0, 0, 0, Decimal("0.00"), Decimal("0.00"), 0),
    ]


def test_the_trend_per_location_worker_or_item_shows_every_week_of_the_period():
    rows, _total = adjustment_trend(CHANGES, THREE_WEEKS, by="location")
    got = {r.label: [(w.week, w.shrink_units, w.scrapped_units) for w in r.weeks] for r in rows}
    assert got == {
        "A-01": [("2026-W10", 2, 0), ("2026-W11", 5, 0), ("2026-W12", 0, 0)],
        "A-02": [("2026-W10", 0, 2), ("2026-W11", -4, 0), ("2026-W12", 0, 0)],
    }
    by_worker, _ = adjustment_trend(CHANGES, THREE_WEEKS, by="worker")
    assert [r.label for r in by_worker] == ["ana", "ben"]


def test_an_empty_period_has_every_week_at_0_and_no_period_no_weeks():
    quiet = Filters(date_from=mar(23), date_to=mar(29))
    rows, total = adjustment_trend(CHANGES, quiet, by="item")
    assert rows == []
    assert [figures(w) for w in total.weeks] == [
        ("2026-W13", 0, 0, 0, 0, Decimal("0.00"), Decimal("0.00"), 0)
    ]
    assert adjustment_trend([])[1].weeks == ()


def test_iso_weeks_cross_the_new_year_as_iso_8601_says():
    # 2026 starts on a Thursday, so it has 53 weeks; Friday 1 January 2027 is in 2026-W53.
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    assert iso_week(date(2026, 1, 1)) == "2026-W01"
    assert weeks_between(date(2026, 12, 28), date(2027, 1, 4)) == ["2026-W53", "2027-W01"]


def test_a_scrap_that_adds_stock_or_a_change_of_0_is_refused():
    for kind, units in ((SCRAP, 1), (COUNT, 0), ("theft", -1)):
        with pytest.raises(ReportingRuleError) as err:
            change(2, kind, "A-01", "ana", "SKU1", units, None)
        assert err.value.code == "invalid_stock_change"


_changes = st.lists(
    st.builds(
        change,
        st.integers(1, 31),
        st.sampled_from([COUNT, ADJUSTMENT]),
        st.sampled_from(["A-01", "A-02"]),
        st.just("ana"),
        st.just("SKU1"),
        st.integers(-9, 9).filter(bool),
        st.sampled_from([None, "1.00", "-1.00"]),
    ),
    max_size=25,
)


@given(_changes)
def test_the_weeks_shrink_adds_up_to_the_units_lost_minus_found_over_the_period(changes):
    _rows, total = adjustment_trend(changes, Filters(date_from=mar(1), date_to=mar(31)))
    assert sum(w.shrink_units for w in total.weeks) == -sum(c.units for c in changes)


TEN_DAYS = Filters(date_from=mar(1), date_to=mar(10))


def test_a_stock_out_day_starts_with_no_sellable_stock_and_only_carried_days_count():
    histories = [
        # Start of day: Mar 1 2; sold out on Mar 1 -> Mar 2-4 at 0; +5 on Mar 4 -> Mar 5-8 at
        # 5; -5 on Mar 8 -> Mar 9-10 at 0. Out: Mar 2, 3, 4, 9, 10 = 5 of 10 days. The +10 on
        # Mar 12 is after the period.
        SellableHistory(
            "SKU1", "Tools", "WH1", 2, ((mar(1), -2), (mar(4), 5), (mar(8), -5), (mar(12), 10)),
            date(2026, 2, 1),
        ),
        # First stocked Mar 6: carried from Mar 7, 4 days, never out.
        SellableHistory("SKU2", "Tools", "WH1", 0, ((mar(6), 3),), mar(6)),
        # Never stocked: not carried, no rate.
        SellableHistory("SKU3", "Toys", "WH1", 0, (), None),
        # Carried since January, empty all period: 10 of 10.
        SellableHistory("SKU4", "Toys", "WH1", 0, (), date(2026, 1, 1)),
    ]  # fmt: skip
    rows, total = stockout_days(histories, TEN_DAYS)
    assert [(r.label, r.days, r.stockout_days, r.rate) for r in rows] == [
        ("SKU4", 10, 10, Decimal("1.0000")),
        ("SKU1", 10, 5, Decimal("0.5000")),
        ("SKU2", 4, 0, Decimal("0.0000")),
        ("SKU3", 0, 0, None),
    ]
    # 15 stock-out days of 10 + 10 + 4 + 0 = 24 carried days = 0.625.
    assert (total.days, total.stockout_days, total.rate) == (24, 15, Decimal("0.6250"))


def test_changes_before_the_period_lead_up_to_its_first_day():
    history = SellableHistory(
        "SKU1", "Tools", "WH1", 2, ((mar(1), -2), (mar(4), 5), (mar(8), -5)), date(2026, 2, 1)
    )
    # Start of Mar 5: 2 - 2 + 5 = 5. Out on Mar 9 and 10: 2 of the 6 days Mar 5-10.
    rows, _total = stockout_days([history], Filters(date_from=mar(5), date_to=mar(10)))
    assert (rows[0].days, rows[0].stockout_days) == (6, 2)


def test_stock_out_days_need_a_period():
    with pytest.raises(ReportingRuleError) as err:
        stockout_days([], Filters(date_from=mar(1)))
    assert err.value.code == "date_range_required"


CAPITAL = [
    # Day-end values Mar 1-10: 1000, 1000, 800, 800, 800, 1200 x 5 = 10,400 -> average
    # 1,040.00. COGS 100 + 200 = 300 (the 999 on Mar 12 is after the period). Closing 1,200.
    CategoryStock(
        "Tools",
        "WH1",
        Decimal("1000.00"),
        ((mar(3), Decimal("800.00")), (mar(6), Decimal("1200.00"))),
        ((mar(2), Decimal(100)), (mar(3), Decimal(200)), (mar(12), Decimal(999))),
    ),
    # Another warehouse's Tools: 500 all period, nothing sold.
    CategoryStock("Tools", "WH2", Decimal("500.00"), (), ()),
    # Toys: nothing held, nothing sold.
    CategoryStock("Toys", "WH1", Decimal(0), (), ()),
]


def test_turns_are_cogs_over_the_average_of_day_end_values():
    rows, _total = inventory_turns(
        CAPITAL, Filters(date_from=mar(1), date_to=mar(10), warehouse="WH1")
    )
    tools = rows[0]
    # turns 300 / 1040 = 0.288 -> 0.29; annualised 300 x 365 / (1040 x 10) = 10.528 -> 10.53.
    assert (tools.label, tools.average_value, tools.cogs, tools.turns, tools.annualised_turns) == (
        "Tools",
        Decimal("1040.00"),
        Decimal("300.00"),
        Decimal("0.29"),
        Decimal("10.53"),
    )
    toys = rows[1]
    assert (toys.label, toys.turns, toys.days_of_supply) == ("Toys", None, None)


def test_days_of_supply_is_closing_value_over_the_average_daily_cogs():
    rows, total = days_of_supply(CAPITAL, TEN_DAYS)
    tools = rows[0]
    # Both warehouses: closing 1200 + 500 = 1700; COGS 300 / 10 days = 30 a day;
    # 1700 / 30 = 56.67. Average 1040 + 500 = 1540: turns 300 / 1540 = 0.19.
    assert (tools.closing_value, tools.days_of_supply, tools.turns) == (
        Decimal("1700.00"),
        Decimal("56.67"),
        Decimal("0.19"),
    )
    assert (total.closing_value, total.days_of_supply) == (Decimal("1700.00"), Decimal("56.67"))


def test_a_period_with_no_sales_has_no_days_of_supply_and_no_stock_has_no_turns():
    quiet = Filters(date_from=mar(20), date_to=mar(21))
    _rows, total = days_of_supply(CAPITAL, quiet)
    # No COGS Mar 20-21; the stock is still worth 1200 + 500 + 0.
    assert (total.cogs, total.closing_value, total.days_of_supply, total.turns) == (
        Decimal("0.00"),
        Decimal("1700.00"),
        None,
        Decimal("0.00"),
    )
    assert inventory_turns([], quiet)[1].turns is None


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(-5, 5)), max_size=20))
def test_stock_out_days_never_exceed_the_days_carried(changes):
    history = SellableHistory(
        "SKU1", None, "WH1", 1, tuple((mar(1) + timedelta(days=d), c) for d, c in changes), mar(1)
    )
    rows, _total = stockout_days([history], TEN_DAYS)
    assert 0 <= rows[0].stockout_days <= rows[0].days == 9
