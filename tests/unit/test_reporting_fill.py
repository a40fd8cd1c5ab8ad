"""Fill rates and order cycle time (reporting/fill_rules.py, service_rules.order_cycle_time):
line, unit and order fill by channel with partial shipments, cancellations before and after
the promise and pending lines; cycle time from capture to the completing shipment
(no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scanfloor.reporting.fill_rules import (
    LineRecord,
    OrderRecord,
    Shipped,
    line_fill,
    order_fill,
    unit_fill,
)
from scanfloor.reporting.filter_rules import Filters
from scanfloor.reporting.service_rules import order_cycle_time

AS_OF = date(2026, 3, 20)


def at(day: int, hour: int = 8) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def on(day: int) -> date:
    return date(2026, 3, day)


def line(ordered, promised=None, shipped=(), cancelled=None, no=1):
    return LineRecord(
        line_no=no,
        ordered=ordered,
        promised_on=None if promised is None else on(promised),
        shipped=tuple(Shipped(sid, at(day, hour), units) for sid, day, hour, units in shipped),
        cancelled_on=None if cancelled is None else on(cancelled),
    )


def order(oid, channel, *lines, day=2):
    numbered = tuple(
        LineRecord(n, ln.ordered, ln.promised_on, ln.shipped, ln.cancelled_on)
        for n, ln in enumerate(lines, start=1)
    )
    return OrderRecord(oid, channel, "WH1", at(day), numbered)


ORDERS = [
    # O1: both lines in one shipment before the promise.
    order(1, "WEB", line(10, 5, [(1, 4, 8, 10)]), line(5, 5, [(1, 4, 8, 5)])),
    # O2: line 1 split 6 (Mar 4) + 4 (Mar 7, after the Mar 5 promise); line 2 whole Mar 4.
    order(2, "WEB", line(10, 5, [(2, 4, 8, 6), (3, 7, 10, 4)]), line(4, 5, [(2, 4, 8, 4)])),
    # O3: cancelled whole on Mar 3, before the Mar 10 promise: withdrawn, never counted.
    order(3, "AMZ", line(3, 10, cancelled=3)),
    # O4: cancelled Mar 8, after the Mar 5 promise, nothing shipped: counted, not filled.
    order(4, "AMZ", line(2, 5, cancelled=8)),
    # O5: 5 of 8 shipped Mar 4, the other 3 cancelled Mar 6 (promise Mar 10): wanted 5.
    order(5, "AMZ", line(8, 10, [(4, 4, 14, 5)], cancelled=6)),
    # O6: captured Mar 18, promised Mar 25, nothing shipped yet: pending.
    order(6, "WEB", line(3, 25), day=18),
    # O7: promised Mar 12, nothing shipped, not cancelled: judged, not filled.
    order(7, "WEB", line(6, 12)),
    # O8: complete in one shipment, but on Mar 9 after the Mar 5 promise.
    order(8, "AMZ", line(4, 5, [(5, 9, 8, 4)])),
    # O9: each line complete, but in two shipments.
    order(9, "WEB", line(4, 5, [(6, 4, 8, 4)]), line(2, 5, [(7, 4, 9, 2)])),
    # O10: no promise, shipped whole Mar 15.
    order(10, "WEB", line(3, None, [(8, 15, 8, 3)])),
    # O11: no promise, nothing shipped: pending until it ships or is cancelled.
    order(11, "AMZ", line(2)),
]


def table(result):
    rows, total = result
    return [(r.label, r.judged, r.filled, r.pending, r.rate) for r in [*rows, total]]


def test_line_fill_is_lines_complete_in_their_first_shipment_over_lines_judged():
    # WEB: O1 2/2, O2 1/2 (line 1's first shipment had 6 of 10), O7 0/1, O9 2/2, O10 1/1
    #      = 6/8; O6 pending.
    # AMZ: O4 0/1 (cancelled late), O5 1/1 (5 wanted, 5 shipped), O8 1/1 (late but whole)
    #      = 2/3; O11 pending; O3 not counted.
    assert table(line_fill(ORDERS, AS_OF)) == [
        ("AMZ", 3, 2, 1, Decimal("0.6667")),
        ("WEB", 8, 6, 1, Decimal("0.7500")),
        (None, 11, 8, 2, Decimal("0.7273")),  # 8 / 11 = 0.72727
    ]


def test_unit_fill_is_units_shipped_by_the_promised_date_over_units_ordered():
    # WEB: O1 15/15, O2 (6 + 4)/14 (4 came Mar 7, late), O7 0/6, O9 6/6, O10 3/3 (no
    #      promise) = 34/44 = 0.77273; O6's 3 units pending.
    # AMZ: O4 0/2, O5 5/5, O8 0/4 (Mar 9 > Mar 5) = 5/11 = 0.45455; O11's 2 pending.
    assert table(unit_fill(ORDERS, AS_OF)) == [
        ("AMZ", 11, 5, 2, Decimal("0.4545")),
        ("WEB", 44, 34, 3, Decimal("0.7727")),
        (None, 55, 39, 5, Decimal("0.7091")),  # 39 / 55 = 0.70909
    ]


def test_order_fill_is_orders_complete_in_one_shipment_over_orders_judged():
    # WEB: O1 yes, O2 no (split), O7 no, O9 no (two shipments), O10 yes = 2/5; O6 pending.
    # AMZ: O4 no, O5 yes, O8 yes = 2/3; O11 pending.
    assert table(order_fill(ORDERS, AS_OF)) == [
        ("AMZ", 3, 2, 1, Decimal("0.6667")),
        ("WEB", 5, 2, 1, Decimal("0.4000")),
        (None, 8, 4, 2, Decimal("0.5000")),
    ]


def test_a_partial_first_shipment_misses_line_fill_at_once_while_unit_fill_waits_for_the_promise():
    # O2 as it stood on Mar 4: line 1 shipped 6 of 10 that day; the Mar 5 promise is ahead.
    o2 = [order(2, "WEB", line(10, 5, [(2, 4, 8, 6)]), line(4, 5, [(2, 4, 8, 4)]))]
    mar4 = on(4)
    assert table(line_fill(o2, mar4, by=None)) == [(None, 2, 1, 0, Decimal("0.5000"))]
    # line 2 is complete (4/4 by promise); line 1's 10 units are still pending.
    assert table(unit_fill(o2, mar4, by=None)) == [(None, 4, 4, 10, Decimal("1.0000"))]


def test_cancelling_after_the_promise_cannot_improve_a_fill_rate():
    before = order(4, "AMZ", line(2, 5))  # open, promise passed: a miss
    after = ORDERS[3]  # the same line cancelled Mar 8
    for fill in (line_fill, unit_fill, order_fill):
        assert fill([before], AS_OF)[1].rate == fill([after], AS_OF)[1].rate == Decimal(0)


def test_an_order_cancelled_whole_before_its_promise_is_not_counted():
    for fill in (line_fill, unit_fill, order_fill):
        _rows, total = fill([ORDERS[2]], AS_OF)
        assert (total.judged, total.pending, total.rate) == (0, 0, None)


def test_an_empty_period_has_no_fill_rate():
    # Only O6 was captured Mar 15-20, and it is pending.
    late = Filters(date_from=on(15), date_to=on(20))
    rows, total = line_fill(ORDERS, AS_OF, late)
    assert [(r.label, r.judged, r.pending, r.rate) for r in rows] == [("WEB", 0, 1, None)]
    assert (total.judged, total.rate) == (0, None)
    assert line_fill([], AS_OF)[1].rate is None


def test_fill_rates_filter_by_channel():
    _rows, amz = order_fill(ORDERS, AS_OF, Filters(channel="AMZ"), by=None)
    assert (amz.judged, amz.filled) == (3, 2)


def test_cycle_time_runs_from_capture_to_the_shipment_that_completed_the_order():
    # Completed orders and their hours from Mar 2 08:00:
    #   O1 Mar 4 08:00 = 48; O2 Mar 7 10:00 = 122; O5 Mar 4 14:00 = 54 (the rest was
    #   withdrawn); O8 Mar 9 08:00 = 168; O9 Mar 4 09:00 = 49; O10 Mar 15 08:00 = 312.
    # Sorted 48, 49, 54, 122, 168, 312: p50 rank 3 = 54; p90 rank ceil(5.4) = 6 = 312.
    # Waiting: O6, O7, O11 (O4 is cancelled, nothing left to ship; O3 withdrawn).
    rows, total = order_cycle_time(ORDERS)
    assert (total.durations.count, total.durations.p50_hours, total.durations.p90_hours) == (
        6,
        Decimal("54.00"),
        Decimal("312.00"),
    )
    assert total.waiting == 3
    by_channel = {r.label: (r.durations.count, r.durations.p50_hours, r.waiting) for r in rows}
    # AMZ: 54, 168 -> p50 rank 1 = 54; waiting O11. WEB: 48, 49, 122, 312 -> rank 2 = 49.
    assert by_channel == {"AMZ": (2, Decimal("54.00"), 1), "WEB": (4, Decimal("49.00"), 2)}


def test_cycle_time_counts_an_order_in_the_period_it_was_completed():
    mar9 = Filters(date_from=on(9), date_to=on(15))
    _rows, total = order_cycle_time(ORDERS, mar9, by=None)
    assert total.durations.count == 2  # O8 (Mar 9) and O10 (Mar 15)
    assert total.waiting == 0  # no open order was captured Mar 9-15


def test_an_order_cancelled_after_its_promise_is_neither_timed_nor_waiting():
    _rows, total = order_cycle_time([ORDERS[3]])
    assert (total.durations.count, total.waiting) == (0, 0)


_lines = st.builds(
    line,
    st.integers(1, 10),
    st.one_of(st.none(), st.integers(3, 25)),
    st.lists(
        st.tuples(st.integers(1, 3), st.integers(3, 25), st.integers(0, 23), st.integers(1, 5)),
        max_size=3,
    ),
    st.one_of(st.none(), st.integers(3, 25)),
)
_orders = st.lists(
    st.builds(
        lambda oid, ch, lines: order(oid, ch, *lines),
        st.integers(1, 10**6),
        st.sampled_from(["WEB", "AMZ"]),
        st.lists(_lines, min_size=1, max_size=4),
    ),
    max_size=12,
)


@given(_orders, st.integers(1, 30))
def test_every_fill_rate_stays_between_0_and_1_and_filled_never_exceeds_judged(orders, day):
    as_of = date(2026, 3, 1) + timedelta(days=day)
    for fill in (line_fill, unit_fill, order_fill):
        rows, total = fill(orders, as_of)
        for r in [*rows, total]:
            assert 0 <= r.filled <= r.judged
            assert r.rate is None or Decimal(0) <= r.rate <= Decimal(1)
        assert sum(r.judged for r in rows) == total.judged
        assert sum(r.pending for r in rows) == total.pending
