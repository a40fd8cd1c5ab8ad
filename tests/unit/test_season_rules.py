"""Season rules: the pre-buy order-by date, and container planning by cube and weight,
topped up by the lowest days of cover (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.purchasing.rules import PurchasingRuleError
from scanfloor.purchasing.season_rules import (
    CONTAINERS,
    ContainerLine,
    best_container,
    containers_needed,
    order_by_date,
    plan_containers,
)

SEASON = date(2026, 10, 1)


def line(
    item_id: int,
    cases: int,
    *,
    pack: int = 10,
    cube: str = "0.5",
    kg: str = "10",
    position: int = 0,
    per_day: str = "10",
) -> ContainerLine:
    return ContainerLine(
        item_id, cases * pack, pack, Decimal(cube), Decimal(kg), position, Decimal(per_day)
    )


# --- order-by date -----------------------------------------------------------------------


def test_order_by_date_is_season_start_less_every_leg():
    # 45 production + 30 transit + 5 customs + 3 dock-to-stock = 83 days before 1 October
    plan = order_by_date(
        SEASON, production_days=45, transit_days=30, customs_days=5, dock_to_stock_days=3
    )
    assert (plan.order_by, plan.total_days) == (date(2026, 7, 10), 83)
    assert [leg for leg, _ in plan.legs] == ["production", "transit", "customs", "dock to stock"]


def test_days_left_turns_negative_once_the_order_by_date_has_passed():
    plan = order_by_date(SEASON, production_days=10, transit_days=0)
    assert plan.days_left(date(2026, 9, 20)) == 1
    assert plan.days_left(date(2026, 9, 23)) == -2


def test_a_negative_leg_is_refused():
    with pytest.raises(PurchasingRuleError) as err:
        order_by_date(SEASON, production_days=10, transit_days=-1)
    assert err.value.code == "invalid_days"


# --- containers --------------------------------------------------------------------------


def test_the_planning_capacities_are_the_documented_ones():
    assert {k: (v.cube_m3, v.payload_kg) for k, v in CONTAINERS.items()} == {
        "20ft": (Decimal(28), Decimal(21700)),
        "40ft": (Decimal(58), Decimal(26500)),
        "40HC": (Decimal(68), Decimal(26500)),
    }


def test_heavy_goods_fill_a_container_by_weight_before_cube():
    # 20 m3 fits one 20ft by cube, but 25,000 kg needs two
    assert containers_needed(Decimal(20), Decimal(25000), CONTAINERS["20ft"]) == 2
    assert containers_needed(Decimal(20), Decimal(25000), CONTAINERS["40ft"]) == 1
    assert containers_needed(Decimal(0), Decimal(0), CONTAINERS["20ft"]) == 0


def test_top_up_goes_case_by_case_to_the_lowest_days_of_cover():
    # A: 40 cases x 0.5 m3 = 20 m3, cover (100 + 400) / 10 = 50 days
    # B: 10 cases x 0.4 m3 = 4 m3, cover 120 / 4 = 30 days; a case of 12 adds 3 days
    # 24 m3 in a 28 m3 20ft: 4 m3 room. B takes 7 cases (cover 51, 2.8 m3, room 1.2), then
    # A (50) one case (cover 51, room 0.7), then the 51/51 tie goes to A, first given (room
    # 0.2); nothing fits any more.
    a = line(1, 40, position=100)
    b = line(2, 10, pack=12, cube="0.4", kg="8", per_day="4")
    plan = plan_containers([a, b], "20ft")
    assert plan.containers == 1
    topped = [(p.item_id, p.suggested, p.topped_up) for p in plan.lines]
    assert topped == [(1, 400, 20), (2, 120, 84)]
    assert [p.days_of_cover for p in plan.lines] == [Decimal("52.0"), Decimal("51.0")]
    assert (plan.cube_m3, plan.weight_kg) == (Decimal("27.8"), Decimal(556))
    assert plan.cube_used == Decimal("0.9929")


def test_a_line_without_demand_is_never_topped_up_and_the_cover_cap_holds():
    idle = line(1, 10, per_day="0")
    b = line(2, 10, pack=12, cube="0.4", kg="8", per_day="4")
    plan = plan_containers([idle, b], "20ft", max_cover_days=Decimal(40))
    # B: 30 -> 33 -> 36 -> 39 -> 42 days: at 42 it has reached the 40-day cap
    assert [(p.topped_up, p.days_of_cover) for p in plan.lines] == [
        (0, None),
        (48, Decimal("42.0")),
    ]


def test_without_top_up_the_suggestion_is_only_counted_into_containers():
    plan = plan_containers([line(1, 100)], "20ft", top_up=False)  # 50 m3
    assert (plan.containers, plan.lines[0].topped_up, plan.cube_used) == (
        2,
        0,
        Decimal("0.8929"),
    )


def test_best_container_is_the_fewest_boxes_then_the_smaller_box():
    assert best_container([line(1, 40)]) == "20ft"  # 20 m3
    assert best_container([line(1, 60)]) == "40ft"  # 30 m3
    assert best_container([line(1, 120)]) == "40HC"  # 60 m3
    assert best_container([line(1, 260)]) == "40HC"  # 130 m3: 2 x 40HC vs 3 x 40ft


def test_an_unknown_container_or_a_line_not_in_whole_cases_is_refused():
    with pytest.raises(PurchasingRuleError) as err:
        plan_containers([line(1, 1)], "45ft")
    assert err.value.code == "invalid_container"
    with pytest.raises(PurchasingRuleError) as err:
        ContainerLine(1, 15, 10, Decimal(1), Decimal(1), 0, Decimal(1))
    assert err.value.code == "invalid_container_line"


# --- properties --------------------------------------------------------------------------

container_lines = st.lists(
    st.builds(
        line,
        st.integers(1, 1000),
        st.integers(0, 60),
        pack=st.integers(1, 24),
        cube=st.sampled_from(["0.05", "0.3", "1.2"]),
        kg=st.sampled_from(["2", "15", "400"]),
        position=st.integers(-50, 500),
        per_day=st.sampled_from(["0", "0.5", "3", "25"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=50, deadline=None)
@given(lines=container_lines, box=st.sampled_from(sorted(CONTAINERS)))
def test_top_up_adds_whole_cases_and_never_overfills_the_containers(lines, box):
    plan = plan_containers(lines, box)
    cap = CONTAINERS[box]
    assert plan.cube_m3 <= cap.cube_m3 * plan.containers
    assert plan.weight_kg <= cap.payload_kg * plan.containers
    for given_line, planned in zip(lines, plan.lines, strict=True):
        assert planned.suggested == given_line.quantity
        assert planned.topped_up >= 0
        assert planned.topped_up % given_line.case_pack == 0
        if given_line.demand_per_day == 0:
            assert planned.topped_up == 0
    # the plan never needs more boxes than the suggestion alone
    bare = plan_containers(lines, box, top_up=False)
    assert plan.containers == bare.containers


@settings(max_examples=50, deadline=None)
@given(legs=st.tuples(*(st.integers(0, 200) for _ in range(4))))
def test_the_order_by_date_plus_all_legs_is_the_season_start(legs):
    p, t, c, d = legs
    plan = order_by_date(
        SEASON, production_days=p, transit_days=t, customs_days=c, dock_to_stock_days=d
    )
    assert (SEASON - plan.order_by).days == p + t + c + d
