"""Edges of the allocation, putaway and outbox rules: the value where a rule flips, and
the rules' copies and defaults (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scanfloor.allocation.rules import (
    ChannelRules,
    Demand,
    Grant,
    LotStock,
    OrderedLine,
    Position,
    RuleError,
    SupplyState,
    allocation_status,
    expand_kits,
    fefo_lots,
    fefo_take,
    order_status,
    plan_order,
    route_warehouses,
)
from scanfloor.outbox.rules import RetryPolicy
from scanfloor.putaway.rules import (
    RULE_EMPTY_ANYWHERE,
    RULE_EMPTY_IN_ZONE,
    RULE_SAME_ITEM_LOT,
    BinCandidate,
    LoadLine,
    Suggestion,
    parse_task_id,
    suggest_bin_for_load,
)

TODAY = date(2026, 6, 1)
WH1, WH2 = 1, 2
ITEM, OTHER = 7, 8

# --- allocation statuses ----------------------------------------------------------------


def test_a_line_with_one_unit_held_is_partially_allocated():
    assert allocation_status(5, 1, 0) == "partially_allocated"
    assert allocation_status(5, 0, 1) == "partially_allocated"
    assert allocation_status(5, 0, 0) == "backordered"


def test_reserved_and_consumed_units_both_count_as_held():
    assert allocation_status(5, 2, 3) == "allocated"
    assert allocation_status(5, 3, 1) == "partially_allocated"


def test_an_order_is_as_advanced_as_its_least_advanced_live_line():
    assert order_status(["received", "allocated"]) == "partially_allocated"
    assert order_status(["backordered", "partially_allocated"]) == "partially_allocated"
    assert order_status(["backordered", "received"]) == "received"
    assert order_status(["allocated", "cancelled"]) == "allocated"
    assert order_status(["received", "cancelled"]) == "received"
    assert order_status(["cancelled", "cancelled"]) == "cancelled"
    assert order_status(["picked", "allocated"]) == "allocated"


# --- kits -------------------------------------------------------------------------------


def test_a_kit_line_of_zero_is_refused_naming_the_line():
    with pytest.raises(RuleError) as refused:
        expand_kits([OrderedLine(3, ITEM, 0)], {})
    assert str(refused.value) == "line 3: quantity must be positive"


def test_lines_after_a_plain_line_are_still_expanded():
    got = expand_kits([OrderedLine(1, OTHER, 2), OrderedLine(2, ITEM, 3)], {ITEM: {20: 2, 10: 1}})
    assert [(e.line_no, e.item_id, e.quantity, e.kit_item_id) for e in got] == [
        (1, OTHER, 2, None),
        (2, 10, 3, ITEM),
        (2, 20, 6, ITEM),
    ]


# --- FEFO ---------------------------------------------------------------------------------


def test_a_lot_expiring_on_the_floor_date_still_qualifies_and_an_empty_one_never():
    lots = {
        1: LotStock(expiry=TODAY, sellable=5),
        2: LotStock(expiry=TODAY - timedelta(days=1), sellable=5),
        3: LotStock(expiry=None, sellable=5, reserved=5),
    }
    assert fefo_lots(lots, TODAY) == [1]


def test_fefo_takes_the_last_unit_from_the_next_lot():
    lots = {1: LotStock(TODAY, sellable=2), 2: LotStock(TODAY + timedelta(days=1), sellable=5)}
    assert fefo_take(lots, 3, TODAY) == [(1, 2), (2, 1)]
    assert fefo_take(lots, 2, TODAY) == [(1, 2)]


# --- routing and planning --------------------------------------------------------------


def test_warehouses_without_a_rank_come_after_ranked_ones():
    assert route_warehouses([3, 2, 1], {2: 5}) == [2, 1, 3]
    assert route_warehouses([3, 2, 1], {2: 5}, preferred=[3]) == [3, 2, 1]


def state(**stock: int) -> SupplyState:
    """Positions of ITEM (and OTHER) per warehouse: state(i1=5, o2=3)."""
    items = {"i": ITEM, "o": OTHER}
    return SupplyState(
        {(items[k[0]], int(k[1:])): Position(sellable=v) for k, v in stock.items()}, TODAY
    )


CH = ChannelRules(id=1, warehouse_ids=(WH1, WH2))


def test_an_order_goes_whole_to_the_preferred_warehouse_when_it_can():
    supply = state(i1=5, i2=5)
    got = plan_order([Demand(10, ITEM, 2)], CH, supply, {WH1: 1, WH2: 2}, preferred=[WH2])
    assert got == [Grant(10, ITEM, WH2, None, 2)]


def test_a_warehouse_holding_exactly_the_demand_ships_it_complete():
    got = plan_order([Demand(10, ITEM, 5)], CH, state(i1=4, i2=5), {WH1: 1, WH2: 2})
    assert got == [Grant(10, ITEM, WH2, None, 5)]


def test_lines_of_zero_are_left_out_of_the_plan():
    assert plan_order([Demand(10, ITEM, 0)], CH, state(i1=5), {WH1: 1}) == []


def test_an_order_naming_an_item_twice_is_planned_on_a_copy_and_shipped_complete():
    demands = [Demand(10, ITEM, 3), Demand(11, ITEM, 2)]
    supply = state(i1=4, i2=5)
    got = plan_order(demands, CH, supply, {WH1: 1, WH2: 2})
    assert got == [Grant(10, ITEM, WH2, None, 3), Grant(11, ITEM, WH2, None, 2)]
    # The warehouse tried first and given up keeps its stock unreserved.
    assert supply.positions[(ITEM, WH1)].reserved == 0
    assert supply.positions[(ITEM, WH1)].by_channel == {}
    assert supply.positions[(ITEM, WH2)].by_channel == {1: 5}


def test_repeated_lines_that_fit_exactly_are_shipped_from_the_first_warehouse():
    demands = [Demand(10, ITEM, 3), Demand(11, ITEM, 2)]
    got = plan_order(demands, CH, state(i1=5, i2=5), {WH1: 1, WH2: 2})
    assert got == [Grant(10, ITEM, WH1, None, 3), Grant(11, ITEM, WH1, None, 2)]


def test_partial_shipment_splits_a_line_and_stops_once_it_is_covered():
    supply = state(i1=2, i2=1)
    ch = ChannelRules(id=1, warehouse_ids=(WH1, WH2))
    got = plan_order([Demand(10, ITEM, 3), Demand(11, OTHER, 1)], ch, supply, {WH1: 1, WH2: 2})
    assert got == [Grant(10, ITEM, WH1, None, 2), Grant(10, ITEM, WH2, None, 1)]
    covered = plan_order([Demand(12, ITEM, 1)], ch, state(i1=1, i2=1), {WH1: 1, WH2: 2})
    assert covered == [Grant(12, ITEM, WH1, None, 1)]


def test_a_channel_adds_to_what_it_already_holds_in_a_position():
    supply = state(i1=10)
    supply.positions[(ITEM, WH1)].by_channel[1] = 2
    supply.positions[(ITEM, WH1)].reserved = 2
    plan_order([Demand(10, ITEM, 3)], CH, supply, {WH1: 1})
    assert supply.positions[(ITEM, WH1)].by_channel == {1: 5}
    assert supply.positions[(ITEM, WH1)].reserved == 5


def test_the_promised_date_and_shelf_life_decide_which_lots_serve_a_line():
    lots = {1: LotStock(TODAY + timedelta(days=5), 4), 2: LotStock(TODAY + timedelta(days=20), 4)}
    supply = SupplyState({(ITEM, WH1): Position(sellable=8, lots=lots)}, TODAY)
    ch = ChannelRules(id=1, min_shelf_life_days=3, warehouse_ids=(WH1,))
    promised = TODAY + timedelta(days=10)
    assert supply.free(ch, Demand(10, ITEM, 8, promised), WH1) == 4
    assert supply.free(ch, Demand(10, ITEM, 8), WH1) == 8
    got = supply.take(ch, Demand(10, ITEM, 8, promised), WH1, 8)
    assert got == [Grant(10, ITEM, WH1, 2, 4)]
    # Without a promised date the shelf life counts from today: both lots serve, lot 2's
    # reservation adds to the 4 units it already holds.
    got = supply.take(ch, Demand(11, ITEM, 4), WH1, 4)
    assert got == [Grant(11, ITEM, WH1, 1, 4)]
    assert (lots[1].reserved, lots[2].reserved) == (4, 4)
    lots[2].sellable = 6
    supply.positions[(ITEM, WH1)].sellable = 10
    assert supply.take(ch, Demand(12, ITEM, 1), WH1, 1) == [Grant(12, ITEM, WH1, 2, 1)]
    assert lots[2].reserved == 5


def test_a_position_copy_shares_nothing_with_the_original():
    pos = Position(sellable=5, pools={1: 2}, by_channel={1: 1}, lots={3: LotStock(TODAY, 5)})
    twin = pos.copy()
    assert twin == pos
    twin.pools[1] = 9
    twin.by_channel[1] = 9
    twin.lots[3].reserved = 4  # type: ignore[index]
    assert (pos.pools, pos.by_channel, pos.lots[3].reserved) == ({1: 2}, {1: 1}, 0)  # type: ignore[index]
    assert Position(sellable=1).copy().lots is None


# --- putaway ----------------------------------------------------------------------------


def bin_(id: int, code: str, walk: int | None, total: int = 0, zone: int = 1) -> BinCandidate:
    holds = frozenset({(ITEM, None)}) if total else frozenset()
    return BinCandidate(id, code, zone, "storage", walk, None, total, holds)


def test_a_bin_at_walk_sequence_zero_comes_before_one_at_one():
    bins = [bin_(1, "A", 1), bin_(2, "Z", 0)]
    assert suggest_bin_for_load([LoadLine(ITEM, None, 1)], bins, None) == Suggestion(
        2, "Z", RULE_EMPTY_ANYWHERE
    )


def test_each_suggestion_names_the_bin_by_its_code():
    load = [LoadLine(ITEM, None, 1)]
    assert suggest_bin_for_load(load, [bin_(1, "B-1", 1, total=3)], None) == Suggestion(
        1, "B-1", RULE_SAME_ITEM_LOT
    )
    assert suggest_bin_for_load(load, [bin_(2, "B-2", 1, zone=5)], 5) == Suggestion(
        2, "B-2", RULE_EMPTY_IN_ZONE
    )
    two = [bin_(3, "B-3", 1, zone=6), bin_(4, "B-4", 2, zone=6)]
    assert suggest_bin_for_load(load, two, 5) == Suggestion(3, "B-3", RULE_EMPTY_ANYWHERE)


def test_a_load_must_have_lines_of_a_positive_total():
    with pytest.raises(ValueError, match=r"^a load has a positive quantity$"):
        suggest_bin_for_load([LoadLine(ITEM, None, 0)], [bin_(1, "A", 1)], None)
    with pytest.raises(ValueError, match=r"^a load has at least one line$"):
        suggest_bin_for_load([], [bin_(1, "A", 1)], None)


def test_task_number_one_is_the_first_task():
    assert parse_task_id("b-1") == ("loose", 1)


# --- outbox -----------------------------------------------------------------------------


def test_the_smallest_retry_policy_is_one_attempt_with_base_equal_to_cap():
    policy = RetryPolicy(base_s=0.5, cap_s=0.5, max_attempts=1)
    assert policy.ceiling(1) == 0.5
    assert policy.state_after_failure(1) == "dead"
