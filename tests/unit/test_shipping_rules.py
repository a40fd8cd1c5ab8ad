"""Shipping's pure rules: tracking numbers, carrier settings, manifests, partial shipments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.shipping.rules import (
    CarrierSpec,
    CartonState,
    LineState,
    Missing,
    ShippingRuleError,
    carton_refusal,
    check_carrier,
    check_service,
    gs1_check_digit,
    lines_now_shipped,
    manual_rate,
    missing_units,
    number_space,
    shipped_per_line,
    spaces_overlap,
    tracking_number,
    tracking_url,
    whole_order_shipped,
)

ADAPTERS = ("manual",)


def spec(**kw):
    base = {
        "code": "OWN",
        "name": "Own fleet",
        "adapter": "manual",
        "services": ("standard",),
        "tracking_prefix": "SF",
        "tracking_next": 1,
        "tracking_last": 999,
    }
    base.update(kw)
    return CarrierSpec(**base)


# --- tracking numbers ------------------------------------------------------------------


def test_a_tracking_number_is_the_prefix_then_the_number_zero_padded():
    assert tracking_number("SF", 42, 8, None) == "SF00000042"
    assert tracking_number("", 7, 1, None) == "7"


def test_a_mod10_tracking_number_ends_in_its_gs1_check_digit():
    assert tracking_number("", 12345, 5, "mod10") == "12345" + str(gs1_check_digit("12345"))
    assert gs1_check_digit("12345") == 7  # 5*3 + 4 + 3*3 + 2 + 1*3 = 33 -> 7


def test_the_check_digit_matches_a_known_gtin():
    # GTIN-13 4006381333931: its first twelve digits give check digit 1.
    assert gs1_check_digit("400638133393") == 1


def test_a_number_too_long_for_its_digits_is_refused():
    with pytest.raises(ShippingRuleError):
        tracking_number("SF", 1000, 3, None)


def test_the_tracking_url_quotes_the_number_into_the_template():
    template = "https://track.example.com/t/{tracking_number}?lang=en"
    assert tracking_url(template, "SF 1/2") == "https://track.example.com/t/SF%201%2F2?lang=en"
    assert tracking_url(None, "SF1") is None
    assert tracking_url(template, None) is None


# --- carriers ---------------------------------------------------------------------------


def test_a_well_formed_carrier_passes():
    check_carrier(spec(settings={"digits": 6, "check_digit": "mod10"}), ADAPTERS)
    check_carrier(spec(tracking_next=None, tracking_last=None), ADAPTERS)  # no numbers


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "own fleet"}, "code"),
        ({"adapter": "acme"}, "adapter"),
        ({"services": ()}, "services"),
        ({"services": ("Standard",)}, "services"),
        ({"services": ("standard", "standard")}, "services"),
        ({"tracking_prefix": "sf-"}, "tracking_prefix"),
        ({"tracking_next": 10, "tracking_last": 9}, "tracking_last"),
        ({"tracking_next": None, "tracking_last": 9}, "tracking_next"),
        ({"tracking_last": 10**12}, "settings.digits"),
        ({"tracking_last": 10**19, "settings": {"digits": 30}}, "tracking_last"),
        ({"tracking_url_template": "https://x.example/track"}, "tracking_url_template"),
        ({"tracking_url_template": "http://x.example/{tracking_number}"}, "tracking_url_template"),
        ({"settings": {"colour": "red"}}, "settings"),
        ({"settings": {"digits": 0}}, "settings.digits"),
        ({"settings": {"check_digit": "luhn"}}, "settings.check_digit"),
        ({"settings": {"rates": {"standard": "4.95"}}}, "settings.currency"),
        ({"settings": {"currency": "EUR", "rates": {"standard": 4.95}}}, "settings.rates"),
        ({"settings": {"currency": "EUR", "rates": {"standard": "-1"}}}, "settings.rates"),
    ],
)
def test_a_carrier_breaking_a_rule_is_refused_naming_the_field(changes, field):
    with pytest.raises(ShippingRuleError) as caught:
        check_carrier(spec(**changes), ADAPTERS)
    assert caught.value.details["field"] == field


def test_a_service_not_offered_by_the_carrier_is_refused():
    check_service(("standard", "express"), "express")
    with pytest.raises(ShippingRuleError) as caught:
        check_service(("standard",), "overnight")
    assert caught.value.details["allowed"] == ["standard"]


def test_the_manual_carrier_quotes_a_configured_flat_rate_per_carton():
    quote = manual_rate({"currency": "EUR", "rates": {"standard": "4.95"}}, "standard", 3)
    assert (quote.amount, quote.currency, quote.basis) == (
        Decimal("14.85"),
        "EUR",
        "flat_per_carton",
    )


def test_a_service_without_a_rate_is_the_own_fleet_at_no_cost():
    quote = manual_rate({"currency": "EUR", "rates": {"standard": "4.95"}}, "express", 2)
    assert (quote.amount, quote.basis) == (Decimal("0"), "own_fleet")


# --- manifests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("carton", "expected"),
    [
        (CartonState(1, 10, "closed", None), None),
        (CartonState(1, 10, "closed", 5), "already_here"),
        (CartonState(1, 11, "closed", None), "wrong_warehouse"),
        (CartonState(1, 10, "shipped", 4), "carton_shipped"),
        (CartonState(1, 10, "closed", 4), "carton_on_another_shipment"),
        (CartonState(1, 10, "open", None), "carton_not_closed"),
        (CartonState(1, 10, "closed", None, "cancelled"), "order_cancelled"),
    ],
)
def test_what_may_go_on_a_shipment(carton, expected):
    assert carton_refusal(carton, shipment_id=5, warehouse_id=10) == expected


# --- ship confirm -----------------------------------------------------------------------

LINES = [
    LineState(1, item_id=100, quantity=2, status="packed", picked=2),
    LineState(2, item_id=200, quantity=1, status="picked", picked=1),
    LineState(3, item_id=100, quantity=3, status="packed", picked=3),
    LineState(4, item_id=300, quantity=9, status="cancelled", picked=0),
]


def test_shipped_units_fill_an_items_lines_in_line_order():
    assert shipped_per_line(LINES, {100: 4}) == {1: 2, 2: 0, 3: 2}


def test_a_line_ships_when_every_unit_of_it_has_shipped():
    assert lines_now_shipped(LINES, {100: 4}) == [1]
    assert lines_now_shipped(LINES, {100: 5, 200: 1}) == [1, 2, 3]


def test_a_line_shipped_before_is_not_shipped_again():
    shipped = [LineState(1, 100, 2, "shipped", 2), LineState(2, 100, 1, "packed", 1)]
    assert lines_now_shipped(shipped, {100: 3}) == [2]


def test_a_line_not_picked_in_full_is_not_shipped_whatever_its_item_shipped():
    """Line 1 picked 1 of 2 (1 still reserved), line 2 picked its 2: the 3 units shipped are
    line 1's one and line 2's two; line 1 keeps its status, line 2 ships."""
    lines = [LineState(1, 100, 2, "picking", 1), LineState(2, 100, 2, "packed", 2)]
    assert shipped_per_line(lines, {100: 3}) == {1: 1, 2: 2}
    assert lines_now_shipped(lines, {100: 3}) == [2]
    assert missing_units(lines, {100: 3}) == [Missing(1, 100, "picking", 1)]


def test_what_keeps_an_order_from_shipping_whole_is_named_per_line():
    assert missing_units(LINES, {100: 4}) == [
        Missing(2, 200, "picked", 1),
        Missing(3, 100, "packed", 1),
    ]
    assert missing_units(LINES, {100: 5, 200: 1}) == []


def test_an_order_is_shipped_whole_when_every_live_line_is():
    assert whole_order_shipped(LINES, [1, 2, 3]) is True
    assert whole_order_shipped(LINES, [1, 3]) is False


# --- two carriers never issue one number ------------------------------------------------


def _space(prefix: str, first: int, last: int | None, **settings: object) -> object:
    found = number_space(prefix, first, last, settings)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (("SF", 1, 100), ("SF", 100, 200), True),
        (("SF", 1, 100), ("SF", 101, 200), False),
        (("SF", 1, 100), ("SG", 1, 100), False),
        (("SF", 1, None), ("SF", 10**9, None), True),  # open-ended: up to 10 digits
        (("A", 1, None), ("A0", 1, 5), False),  # "A"+10 digits vs "A0"+10 digits: longer
    ],
)
def test_two_ranges_overlap_when_they_can_issue_one_same_number(a, b, overlap):
    assert spaces_overlap(_space(*a), _space(*b)) is overlap
    assert spaces_overlap(_space(*b), _space(*a)) is overlap


def test_a_prefix_followed_by_digits_reads_as_a_shorter_prefixs_numbers():
    ten = _space("A", 1, None)  # A0000000001 ...
    nine = number_space("A0", 1, 5, {"digits": 9})  # A0 000000001 ... A0 000000005
    assert nine is not None and spaces_overlap(ten, nine)
    beyond = number_space("A9", 1, 5, {"digits": 9})  # A9000000001: beyond "A"'s 1..10**9
    assert beyond is not None and not spaces_overlap(_space("A", 1, 10**9), beyond)


def test_a_check_digit_counts_as_any_digit():
    plain = number_space("SF", 10, 19, {"digits": 9})  # SF 0000000 10..19 (11 characters)
    checked = number_space("SF", 1, 1, {"digits": 8, "check_digit": "mod10"})  # SF 00000001 d
    assert plain is not None and checked is not None
    assert spaces_overlap(plain, checked)


def test_a_carrier_without_a_range_issues_no_number():
    assert number_space("SF", None, None, {}) is None


def test_a_unit_shipped_for_a_line_is_not_counted_again_for_an_earlier_line_picked_later():
    """Line 2 (1 unit) shipped first, while line 1 had nothing picked; line 1 picks its 3
    and 2 of them ship: 3 units shipped in all, line 2's 1 and line 1's 2. Line 1 is not
    shipped."""
    lines = [LineState(1, 100, 3, "picked", 3), LineState(2, 100, 1, "shipped", 1)]
    assert shipped_per_line(lines, {100: 3}) == {1: 2, 2: 1}
    assert lines_now_shipped(lines, {100: 3}) == []
    assert lines_now_shipped(lines, {100: 4}) == [1]
