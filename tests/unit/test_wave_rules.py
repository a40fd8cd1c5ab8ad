"""Wave planning rules: which orders a wave takes (urgency, channels, cutoff, caps) and how
their pick lines become tasks (single, cluster carts, zones), each walked as a serpentine."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.errors import rule_failed
from scanfloor.picking.path_rules import Bin, serpentine_by
from scanfloor.picking.wave_rules import (
    MAX_CART_SLOTS,
    OrderCandidate,
    PickNeed,
    WaveRuleError,
    WaveRules,
    group_tasks,
    plan_wave,
    select_orders,
    urgency_key,
)

NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def order(
    oid: int,
    *,
    lines: int = 1,
    qty: int = 1,
    channel: int = 1,
    priority: int = 0,
    ship_by: datetime | None = None,
    promised: date | None = None,
    ordered_at: datetime = NOW,
    bins: list[Bin] | None = None,
) -> OrderCandidate:
    """An order whose lines sit in bins of aisle 1 at walk sequence oid*10+n (unless given)."""
    where = bins or [Bin(oid * 10 + n, 1, oid * 10 + n) for n in range(lines)]
    needs = tuple(
        PickNeed(order_line_id=oid * 100 + n, item_id=n + 1, lot_id=None, quantity=qty, bin=b)
        for n, b in enumerate(where)
    )
    return OrderCandidate(oid, channel, priority, ship_by, promised, ordered_at, needs)


def taken(candidates: list[OrderCandidate], **rules: object) -> list[int]:
    return [c.order_id for c in select_orders(candidates, WaveRules(**rules))]  # type: ignore[arg-type]


# --- selection ---------------------------------------------------------------------------


def test_orders_due_earliest_ship_first_and_orders_without_a_deadline_last() -> None:
    orders = [
        order(1),
        order(2, ship_by=NOW + timedelta(hours=5)),
        order(3, ship_by=NOW + timedelta(hours=1)),
    ]
    assert taken(orders) == [3, 2, 1]


def test_higher_channel_priority_goes_first_at_an_equal_deadline() -> None:
    due = NOW + timedelta(hours=2)
    orders = [order(1, ship_by=due, priority=1), order(2, ship_by=due, priority=5), order(3)]
    assert taken(orders) == [2, 1, 3]


def test_promised_date_then_order_age_then_order_id_break_ties() -> None:
    orders = [
        order(1),
        order(2, promised=date(2024, 5, 3)),
        order(3, promised=date(2024, 5, 2)),
        order(4, ordered_at=NOW - timedelta(days=1)),
        order(5, ordered_at=NOW - timedelta(days=1)),
    ]
    assert taken(orders) == [3, 2, 4, 5, 1]


def test_an_aware_and_a_naive_deadline_compare_as_utc() -> None:
    naive_earlier = order(1, ship_by=datetime(2024, 5, 1, 9, 0))
    aware_later = order(2, ship_by=datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
    assert taken([aware_later, naive_earlier]) == [1, 2]
    assert urgency_key(naive_earlier) < urgency_key(aware_later)


def test_only_the_named_channels_are_taken_and_none_named_means_all() -> None:
    orders = [order(1, channel=1), order(2, channel=2), order(3, channel=3)]
    assert taken(orders, channel_ids=(2, 3)) == [2, 3]
    assert taken(orders) == [1, 2, 3]


def test_a_cutoff_takes_orders_due_at_or_before_it_and_none_without_a_deadline() -> None:
    cutoff = NOW + timedelta(hours=4)
    orders = [
        order(1, ship_by=cutoff),
        order(2, ship_by=cutoff + timedelta(seconds=1)),
        order(3),
        order(4, ship_by=NOW),
    ]
    assert taken(orders, ship_by_before=cutoff) == [4, 1]


def test_a_naive_cutoff_is_read_as_utc() -> None:
    rules = WaveRules(ship_by_before=datetime(2024, 5, 1, 12, 0))
    assert rules.ship_by_before == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert taken([order(1, ship_by=NOW)], ship_by_before=datetime(2024, 5, 1, 7, 59)) == []


def test_max_orders_caps_the_wave_most_urgent_first() -> None:
    orders = [order(n, ship_by=NOW + timedelta(hours=10 - n)) for n in range(1, 6)]
    assert taken(orders, max_orders=2) == [5, 4]


def test_max_lines_caps_the_wave_and_a_smaller_later_order_does_not_jump_the_queue() -> None:
    orders = [order(1, lines=2), order(2, lines=3), order(3, lines=1)]
    # 1 fits (2 lines), 2 would make 5 > 4: the wave ends there, 3 waits for the next one.
    assert taken(orders, max_lines=4) == [1]


def test_max_units_caps_the_wave() -> None:
    orders = [order(1, qty=4), order(2, qty=4), order(3, qty=4)]
    assert taken(orders, max_units=8) == [1, 2]


def test_an_order_larger_than_a_cap_is_skipped_and_reported_and_the_wave_goes_on() -> None:
    orders = [order(1, lines=5), order(2, lines=2), order(3, qty=9), order(4)]
    plan = plan_wave(orders, WaveRules(max_lines=4, max_units=8))
    assert plan.orders == (2, 4)
    assert plan.skipped == ((1, "exceeds_max_lines"), (3, "exceeds_max_units"))


def test_an_order_with_nothing_to_pick_is_skipped() -> None:
    empty = OrderCandidate(7, 1, 0, None, None, NOW, ())
    plan = plan_wave([empty, order(1)], WaveRules())
    assert plan.orders == (1,)
    assert plan.skipped == ((7, "nothing_to_pick"),)


def test_oversized_orders_beyond_a_full_wave_are_still_reported() -> None:
    orders = [order(1), order(2), order(3), order(4, lines=9)]
    plan = plan_wave(orders, WaveRules(max_orders=1, max_lines=5))
    assert plan.orders == (1,)
    assert plan.skipped == ((4, "exceeds_max_lines"),)


def test_max_pickers_in_single_mode_takes_one_order_per_picker() -> None:
    assert taken([order(n) for n in range(1, 6)], max_pickers=3) == [1, 2, 3]


def test_max_pickers_in_cluster_mode_takes_a_full_cart_per_picker() -> None:
    orders = [order(n) for n in range(1, 12)]
    plan = plan_wave(orders, WaveRules(mode="cluster", max_pickers=2, orders_per_picker=4))
    assert plan.orders == tuple(range(1, 9))
    assert [len(t.orders) for t in plan.tasks] == [4, 4]


def test_max_pickers_in_cluster_mode_counts_the_carts_lines_per_picker_cuts() -> None:
    # 3 lines each, 5 lines a cart: one order per cart, so 2 pickers take 2 orders.
    orders = [order(n, lines=3) for n in range(1, 6)]
    rules = WaveRules(mode="cluster", max_pickers=2, orders_per_picker=4, lines_per_picker=5)
    plan = plan_wave(orders, rules)
    assert plan.orders == (1, 2)
    assert plan.pickers == 2


def test_max_pickers_in_zone_mode_counts_one_task_per_zone_per_cart() -> None:
    def two_zones(oid: int) -> OrderCandidate:
        return order(oid, bins=[Bin(oid, 1, oid, zone_id=1), Bin(1000 + oid, 2, oid, zone_id=2)])

    orders = [two_zones(n) for n in range(1, 7)]
    plan = plan_wave(orders, WaveRules(mode="zone", max_pickers=4, orders_per_picker=2))
    assert plan.orders == (1, 2, 3, 4)  # 2 carts x 2 zones = 4 tasks
    assert len(plan.tasks) == 4
    spread = order(9, bins=[Bin(90 + z, z, 1, zone_id=z) for z in range(1, 4)])
    plan = plan_wave([spread, order(1)], WaveRules(mode="zone", max_pickers=2))
    assert plan.skipped == ((9, "exceeds_max_pickers"),)
    assert plan.orders == (1,)


# --- grouping ----------------------------------------------------------------------------


def test_single_mode_makes_one_task_per_order_in_slot_one() -> None:
    plan = plan_wave([order(1, lines=2), order(2)], WaveRules(mode="single"))
    assert [t.orders for t in plan.tasks] == [(1,), (2,)]
    assert {ln.slot for t in plan.tasks for ln in t.lines} == {1}
    assert [t.zone_id for t in plan.tasks] == [None, None]


def test_a_cluster_cart_holds_orders_per_picker_orders_in_slots_one_to_n() -> None:
    plan = plan_wave(
        [order(n) for n in range(1, 8)], WaveRules(mode="cluster", orders_per_picker=3)
    )
    assert [len(t.orders) for t in plan.tasks] == [3, 3, 1]
    for task in plan.tasks:
        slots = {ln.order_id: ln.slot for ln in task.lines}
        assert [slots[o] for o in task.orders] == list(range(1, len(task.orders) + 1))
    assert sorted(plan.slots().values()) == [1, 1, 1, 2, 2, 3, 3]


def test_cluster_puts_orders_picked_from_nearby_bins_on_one_cart() -> None:
    near_front = [Bin(1, 1, 10), Bin(2, 1, 20)]
    far_back = [Bin(3, 5, 10), Bin(4, 5, 20)]
    orders = [
        order(1, bins=[near_front[0]]),
        order(2, bins=[far_back[0]]),
        order(3, bins=[near_front[1]]),
        order(4, bins=[far_back[1]]),
    ]
    plan = plan_wave(orders, WaveRules(mode="cluster", orders_per_picker=2))
    assert sorted(t.orders for t in plan.tasks) == [(1, 3), (2, 4)]


def test_lines_per_picker_starts_a_new_cart_and_an_order_above_it_is_skipped() -> None:
    orders = [order(1, lines=2), order(2, lines=2), order(3, lines=2), order(4, lines=4)]
    rules = WaveRules(mode="cluster", orders_per_picker=8, lines_per_picker=3)
    plan = plan_wave(orders, rules)
    assert [t.orders for t in plan.tasks] == [(1,), (2,), (3,)]
    assert plan.skipped == ((4, "exceeds_lines_per_picker"),)
    assert all(len(t.lines) <= 3 for t in plan.tasks)


def test_zone_tasks_hold_only_their_zone_and_an_order_keeps_its_slot_across_zones() -> None:
    a = order(1, bins=[Bin(11, 1, 10, zone_id=100), Bin(12, 3, 10, zone_id=300)])
    b = order(2, bins=[Bin(21, 1, 20, zone_id=100)])
    plan = plan_wave([a, b], WaveRules(mode="zone", orders_per_picker=4))
    assert [(t.zone_id, t.orders) for t in plan.tasks] == [(100, (1, 2)), (300, (1,))]
    for task in plan.tasks:
        assert {ln.need.bin.zone_id for ln in task.lines} == {task.zone_id}
    slots = [(ln.order_id, ln.slot) for t in plan.tasks for ln in t.lines]
    assert sorted(set(slots)) == [(1, 1), (2, 2)]


def test_task_lines_follow_the_serpentine_with_seq_from_one_never_by_code() -> None:
    bins = [
        Bin(1, 1, 10, code="Z-9"),
        Bin(2, 1, 90, code="A-1"),
        Bin(3, 2, 10, code="B-1"),
        Bin(4, 2, 90, code="Y-1"),
    ]
    mixed = [order(1, bins=[bins[3], bins[0]]), order(2, bins=[bins[2], bins[1]])]
    plan = plan_wave(mixed, WaveRules(mode="cluster", orders_per_picker=2))
    (task,) = plan.tasks
    assert [ln.need.bin.location_id for ln in task.lines] == [1, 2, 4, 3]
    assert [ln.seq for ln in task.lines] == [1, 2, 3, 4]
    assert task.path_length == 80 + 100 + 0 + 80


def test_tasks_come_most_urgent_first() -> None:
    late = order(1, bins=[Bin(1, 1, 1)])
    urgent = order(2, ship_by=NOW, bins=[Bin(2, 9, 1)])
    plan = plan_wave([late, urgent], WaveRules(mode="cluster", orders_per_picker=1))
    assert [t.orders for t in plan.tasks] == [(2,), (1,)]


def test_a_single_order_pick_is_the_trivial_wave() -> None:
    plan = plan_wave([order(5, lines=3, qty=2)], WaveRules())
    assert plan.orders == (5,)
    assert plan.skipped == ()
    assert (plan.order_count, plan.line_count, plan.unit_count, plan.pickers) == (1, 3, 6, 1)
    assert plan.path_length == 2  # walk sequences 50, 51, 52
    assert plan.slots() == {5: 1}


def test_grouping_takes_orders_as_given_and_skips_orders_without_lines() -> None:
    empty = OrderCandidate(7, 1, 0, None, None, NOW, ())
    tasks = group_tasks([order(2), empty, order(1)], WaveRules())
    assert [t.orders for t in tasks] == [(2,), (1,)]


def test_the_plan_totals_add_up_over_its_tasks() -> None:
    orders = [order(n, lines=n, qty=n) for n in range(1, 5)]
    plan = plan_wave(orders, WaveRules(mode="cluster", orders_per_picker=2))
    assert plan.order_count == 4
    assert plan.line_count == 1 + 2 + 3 + 4
    assert plan.unit_count == 1 + 4 + 9 + 16
    assert plan.path_length == sum(t.path_length for t in plan.tasks) > 0


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ({"mode": "batch"}, "invalid_mode"),
        ({"max_orders": 0}, "invalid_cap"),
        ({"max_lines": -1}, "invalid_cap"),
        ({"max_units": 0}, "invalid_cap"),
        ({"max_pickers": 0}, "invalid_cap"),
        ({"lines_per_picker": 0}, "invalid_cap"),
        ({"max_orders": True}, "invalid_cap"),
        ({"max_orders": 2.5}, "invalid_cap"),
        ({"orders_per_picker": 0}, "invalid_orders_per_picker"),
        ({"orders_per_picker": MAX_CART_SLOTS + 1}, "invalid_orders_per_picker"),
        ({"channel_ids": ("web",)}, "invalid_channel"),
    ],
)
def test_bad_wave_rules_are_refused_with_a_named_rule(rules: dict[str, object], code: str) -> None:
    with pytest.raises(WaveRuleError) as info:
        WaveRules(**rules)  # type: ignore[arg-type]
    assert info.value.code == code
    answer = rule_failed(info.value)
    assert answer.status == 422
    assert answer.details["rule"] == code


def test_the_widest_cart_and_list_channels_are_accepted() -> None:
    rules = WaveRules(mode="cluster", orders_per_picker=MAX_CART_SLOTS, channel_ids=[3, 1])  # type: ignore[arg-type]
    assert rules.channel_ids == (3, 1)
    assert rules.to_json()["orders_per_picker"] == MAX_CART_SLOTS


def test_an_order_offered_twice_is_refused() -> None:
    with pytest.raises(WaveRuleError) as info:
        plan_wave([order(1), order(1)], WaveRules())
    assert info.value.code == "duplicate_order"


def test_a_pick_line_of_no_units_is_refused() -> None:
    with pytest.raises(WaveRuleError) as info:
        plan_wave([order(1, qty=0)], WaveRules())
    assert (info.value.code, info.value.details["order_id"]) == ("invalid_quantity", 1)


def test_the_rules_are_kept_as_chosen_for_the_audit() -> None:
    rules = WaveRules(mode="zone", channel_ids=(2,), ship_by_before=NOW, max_units=50)
    assert rules.to_json() == {
        "mode": "zone",
        "channel_ids": [2],
        "ship_by_before": "2024-05-01T08:00:00+00:00",
        "max_orders": None,
        "max_lines": None,
        "max_units": 50,
        "max_pickers": None,
        "lines_per_picker": None,
        "orders_per_picker": 8,
    }


# --- properties --------------------------------------------------------------------------

BIN_POOL = [
    Bin(
        loc,
        aisle=1 + loc % 4,
        walk_sequence=None if loc % 7 == 0 else (loc * 37) % 101,
        zone_id=1 + loc % 3,
    )
    for loc in range(1, 31)
]


@st.composite
def candidates(draw: st.DrawFn) -> list[OrderCandidate]:
    count = draw(st.integers(0, 25))
    out = []
    for oid in range(1, count + 1):
        where = draw(st.lists(st.sampled_from(BIN_POOL), max_size=4))
        qty = draw(st.integers(1, 5))
        hours = draw(st.none() | st.integers(0, 5))
        out.append(
            order(
                oid,
                qty=qty,
                channel=draw(st.integers(1, 3)),
                priority=draw(st.integers(0, 2)),
                ship_by=None if hours is None else NOW + timedelta(hours=hours),
                bins=where,
            )
            if where
            else OrderCandidate(oid, 1, 0, None, None, NOW, ())
        )
    return out


caps = st.none() | st.integers(1, 12)
wave_rules = st.builds(
    WaveRules,
    mode=st.sampled_from(["single", "cluster", "zone"]),
    channel_ids=st.sampled_from([(), (1, 2)]),
    ship_by_before=st.sampled_from([None, NOW + timedelta(hours=3)]),
    max_orders=caps,
    max_lines=caps,
    max_units=caps,
    max_pickers=st.none() | st.integers(1, 5),
    orders_per_picker=st.integers(1, 5),
    lines_per_picker=st.none() | st.integers(1, 6),
)


@settings(max_examples=200, deadline=None)
@given(candidates(), wave_rules)
def test_every_taken_order_has_each_line_on_exactly_one_task(
    orders: list[OrderCandidate], rules: WaveRules
) -> None:
    plan = plan_wave(orders, rules)
    by_id = {c.order_id: c for c in orders}
    expected = Counter((oid, n) for oid in plan.orders for n in by_id[oid].needs)
    placed = Counter((ln.order_id, ln.need) for t in plan.tasks for ln in t.lines)
    assert placed == expected
    assert not set(plan.orders) & {oid for oid, _ in plan.skipped}


@settings(max_examples=200, deadline=None)
@given(candidates(), wave_rules)
def test_no_cap_is_ever_exceeded(orders: list[OrderCandidate], rules: WaveRules) -> None:
    plan = plan_wave(orders, rules)
    for cap, value in (
        (rules.max_orders, plan.order_count),
        (rules.max_lines, plan.line_count),
        (rules.max_units, plan.unit_count),
        (rules.max_pickers, len(plan.tasks)),
    ):
        assert cap is None or value <= cap
    per_cart = 1 if rules.mode == "single" else rules.orders_per_picker
    for task in plan.tasks:
        assert len(task.orders) <= per_cart
        assert rules.lines_per_picker is None or len(task.lines) <= rules.lines_per_picker
        assert {ln.slot for ln in task.lines} <= set(range(1, per_cart + 1))
        if rules.mode == "zone":
            assert {ln.need.bin.zone_id for ln in task.lines} == {task.zone_id}


@settings(max_examples=200, deadline=None)
@given(candidates(), wave_rules)
def test_each_task_is_walked_as_a_serpentine_and_the_wave_is_the_most_urgent_orders(
    orders: list[OrderCandidate], rules: WaveRules
) -> None:
    plan = plan_wave(orders, rules)
    for task in plan.tasks:
        assert [ln.seq for ln in task.lines] == list(range(1, len(task.lines) + 1))
        assert serpentine_by(task.lines, lambda ln: ln.need.bin) == list(task.lines)
    skipped = {oid for oid, _ in plan.skipped}
    eligible = [
        c
        for c in sorted(orders, key=urgency_key)
        if c.order_id not in skipped
        and (not rules.channel_ids or c.channel_id in rules.channel_ids)
        and (
            rules.ship_by_before is None
            or (c.ship_by is not None and c.ship_by <= rules.ship_by_before)
        )
    ]
    assert list(plan.orders) == [c.order_id for c in eligible[: len(plan.orders)]]
