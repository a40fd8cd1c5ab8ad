"""Warehouse routing, all-or-nothing, kits and ATS as pure rules, plus a property test that
no plan ever reserves beyond what is free."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scanfloor.allocation.rules import (
    ChannelRules,
    Demand,
    ExpandedLine,
    LotStock,
    OrderedLine,
    Position,
    SupplyState,
    channel_ats,
    expand_kits,
    kit_ats,
    plan_order,
    route_warehouses,
)

TODAY = date(2026, 6, 1)
NEAR, FAR, OTHER = 1, 2, 3
A, B = 100, 200
RANKS = {NEAR: 0, FAR: 5, OTHER: 9}


def supply(stock: dict[tuple[int, int], int]) -> SupplyState:
    return SupplyState({k: Position(sellable=v) for k, v in stock.items()}, TODAY)


def where(grants: list) -> set[tuple[int, int, int]]:  # type: ignore[type-arg]
    return {(g.item_id, g.warehouse_id, g.quantity) for g in grants}


PARTIAL = ChannelRules(id=1, warehouse_ids=(NEAR, FAR, OTHER), allow_partial_shipment=True)
WHOLE = ChannelRules(id=2, warehouse_ids=(NEAR, FAR, OTHER), allow_partial_shipment=False)


def test_nearest_warehouse_goes_first():
    assert route_warehouses([OTHER, FAR, NEAR], RANKS) == [NEAR, FAR, OTHER]
    assert route_warehouses([OTHER, FAR, NEAR], RANKS, preferred=[OTHER]) == [OTHER, NEAR, FAR]
    assert route_warehouses([3, 1, 2], {}) == [1, 2, 3]  # unranked: by id, stable


def test_a_warehouse_that_ships_complete_beats_a_nearer_one_that_cannot():
    s = supply({(A, NEAR): 5, (B, NEAR): 0, (A, FAR): 5, (B, FAR): 5})
    grants = plan_order([Demand(1, A, 2), Demand(2, B, 2)], PARTIAL, s, RANKS)
    assert where(grants) == {(A, FAR, 2), (B, FAR, 2)}


def test_the_nearest_of_several_complete_warehouses_ships():
    s = supply({(A, NEAR): 5, (A, FAR): 5})
    assert where(plan_order([Demand(1, A, 2)], PARTIAL, s, RANKS)) == {(A, NEAR, 2)}


def test_an_order_splits_across_warehouses_only_when_the_channel_allows():
    stock = {(A, NEAR): 3, (A, FAR): 3}
    assert where(plan_order([Demand(1, A, 5)], PARTIAL, supply(stock), RANKS)) == {
        (A, NEAR, 3),
        (A, FAR, 2),
    }
    assert plan_order([Demand(1, A, 5)], WHOLE, supply(stock), RANKS) == []


def test_all_or_nothing_order_waits_whole_when_one_line_is_short():
    s = supply({(A, NEAR): 10, (B, NEAR): 1})
    assert plan_order([Demand(1, A, 2), Demand(2, B, 2)], WHOLE, s, RANKS) == []
    assert s.positions[(A, NEAR)].reserved == 0  # the trial left nothing behind


def test_partial_shipment_takes_what_there_is_and_leaves_the_rest_waiting():
    s = supply({(A, NEAR): 10, (B, NEAR): 1})
    grants = plan_order([Demand(1, A, 2), Demand(2, B, 2)], PARTIAL, s, RANKS)
    assert where(grants) == {(A, NEAR, 2), (B, NEAR, 1)}


def test_a_channel_ships_only_from_its_own_warehouses():
    only_far = ChannelRules(id=3, warehouse_ids=(FAR,))
    s = supply({(A, NEAR): 10, (A, FAR): 1})
    assert where(plan_order([Demand(1, A, 3)], only_far, s, RANKS)) == {(A, FAR, 1)}


# --- kits -----------------------------------------------------------------------------------


def test_a_kit_line_expands_to_its_components_times_the_quantity():
    kits = {900: {A: 2, B: 1}}
    out = expand_kits([OrderedLine(1, 900, 3), OrderedLine(2, A, 1)], kits)
    assert out == [
        ExpandedLine(1, A, 6, 900, 3),
        ExpandedLine(1, B, 3, 900, 3),
        ExpandedLine(2, A, 1),
    ]


def test_kit_ats_is_the_fewest_whole_kits_its_components_make():
    assert kit_ats({A: 7, B: 10}, {A: 2, B: 1}) == 3
    assert kit_ats({A: 7}, {A: 2, B: 1}) == 0
    assert kit_ats({A: 7}, {}) == 0


# --- ATS ------------------------------------------------------------------------------------


def test_ats_is_sellable_minus_reserved_minus_buffer_over_the_channels_warehouses():
    ch = ChannelRules(id=1, safety_buffer=3, warehouse_ids=(NEAR, FAR))
    positions = [Position(sellable=10, reserved=4), Position(sellable=5, reserved=6)]
    assert channel_ats(positions, ch, TODAY) == 6 + 0 - 3


def test_ats_is_never_negative():
    ch = ChannelRules(id=1, safety_buffer=50, warehouse_ids=(NEAR,))
    assert channel_ats([Position(sellable=10)], ch, TODAY) == 0


def test_pools_and_caps_shape_ats():
    web = ChannelRules(id=1, warehouse_ids=(NEAR,))
    market = ChannelRules(id=2, cap_fraction=Decimal("0.5"), warehouse_ids=(NEAR,))
    pos = Position(sellable=10, pools={web.id: 4})
    assert channel_ats([pos], web, TODAY) == 10
    assert channel_ats([pos], market, TODAY) == 5  # 6 unfenced, capped at half of 10


def test_ats_leaves_out_lots_inside_the_channels_minimum_shelf_life():
    ch = ChannelRules(id=1, min_shelf_life_days=30, warehouse_ids=(NEAR,))
    pos = Position(
        sellable=8,
        lots={1: LotStock(date(2026, 6, 10), 5), 2: LotStock(date(2026, 9, 1), 3)},
    )
    assert channel_ats([pos], ch, TODAY) == 3


# --- property: no plan over-reserves --------------------------------------------------------

orders = st.lists(
    st.tuples(
        st.lists(st.tuples(st.sampled_from([A, B]), st.integers(1, 6)), min_size=1, max_size=3),
        st.booleans(),
        st.sampled_from([0, 1, 2]),
    ),
    max_size=12,
)


@given(
    stock=st.dictionaries(
        st.tuples(st.sampled_from([A, B]), st.sampled_from([NEAR, FAR])), st.integers(0, 12)
    ),
    pools=st.integers(0, 5),
    orders=orders,
)
def test_no_plan_reserves_more_than_is_free_and_all_or_nothing_holds(stock, pools, orders):
    s = SupplyState(
        {
            k: Position(sellable=v, pools={9: pools} if k[1] == NEAR else {})
            for k, v in stock.items()
        },
        TODAY,
    )
    line = 0
    for lines, partial, ch_id in orders:
        ch = ChannelRules(id=ch_id, warehouse_ids=(NEAR, FAR), allow_partial_shipment=partial)
        demands = []
        for item, qty in lines:
            line += 1
            demands.append(Demand(line, item, qty))
        grants = plan_order(demands, ch, s, RANKS)
        per_line: dict[int, int] = {}
        for g in grants:
            per_line[g.line_id] = per_line.get(g.line_id, 0) + g.quantity
        for d in demands:
            assert per_line.get(d.line_id, 0) <= d.quantity
        if not partial and grants:
            assert all(per_line.get(d.line_id) == d.quantity for d in demands)
            assert len({g.warehouse_id for g in grants}) == 1
    for pos in s.positions.values():
        assert 0 <= pos.reserved <= pos.sellable
        # Channel 9 owns the pools and never orders: nobody else may touch them.
        assert pos.reserved <= max(0, pos.sellable - sum(pos.pools.values()))
