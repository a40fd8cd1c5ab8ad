"""Reorder rules: inventory position, service level -> z, safety stock, reorder point, EOQ,
min/max, periodic review and buy-to-order, each suggestion explaining itself (no database)."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.purchasing.reorder_rules import (
    BUY_TO_ORDER,
    MIN_MAX,
    PERIODIC_REVIEW,
    REORDER_POINT,
    Demand,
    EoqCosts,
    OrderTerms,
    Position,
    apply_terms,
    economic_order_quantity,
    order_up_to_level,
    reorder_point,
    round_up_to_pack,
    safety_stock,
    suggest_buy_to_order,
    suggest_min_max,
    suggest_periodic_review,
    suggest_reorder_point,
    z_for_service_level,
)
from scanfloor.purchasing.rules import PurchasingRuleError

# The issue's worked example: d = 20/day, sd_d = 6, L = 10 days, sd_L = 3, z = 1.65.
ISSUE = Demand(Decimal(20), Decimal(6), Decimal(10), Decimal(3))
Z = Decimal("1.65")
# EOQ = ceil(sqrt(2 * 7300 * 24.95 / (4.00 * 0.25))) = ceil(sqrt(364270)) = ceil(603.55) = 604
ISSUE_COSTS = EoqCosts(Decimal("24.95"), Decimal("4.00"), Decimal("0.25"))
PACK_24_MOQ_50 = OrderTerms(moq=50, case_pack=24)


def _code(err: pytest.ExceptionInfo[PurchasingRuleError]) -> str:
    return err.value.code


# --- the issue's worked examples ---------------------------------------------------------


def test_worked_example_safety_stock_is_104_rounded_up_and_reorder_point_304():
    # sqrt(10 * 6^2 + 20^2 * 3^2) = sqrt(3960) = 62.928...; x 1.65 = 103.83 -> 104
    assert safety_stock(ISSUE, Z) == 104
    assert reorder_point(ISSUE, Z) == 20 * 10 + 104 == 304


def test_worked_example_eoq_604_becomes_624_in_cases_of_24():
    assert economic_order_quantity(Decimal(20), ISSUE_COSTS) == 604
    assert round_up_to_pack(604, 24) == 624
    s = suggest_reorder_point(Position(300), ISSUE, Z, PACK_24_MOQ_50, costs=ISSUE_COSTS)
    assert ("order quantity", 624) in [(step.label, step.value) for step in s.steps]
    # at 300 (<= ROP 304): order ROP + Q - position = 304 + 624 - 300 = 628 -> 27 cases
    assert s.quantity == 648


def test_worked_example_min_max_orders_up_to_max_then_moq_50_then_case_pack_24():
    # min 100, max 300, position 80: need 220 (over the MOQ) -> 10 cases of 24 = 240
    assert suggest_min_max(Position(80), 100, 300, PACK_24_MOQ_50).quantity == 240
    # min 100, max 130, position 99: need 31 -> MOQ 50 -> 3 cases = 72 (MOQ before the case)
    s = suggest_min_max(Position(99), 100, 130, PACK_24_MOQ_50)
    assert s.quantity == 72
    assert [step.label for step in s.steps] == [
        "inventory position",
        "need up to max",
        "minimum order (MOQ)",
        "case pack",
        "order",
    ]


# --- inventory position and z ------------------------------------------------------------


def test_inventory_position_is_on_hand_plus_open_po_and_transit_less_reserved_and_backordered():
    p = Position(on_hand=100, open_po=40, in_transit=10, reserved=30, backordered=25)
    assert p.total == 95
    assert Position(0, backordered=5).total == -5


def test_a_negative_position_component_is_refused():
    with pytest.raises(PurchasingRuleError) as err:
        Position(on_hand=-1)
    assert _code(err) == "invalid_on_hand"


@pytest.mark.parametrize(
    ("level", "z"),
    [("0.90", "1.29"), ("0.95", "1.65"), ("0.975", "1.96"), ("0.99", "2.33"), ("0.5", "0.00")],
)
def test_service_level_gives_z_rounded_up_to_two_places(level, z):
    assert z_for_service_level(Decimal(level)) == Decimal(z)


@pytest.mark.parametrize("level", ["0.49", "1", "1.5"])
def test_a_service_level_below_half_or_at_100_percent_is_refused(level):
    with pytest.raises(PurchasingRuleError) as err:
        z_for_service_level(Decimal(level))
    assert _code(err) == "invalid_service_level"


def test_without_lead_time_variation_safety_stock_is_z_sd_d_sqrt_l():
    steady = Demand(Decimal(20), Decimal(6), Decimal(9))
    assert safety_stock(steady, Z) == math.ceil(1.65 * 6 * 3)  # 29.7 -> 30


# --- reorder point policy ----------------------------------------------------------------


def test_reorder_point_orders_at_the_reorder_point_but_not_one_above():
    at = suggest_reorder_point(Position(304), ISSUE, Z, order_quantity=100)
    assert at.quantity == 100
    above = suggest_reorder_point(Position(305), ISSUE, Z, order_quantity=100)
    assert above.quantity == 0


def test_a_fixed_order_quantity_wins_over_the_eoq():
    s = suggest_reorder_point(Position(0), ISSUE, Z, order_quantity=96, costs=ISSUE_COSTS)
    assert s.quantity == 304 + 96
    assert "EOQ" not in [step.label for step in s.steps]


def test_reorder_point_without_order_quantity_or_costs_is_refused():
    with pytest.raises(PurchasingRuleError) as err:
        suggest_reorder_point(Position(0), ISSUE, Z)
    assert _code(err) == "missing_order_quantity"


def test_no_demand_and_nothing_short_orders_nothing_despite_a_moq():
    idle = Demand(Decimal(0), Decimal(0), Decimal(10))
    s = suggest_reorder_point(Position(0), idle, Z, PACK_24_MOQ_50, costs=ISSUE_COSTS)
    assert s.quantity == 0


# --- periodic review ---------------------------------------------------------------------


def test_order_up_to_level_covers_review_plus_lead_time():
    # R 7 + L 10 = 17: 20 * 17 + 1.65 * sqrt(17 * 36 + 400 * 9) = 340 + 107.09 -> 448
    assert order_up_to_level(ISSUE, Z, 7) == 448
    # sd_L = 0: d*(R+L) + z*sd_d*sqrt(R+L) = 20 * 16 + 1.65 * 6 * 4 = 359.6 -> 360
    assert order_up_to_level(Demand(Decimal(20), Decimal(6), Decimal(9)), Z, 7) == 360


def test_periodic_review_orders_up_to_s_in_whole_cases():
    s = suggest_periodic_review(Position(80), ISSUE, Z, 7, PACK_24_MOQ_50)
    assert s.policy == PERIODIC_REVIEW
    assert s.quantity == 384  # 448 - 80 = 368 -> 16 cases
    assert suggest_periodic_review(Position(500), ISSUE, Z, 7).quantity == 0


# --- buy to order ------------------------------------------------------------------------


def test_buy_to_order_buys_only_confirmed_demand_not_covered():
    # 10 on hand + 5 on order - 12 reserved - 8 backordered = -5; 3 more confirmed: need 8
    p = Position(on_hand=10, open_po=5, reserved=12, backordered=8)
    s = suggest_buy_to_order(p, unallocated_confirmed=3)
    assert (s.policy, s.quantity) == (BUY_TO_ORDER, 8)
    assert suggest_buy_to_order(Position(on_hand=10, reserved=10), 0).quantity == 0


def test_buy_to_order_still_meets_the_supplier_case_pack():
    s = suggest_buy_to_order(Position(0, backordered=5), 0, OrderTerms(case_pack=12))
    assert s.quantity == 12


# --- explanations ------------------------------------------------------------------------


def test_every_suggestion_explains_its_policy_position_demand_and_arithmetic():
    s = suggest_reorder_point(Position(280), ISSUE, Z, PACK_24_MOQ_50, costs=ISSUE_COSTS)
    assert (s.policy, s.position.total, s.demand_per_day, s.lead_time_days) == (
        REORDER_POINT,
        280,
        Decimal(20),
        Decimal(10),
    )
    lines = s.lines()
    assert lines[0].startswith("inventory position: on hand 280")
    assert "safety stock: ceil(1.65 x sqrt(10 x 6^2 + 20^2 x 3^2)) = 104" in lines
    assert "reorder point: ceil(20 x 10 + 104) = 304" in lines
    assert lines[-1] == f"order: 27 x 24 = {s.quantity}"
    assert suggest_min_max(Position(500), 100, 300).policy == MIN_MAX


def test_the_answer_does_not_depend_on_the_callers_decimal_context():
    with decimal.localcontext(decimal.Context(prec=3)):
        assert safety_stock(ISSUE, Z) == 104
        assert economic_order_quantity(Decimal(20), ISSUE_COSTS) == 604


def test_bad_terms_are_refused():
    with pytest.raises(PurchasingRuleError):
        OrderTerms(case_pack=0)
    with pytest.raises(PurchasingRuleError):
        suggest_min_max(Position(0), 10, 5)
    with pytest.raises(PurchasingRuleError):
        Demand(Decimal(-1), Decimal(0), Decimal(1))
    with pytest.raises(PurchasingRuleError):
        EoqCosts(Decimal(10), Decimal(0), Decimal("0.2"))


# --- properties --------------------------------------------------------------------------

quantities = st.integers(min_value=0, max_value=10_000)
terms = st.builds(OrderTerms, moq=st.integers(0, 500), case_pack=st.integers(1, 48))
decimals = st.decimals(min_value=0, max_value=200, places=2)


@settings(max_examples=50, deadline=None)
@given(need=st.integers(-100, 10_000), t=terms)
def test_an_order_is_zero_or_whole_cases_at_least_the_need_and_the_moq(need, t):
    quantity, _steps = apply_terms(need, t)
    if need <= 0:
        assert quantity == 0
    else:
        assert quantity % t.case_pack == 0
        assert quantity >= max(need, t.moq)
        assert quantity - max(need, t.moq) < t.case_pack


@settings(max_examples=50, deadline=None)
@given(on_hand=quantities, minimum=quantities, extra=quantities, t=terms)
def test_min_max_below_min_always_reaches_max_and_never_orders_at_or_above_min(
    on_hand, minimum, extra, t
):
    s = suggest_min_max(Position(on_hand), minimum, minimum + extra, t)
    if on_hand >= minimum:
        assert s.quantity == 0
    else:
        assert on_hand + s.quantity >= minimum + extra


@settings(max_examples=50, deadline=None)
@given(d=decimals, sd=decimals, lt=decimals, sdl=decimals, on_hand=quantities, q=quantities)
def test_reorder_point_ordering_reaches_rop_plus_q(d, sd, lt, sdl, on_hand, q):
    demand = Demand(d, sd, lt, sdl)
    s = suggest_reorder_point(Position(on_hand), demand, Z, order_quantity=q)
    rop = reorder_point(demand, Z)
    assert rop >= safety_stock(demand, Z) >= 0
    if on_hand > rop:
        assert s.quantity == 0
    else:
        assert on_hand + s.quantity >= rop + q


@settings(max_examples=50, deadline=None)
@given(d=decimals, sd=decimals, lt=decimals, sdl=decimals, more=decimals)
def test_more_service_or_more_variation_never_means_less_safety_stock(d, sd, lt, sdl, more):
    base = Demand(d, sd, lt, sdl)
    assert safety_stock(base, Z + more) >= safety_stock(base, Z)
    assert safety_stock(Demand(d, sd + more, lt, sdl), Z) >= safety_stock(base, Z)
    assert safety_stock(Demand(d, sd, lt, sdl + more), Z) >= safety_stock(base, Z)
