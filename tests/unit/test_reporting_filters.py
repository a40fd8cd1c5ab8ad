"""Filters and breakdowns every KPI shares (reporting/filter_rules.py): a filter a figure
does not take is refused, the date range includes both days, a breakdown loses nothing
(no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.reporting.filter_rules import Filters, breakdown, check_filters, select
from scanfloor.reporting.stats_rules import ReportingRuleError

DAY = date(2026, 3, 2)


@st.composite
def _rows(draw):
    return draw(st.lists(st.sampled_from(["WEB", "AMZ", None]), max_size=20))


def test_a_filter_a_figure_does_not_take_is_refused_not_ignored():
    with pytest.raises(ReportingRuleError) as err:
        check_filters(Filters(zone="A"), ("date_range", "warehouse"))
    assert err.value.code == "unsupported_filter"
    assert err.value.details["filters"] == ["zone"]


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ReportingRuleError) as err:
        Filters(date_from=DAY, date_to=DAY - timedelta(days=1))
    assert err.value.code == "invalid_date_range"


def test_the_date_range_includes_both_days_and_a_record_without_the_date_is_outside_it():
    class R:
        def __init__(self, when, warehouse="WH1"):
            self.when, self.warehouse = when, warehouse

    day = DAY
    rows = [R(day), R(day + timedelta(days=1)), R(None), R(day, "WH2")]
    f = Filters(date_from=day, date_to=day + timedelta(days=1), warehouse="WH1")
    kept = select(rows, f, ("date_range", "warehouse"), lambda r: r.when)
    assert kept == rows[:2]
    # Without a range, the undated record is kept.
    assert len(select(rows, Filters(), ("date_range",), lambda r: r.when)) == 4


@given(_rows())
def test_a_breakdown_keeps_every_record_once_with_the_unlabelled_group_last(labels):
    class R:
        def __init__(self, channel):
            self.channel = channel

    groups = breakdown([R(x) for x in labels], "channel", ("channel",))
    assert sum(len(g) for g in groups.values()) == len(labels)
    keys = list(groups)
    if None in keys:
        assert keys[-1] is None
    assert [k for k in keys if k is not None] == sorted(k for k in keys if k is not None)


def test_a_breakdown_a_figure_does_not_offer_is_refused():
    with pytest.raises(ReportingRuleError) as err:
        breakdown([], "worker", ("channel",))
    assert err.value.code == "unsupported_breakdown"
