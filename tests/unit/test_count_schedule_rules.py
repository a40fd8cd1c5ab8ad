"""The count schedule: due when never counted or last + interval <= today; spread over the
interval by a daily quota per class (ceil(n / interval)); most overdue first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.counting.schedule_rules import daily_quota, due_counts, is_due, next_due

TODAY = date(2024, 6, 1)


@dataclass(frozen=True)
class Interval:
    interval_days: int


POLICIES = {"A": Interval(30), "B": Interval(91), "C": Interval(182)}


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_an_item_never_counted_is_due() -> None:
    assert due_counts([(1, "A", None)], POLICIES, TODAY) == [1]


def test_an_item_is_due_on_the_day_its_interval_ends_and_not_before() -> None:
    assert due_counts([(1, "A", days_ago(30))], POLICIES, TODAY) == [1]
    assert due_counts([(1, "A", days_ago(29))], POLICIES, TODAY) == []
    assert is_due(days_ago(91), 91, TODAY) and not is_due(days_ago(90), 91, TODAY)
    assert next_due(None, 30) is None
    assert next_due(days_ago(10), 30) == TODAY + timedelta(days=20)


def test_each_class_is_spread_over_its_interval_by_a_daily_quota() -> None:
    # 61 A items never counted, interval 30: ceil(61/30) = 3 a day, not 61 on day one.
    items = [(i, "A", None) for i in range(1, 62)]
    assert due_counts(items, POLICIES, TODAY) == [1, 2, 3]


def test_the_quota_counts_every_item_of_the_class_not_only_the_due_ones() -> None:
    # 30 A items, one of them due: quota 1, so that one is counted.
    items = [(1, "A", days_ago(40))] + [(i, "A", days_ago(1)) for i in range(2, 31)]
    assert due_counts(items, POLICIES, TODAY) == [1]


def test_the_most_overdue_go_first_never_counted_before_all() -> None:
    items = [
        (1, "A", days_ago(31)),
        (2, "A", days_ago(45)),
        (3, "A", None),
    ] + [(i, "A", days_ago(0)) for i in range(10, 70)]  # 63 items: quota 3
    assert due_counts(items, POLICIES, TODAY) == [3, 2, 1]
    items_quota_2 = items[:-3]  # 60 items: quota 2
    assert due_counts(items_quota_2, POLICIES, TODAY) == [3, 2]


def test_classes_are_listed_a_then_b_then_c_each_with_its_own_interval() -> None:
    items = [(1, "C", days_ago(182)), (2, "B", days_ago(91)), (3, "A", days_ago(30))]
    assert due_counts(items, POLICIES, TODAY) == [3, 2, 1]
    items = [(1, "C", days_ago(100)), (2, "B", days_ago(100)), (3, "A", days_ago(100))]
    assert due_counts(items, POLICIES, TODAY) == [3, 2]


def test_an_unknown_class_is_refused() -> None:
    with pytest.raises(ValueError):
        due_counts([(1, "D", None)], POLICIES, TODAY)


def test_a_quota_needs_a_positive_interval() -> None:
    assert daily_quota(0, 30) == 0
    assert daily_quota(30, 30) == 1 and daily_quota(31, 30) == 2
    with pytest.raises(ValueError):
        daily_quota(3, 0)


_items = st.lists(
    st.tuples(st.sampled_from("ABC"), st.one_of(st.none(), st.integers(0, 400))),
    max_size=80,
).map(lambda xs: [(i + 1, c, None if d is None else days_ago(d)) for i, (c, d) in enumerate(xs)])
_intervals = st.fixed_dictionaries({c: st.integers(1, 40).map(Interval) for c in "ABC"})


@given(_items, _intervals)
def test_only_due_items_and_never_more_than_a_quota_a_day(items: list, policies: dict) -> None:
    plan = due_counts(items, policies, TODAY)
    assert len(plan) == len(set(plan))
    by_id = {i: (c, last) for i, c, last in items}
    for cls in "ABC":
        members = [i for i, c, _ in items if c == cls]
        chosen = [i for i in plan if by_id[i][0] == cls]
        assert len(chosen) <= daily_quota(len(members), policies[cls].interval_days)
    for i in plan:
        cls, last = by_id[i]
        assert is_due(last, policies[cls].interval_days, TODAY)


@settings(max_examples=40)
@given(_items, _intervals)
def test_following_the_plan_counts_every_item_within_its_interval_and_not_sooner_again(
    items: list, policies: dict
) -> None:
    """Start with nothing counted: following the plan day by day, each item is first counted
    within its class's interval, and counted again only once that interval has passed."""
    cls_of = {i: c for i, c, _ in items}
    days: dict[int, list[int]] = {i: [] for i in cls_of}
    longest = max(p.interval_days for p in policies.values())
    for day in range(2 * longest):
        today = TODAY + timedelta(days=day)
        plan = [
            (i, cls_of[i], None if not d else TODAY + timedelta(days=d[-1]))
            for i, d in days.items()
        ]
        for i in due_counts(plan, policies, today):
            days[i].append(day)
    for i, counted_on in days.items():
        interval = policies[cls_of[i]].interval_days
        assert counted_on and counted_on[0] < interval
        assert all(b - a >= interval for a, b in pairwise(counted_on))
