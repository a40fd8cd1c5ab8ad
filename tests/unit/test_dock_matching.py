"""Dock matching (reporting/dock_rules.py): a receipt line is stocked when the last of its
units leaves the dock, the oldest units leaving first (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from scanfloor.reporting.dock_rules import DockFlow, opening, stocked_at


def at(hour: int) -> datetime:
    return datetime(2026, 3, 10, hour, tzinfo=UTC)


def test_units_leave_the_dock_oldest_first_so_the_first_line_is_stocked_first():
    flows = [
        DockFlow(at(8), 1, 5, receipt_line=101),  # line 101: 5 units
        DockFlow(at(9), 2, 3, receipt_line=102),  # line 102: 3 units
        DockFlow(at(11), 3, -4),  # 4 of 101's leave
        DockFlow(at(12), 4, -2),  # 101's last and 1 of 102's
    ]
    assert stocked_at(0, flows) == {101: at(12), 102: None}


def test_units_already_on_the_dock_leave_before_any_line_read():
    # 2 older units wait ahead: the putaway of 3 at 10:00 takes them and 1 of line 7's 1.
    flows = [DockFlow(at(9), 1, 1, receipt_line=7), DockFlow(at(10), 2, -3)]
    assert stocked_at(2, flows) == {7: at(10)}
    # With nothing on the dock now, what was there before: 0 - 1 brought + 3 taken = 2.
    assert opening(0, flows) == 2


def test_flows_count_in_time_order_then_in_posting_order():
    flows = [DockFlow(at(10), 9, -2), DockFlow(at(10), 3, 2, receipt_line=1)]
    assert stocked_at(0, flows) == {1: at(10)}


def test_a_line_that_arrived_in_two_parts_is_stocked_when_both_have_left():
    flows = [
        DockFlow(at(8), 1, 2, receipt_line=5),
        DockFlow(at(8), 2, 2, receipt_line=5),
        DockFlow(at(9), 3, -2),
    ]
    assert stocked_at(0, flows) == {5: None}
    assert stocked_at(0, [*flows, DockFlow(at(13), 4, -2)]) == {5: at(13)}


def test_an_opening_below_zero_is_taken_as_nothing_waiting_ahead():
    assert opening(1, [DockFlow(at(8), 1, 5)]) == 0


@given(st.lists(st.integers(1, 9), min_size=1, max_size=6), st.integers(0, 60))
def test_a_line_is_stocked_exactly_when_every_unit_up_to_its_last_has_left(sizes, taken):
    arrivals = [DockFlow(at(1), n, q, receipt_line=n) for n, q in enumerate(sizes, start=1)]
    got = stocked_at(0, [*arrivals, DockFlow(at(2), 99, -taken)])
    for n in range(1, len(sizes) + 1):
        assert (got[n] is not None) == (sum(sizes[:n]) <= taken)
