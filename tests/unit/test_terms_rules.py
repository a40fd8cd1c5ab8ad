"""Supplier terms and reorder policy rules: contact fields, supplier item terms, and what
each reorder policy needs before the suggestion run can use it (no database)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from scanfloor.purchasing.reorder_rules import (
    Demand,
    EoqCosts,
    Position,
    suggest_reorder_point,
    z_for_service_level,
)
from scanfloor.purchasing.rules import PurchasingRuleError
from scanfloor.purchasing.terms_rules import (
    POLICIES,
    PolicyValues,
    check_case_holds_purchase_units,
    check_days,
    check_policy,
    clean_terms,
    normalise_currency,
    normalise_email,
)


def _refused(code: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> PurchasingRuleError:
    with pytest.raises(PurchasingRuleError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- supplier contact and terms ----------------------------------------------------------


def test_a_currency_is_three_letters_upper_cased():
    assert normalise_currency(" usd ") == "USD"
    for bad in ("EURO", "E1R", "", "€UR", "ÉUR"):
        _refused("invalid_currency", normalise_currency, bad)


def test_an_email_needs_a_local_part_and_a_dotted_domain_which_is_lower_cased():
    assert normalise_email(" Orders@Acme.EXAMPLE ") == "Orders@acme.example"
    assert normalise_email("po+eu@mail.acme.co.uk") == "po+eu@mail.acme.co.uk"
    for bad in (
        "acme.example",
        "@acme.example",
        "po@acme",
        "po@@acme.example",
        "p o@acme.example",
        "po@-acme.example",
        "po@acme.123",
        ".po@acme.example",
        "po..x@acme.example",
        "x" * 65 + "@acme.example",
        "po@" + "a" * 250 + ".example",
    ):
        refusal = _refused("invalid_email", normalise_email, bad)
        assert refusal.details["field"] == "email"


def test_days_are_whole_numbers_from_zero_to_ten_years():
    assert check_days("transit_days", 0) == 0
    assert check_days("transit_days", 3650) == 3650
    for bad in (-1, 3651, True, 1.5, "3"):
        refusal = _refused("invalid_days", check_days, "transit_days", bad)
        assert refusal.details["field"] == "transit_days"


# --- supplier items ----------------------------------------------------------------------


def test_terms_are_cleaned_field_by_field_and_other_keys_are_left_out():
    clean = clean_terms(
        {
            "unit_cost": "4.250000",
            "currency": "gbp",
            "purchase_unit": " Case ",
            "supplier_sku": "  ",
            "case_volume_m3": "0.125",
            "case_weight_kg": None,
            "sku": "not a term",
        }
    )
    assert clean == {
        "unit_cost": Decimal("4.25"),
        "currency": "GBP",
        "purchase_unit": "case",
        "supplier_sku": None,
        "case_volume_m3": Decimal("0.125"),
        "case_weight_kg": None,
    }


def test_a_unit_cost_has_at_most_six_decimals_and_is_never_negative():
    assert clean_terms({"unit_cost": "0.123456"})["unit_cost"] == Decimal("0.123456")
    refusal = _refused("invalid_unit_cost", clean_terms, {"unit_cost": "0.1234567"})
    assert refusal.details["field"] == "unit_cost"
    _refused("invalid_unit_cost", clean_terms, {"unit_cost": "-1"})


@pytest.mark.parametrize("field", ["moq", "case_pack", "units_per_purchase_unit"])
def test_moq_case_pack_and_purchase_unit_size_are_at_least_one_base_unit(field):
    assert clean_terms({field: 1}) == {field: 1}
    for bad in (0, -5, True, 2.0):
        refusal = _refused(f"invalid_{field}", clean_terms, {field: bad})
        assert refusal.details["field"] == field


def test_case_cube_and_weight_are_positive_and_fit_their_columns():
    _refused("invalid_case_volume_m3", clean_terms, {"case_volume_m3": "0"})
    _refused("invalid_case_volume_m3", clean_terms, {"case_volume_m3": "0.0000001"})
    _refused("invalid_case_weight_kg", clean_terms, {"case_weight_kg": "1.2345"})
    _refused("invalid_case_weight_kg", clean_terms, {"case_weight_kg": "1000000000"})


def test_a_case_holds_whole_purchase_units():
    check_case_holds_purchase_units(24, 6)
    check_case_holds_purchase_units(12, 1)
    refusal = _refused("case_pack_not_whole_purchase_units", check_case_holds_purchase_units, 10, 6)
    assert refusal.details["field"] == "case_pack"


# --- reorder policies --------------------------------------------------------------------


def test_the_policies_are_the_ones_the_table_accepts():
    from scanfloor.purchasing.terms_models import REORDER_POLICIES

    assert POLICIES == REORDER_POLICIES


def test_min_max_needs_min_and_max_with_max_at_least_min():
    assert check_policy("min_max", {"min_qty": 0, "max_qty": 10}) == PolicyValues(
        "min_max", min_qty=0, max_qty=10
    )
    assert check_policy("min_max", {"min_qty": 5, "max_qty": 5}).max_qty == 5
    refusal = _refused("field_required", check_policy, "min_max", {"min_qty": 5})
    assert refusal.details["fields"] == ["max_qty"]
    _refused("invalid_min_max", check_policy, "min_max", {"min_qty": 6, "max_qty": 5})
    _refused("invalid_min_qty", check_policy, "min_max", {"min_qty": -1, "max_qty": 5})
    _refused("invalid_max_qty", check_policy, "min_max", {"min_qty": 0, "max_qty": 0})


def test_a_field_the_policy_does_not_use_is_refused_not_kept():
    refusal = _refused(
        "field_not_used",
        check_policy,
        "min_max",
        {"min_qty": 1, "max_qty": 5, "service_level": "0.95", "review_days": 7},
    )
    assert refusal.details["fields"] == ["review_days", "service_level"]
    _refused("field_not_used", check_policy, "buy_to_order", {"order_qty": 5})
    # None means not given, whatever the policy.
    assert check_policy("buy_to_order", {"min_qty": None, "max_qty": None}) == PolicyValues(
        "buy_to_order"
    )


def test_reorder_point_needs_a_service_level_and_a_fixed_quantity_or_eoq_costs():
    fixed = check_policy("reorder_point", {"service_level": "0.95", "order_qty": 100})
    assert (fixed.service_level, fixed.order_qty) == (Decimal("0.95"), 100)
    eoq = check_policy(
        "reorder_point",
        {"service_level": "0.975", "order_cost": "50", "holding_rate": "0.25"},
    )
    assert (eoq.order_cost, eoq.holding_rate) == (Decimal("50"), Decimal("0.25"))
    _refused("field_required", check_policy, "reorder_point", {"order_qty": 100})
    _refused("field_required", check_policy, "reorder_point", {"service_level": "0.95"})
    refusal = _refused(
        "field_required",
        check_policy,
        "reorder_point",
        {"service_level": "0.95", "order_cost": "50"},
    )
    assert refusal.details["field"] == "holding_rate"


def test_a_checked_reorder_point_policy_runs_in_the_reorder_rule():
    checked = check_policy(
        "reorder_point", {"service_level": "0.95", "order_cost": "50", "holding_rate": "0.25"}
    )
    assert checked.service_level is not None
    assert checked.order_cost is not None and checked.holding_rate is not None
    demand = Demand(Decimal(20), Decimal(6), Decimal(10), Decimal(3))
    suggestion = suggest_reorder_point(
        Position(on_hand=100),
        demand,
        z_for_service_level(checked.service_level),
        costs=EoqCosts(checked.order_cost, Decimal("2"), checked.holding_rate),
    )
    assert suggestion.quantity > 0


def test_service_level_is_from_half_to_four_nines_with_four_decimals():
    for good in ("0.5", "0.95", "0.9999"):
        level = check_policy("periodic_review", {"service_level": good, "review_days": 7})
        assert level.service_level == Decimal(good)
        assert z_for_service_level(Decimal(good)) > -1
    for bad in ("1.0", "1", "0", "0.49", "0.99995", "nope"):
        refusal = _refused(
            "invalid_service_level",
            check_policy,
            "periodic_review",
            {"service_level": bad, "review_days": 7},
        )
        assert refusal.details["field"] == "service_level"


def test_periodic_review_needs_review_days_from_one_to_a_year():
    _refused("field_required", check_policy, "periodic_review", {"service_level": "0.9"})
    for bad in (0, 366, True):
        _refused(
            "invalid_review_days",
            check_policy,
            "periodic_review",
            {"service_level": "0.9", "review_days": bad},
        )


def test_a_holding_rate_is_a_yearly_fraction_not_a_percentage():
    base = {"service_level": "0.95", "order_cost": "10"}
    assert check_policy("reorder_point", {**base, "holding_rate": "1"}).holding_rate == 1
    for bad in ("25", "0", "0.12345"):
        _refused(
            "invalid_holding_rate", check_policy, "reorder_point", {**base, "holding_rate": bad}
        )
    _refused(
        "invalid_order_cost",
        check_policy,
        "reorder_point",
        {"service_level": "0.95", "order_cost": "-1", "holding_rate": "0.2"},
    )


def test_an_unknown_policy_is_refused():
    refusal = _refused("invalid_policy", check_policy, "just_in_case", {})
    assert refusal.details["field"] == "policy"
