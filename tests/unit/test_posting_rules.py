"""Posting rules: which side a location stands for, the entry each kind of movement posts
(both directions), no entry within one place, and lines that always balance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.finance.posting_rules import (
    EntryLine,
    Rule,
    Side,
    entry_lines,
    reversed_lines,
    rule_for,
    side_of,
    valued_places,
)

WH_A = Side("owned", 1)
WH_B = Side("owned", 2)
TRANSIT = Side("transit", 90)
VENDOR = Side("vendor", None)
CUSTOMER = Side("customer", None)
ADJUST = Side("adjustment", None)
SCRAP = Side("scrap", None)
OTHER = Side("other", None)
ZERO = Decimal(0)


@pytest.mark.parametrize(
    ("is_virtual", "code", "warehouse_id", "side"),
    [
        (True, "VENDOR", None, VENDOR),
        (True, "CUSTOMER", None, CUSTOMER),
        (True, "INV-ADJ", None, ADJUST),
        (True, "SCRAP", None, SCRAP),
        (True, "IN-TRANSIT", None, TRANSIT),
        (True, "SOMEWHERE", None, OTHER),
        (False, "A-01-01", 1, WH_A),
        (False, "LOOSE", None, OTHER),
    ],
)
def test_a_location_stands_for_a_side(
    is_virtual: bool, code: str, warehouse_id: int | None, side: Side
) -> None:
    assert side_of(is_virtual, code, warehouse_id, 90) == side


@pytest.mark.parametrize(
    ("src", "dst", "rule"),
    [
        (VENDOR, WH_A, Rule("receipt", "inventory", 1, "grni", None)),
        (WH_A, VENDOR, Rule("return_to_vendor", "grni", None, "inventory", 1)),
        (WH_A, CUSTOMER, Rule("shipment", "cogs", None, "inventory", 1)),
        (CUSTOMER, WH_A, Rule("customer_return", "inventory", 1, "cogs", None)),
        (WH_A, SCRAP, Rule("scrap", "scrap_expense", None, "inventory", 1)),
        (SCRAP, WH_A, Rule("scrap", "inventory", 1, "scrap_expense", None)),
        (WH_A, ADJUST, Rule("shrinkage", "shrinkage", None, "inventory", 1)),
        (WH_A, OTHER, Rule("shrinkage", "shrinkage", None, "inventory", 1)),
        (ADJUST, WH_A, Rule("stock_gain", "inventory", 1, "shrinkage", None)),
        (OTHER, WH_A, Rule("stock_gain", "inventory", 1, "shrinkage", None)),
        (WH_A, TRANSIT, Rule("transfer_out", "in_transit", None, "inventory", 1)),
        (TRANSIT, WH_B, Rule("transfer_in", "inventory", 2, "in_transit", None)),
        (WH_A, WH_B, Rule("transfer", "inventory", 2, "inventory", 1)),
        (WH_B, WH_A, Rule("transfer", "inventory", 1, "inventory", 2)),
        (VENDOR, TRANSIT, Rule("receipt", "in_transit", None, "grni", None)),
        (TRANSIT, CUSTOMER, Rule("shipment", "cogs", None, "in_transit", None)),
        (CUSTOMER, TRANSIT, Rule("customer_return", "in_transit", None, "cogs", None)),
        (TRANSIT, SCRAP, Rule("scrap", "scrap_expense", None, "in_transit", None)),
    ],
)
def test_each_kind_of_movement_posts_its_rule(src: Side, dst: Side, rule: Rule) -> None:
    assert rule_for(src, dst) == rule


@pytest.mark.parametrize(
    ("src", "dst"),
    [(WH_A, WH_A), (TRANSIT, TRANSIT), (VENDOR, CUSTOMER), (ADJUST, SCRAP), (OTHER, OTHER)],
)
def test_moves_within_one_place_or_between_counterparties_post_nothing(
    src: Side, dst: Side
) -> None:
    assert rule_for(src, dst) is None
    assert valued_places(src, dst) == (None, None)


def test_the_valued_places_are_the_owned_and_transit_ends() -> None:
    assert valued_places(VENDOR, WH_A) == (None, 1)
    assert valued_places(WH_A, CUSTOMER) == (1, None)
    assert valued_places(WH_A, TRANSIT) == (1, 90)
    assert valued_places(TRANSIT, WH_B) == (90, 2)
    assert valued_places(WH_A, WH_B) == (1, 2)


def _balance(lines: list[EntryLine]) -> tuple[Decimal, Decimal]:
    return sum((x.debit for x in lines), ZERO), sum((x.credit for x in lines), ZERO)


def test_a_receipt_debits_inventory_and_credits_grni() -> None:
    rule = rule_for(VENDOR, WH_A)
    assert rule is not None
    assert entry_lines(rule, Decimal("80.00")) == [
        EntryLine("inventory", 1, Decimal("80.00"), ZERO),
        EntryLine("grni", None, ZERO, Decimal("80.00")),
    ]


def test_a_negative_stock_correction_charges_cogs_against_the_receiving_inventory() -> None:
    rule = rule_for(VENDOR, WH_A)
    assert rule is not None
    lines = entry_lines(rule, Decimal("60.00"), Decimal("6.00"))
    assert lines[2:] == [
        EntryLine("cogs", 1, Decimal("6.00"), ZERO),
        EntryLine("inventory", 1, ZERO, Decimal("6.00")),
    ]
    less = entry_lines(rule, Decimal("60.00"), Decimal("-6.00"))
    assert less[2:] == [
        EntryLine("inventory", 1, Decimal("6.00"), ZERO),
        EntryLine("cogs", 1, ZERO, Decimal("6.00")),
    ]


def test_a_rounding_residue_goes_to_the_rounding_account() -> None:
    rule = rule_for(TRANSIT, WH_B)
    assert rule is not None
    lines = entry_lines(rule, Decimal("10.00"), rounding=Decimal("-0.01"))
    assert lines[2:] == [
        EntryLine("inventory", 2, Decimal("0.01"), ZERO),
        EntryLine("rounding", 2, ZERO, Decimal("0.01")),
    ]


def test_a_correction_on_an_issue_rule_lands_on_the_issuing_inventory() -> None:
    rule = rule_for(WH_A, CUSTOMER)
    assert rule is not None
    assert entry_lines(rule, ZERO, Decimal("-5.00")) == [
        EntryLine("inventory", 1, Decimal("5.00"), ZERO),
        EntryLine("cogs", 1, ZERO, Decimal("5.00")),
    ]


def test_a_transfer_corrects_each_warehouse_on_its_own_inventory() -> None:
    rule = rule_for(WH_A, WH_B)
    assert rule is not None
    lines = entry_lines(rule, Decimal("30.00"), Decimal("1.00"), issue_correction=Decimal("2.00"))
    assert lines[2:] == [
        EntryLine("cogs", 2, Decimal("1.00"), ZERO),
        EntryLine("inventory", 2, ZERO, Decimal("1.00")),
        EntryLine("cogs", 1, Decimal("2.00"), ZERO),
        EntryLine("inventory", 1, ZERO, Decimal("2.00")),
    ]


def test_an_issue_correction_without_an_issuing_place_is_refused() -> None:
    rule = rule_for(VENDOR, WH_A)
    assert rule is not None
    with pytest.raises(ValueError):
        entry_lines(rule, Decimal("1.00"), issue_correction=Decimal("1.00"))


def test_zero_lines_are_left_out() -> None:
    rule = rule_for(WH_A, SCRAP)
    assert rule is not None
    assert entry_lines(rule, ZERO) == []
    assert entry_lines(rule, Decimal("0.00"), ZERO, ZERO) == []


def test_a_reversal_swaps_debits_and_credits() -> None:
    rule = rule_for(WH_A, CUSTOMER)
    assert rule is not None
    lines = entry_lines(rule, Decimal("12.00"), Decimal("1.00"))
    back = reversed_lines(lines)
    assert [(x.role, x.place) for x in back] == [(x.role, x.place) for x in lines]
    assert [(x.debit, x.credit) for x in back] == [(x.credit, x.debit) for x in lines]
    assert reversed_lines(back) == lines


_SIDES = st.sampled_from([WH_A, WH_B, TRANSIT, VENDOR, CUSTOMER, ADJUST, SCRAP, OTHER])
_MONEY = st.decimals(min_value=-1000, max_value=1000, places=2)


@settings(max_examples=200, deadline=None)
@given(src=_SIDES, dst=_SIDES, amount=_MONEY, corr=_MONEY, resid=_MONEY, issue=_MONEY)
def test_entry_lines_always_balance_and_never_go_negative(
    src: Side, dst: Side, amount: Decimal, corr: Decimal, resid: Decimal, issue: Decimal
) -> None:
    rule = rule_for(src, dst)
    if rule is None:
        return
    if rule.credit_role not in ("inventory", "in_transit"):
        issue = ZERO  # nothing is issued from a valued place: no issue correction to post
    lines = entry_lines(rule, abs(amount), corr, resid, issue_correction=issue)
    debit, credit = _balance(lines)
    assert debit == credit
    assert all(x.debit >= 0 and x.credit >= 0 and (x.debit == 0) != (x.credit == 0) for x in lines)
