"""Pure catalog rules: pack ladders, location trees, container and lot codes, cursors."""

from __future__ import annotations

import pytest

from scanfloor.catalog.codes import CodeError
from scanfloor.catalog.results import cursor_id, next_cursor, page_limit
from scanfloor.catalog.rules import (
    CatalogRuleError,
    canonical_container_code,
    canonical_place_barcode,
    check_location_kind,
    check_location_parent,
    check_pack_ladder,
    check_tracking,
    container_symbology,
    default_level,
    default_sellable,
    normalise_location_code,
    normalise_lot_code,
    sscc_is_valid,
)
from scanfloor.errors import ValidationFailed

VALID_SSCC = "106141411234567897"
OTHER_SSCC = "376130321109103420"

# --- pack ladder --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "packs",
    [
        [("each", 1)],
        [("each", 1), ("case", 12)],
        [("each", 1), ("inner", 6), ("case", 12), ("pallet", 480)],
        [("pallet", 480), ("each", 1), ("inner", 6)],  # order given does not matter
    ],
)
def test_pack_quantities_rising_with_level_are_accepted(packs):
    check_pack_ladder(packs)


@pytest.mark.parametrize(
    ("packs", "why"),
    [
        ([("each", 1), ("inner", 12), ("case", 6)], "more base units than a inner"),
        ([("each", 1), ("inner", 12), ("case", 12)], "more base units than a inner"),
        ([("each", 1), ("pallet", 1)], "more base units than a each"),
        ([("each", 2)], "one base unit"),
        ([("case", 12)], "needs an 'each'"),
        ([("each", 1), ("each", 1)], "given twice"),
        ([("each", 1), ("box", 10)], "unknown pack level"),
        ([("each", 1), ("case", 0)], "at least 1"),
        ([("each", 1), ("case", True)], "whole number"),
    ],
)
def test_pack_ladders_that_do_not_rise_from_one_each_are_refused(packs, why):
    with pytest.raises(CatalogRuleError, match=why):
        check_pack_ladder(packs)


def test_a_ladder_refusal_names_the_two_levels_that_broke_it():
    with pytest.raises(CatalogRuleError) as caught:
        check_pack_ladder([("each", 1), ("inner", 12), ("case", 6), ("pallet", 100)])
    assert caught.value.details == {"inner": 12, "case": 6}


# --- tracking -----------------------------------------------------------------------------


def test_expiry_can_only_be_tracked_on_lot_tracked_items():
    check_tracking("lot", True)
    check_tracking("serial", False)
    with pytest.raises(CatalogRuleError, match="tracking to 'lot'"):
        check_tracking("none", True)
    with pytest.raises(CatalogRuleError) as refused:
        check_tracking("batch", False)
    assert refused.value.details == {"tracking": "batch"}


# --- locations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location_type", "level", "sellable"),
    [
        ("warehouse", "warehouse", False),
        ("zone", "zone", False),
        ("storage", "bin", True),
        ("pick_face", "bin", True),
        ("dock", "bin", False),
        ("quarantine", "bin", False),
        ("returns", "bin", False),
        ("staging", "bin", False),
    ],
)
def test_only_storage_and_pick_faces_are_sellable_by_default(location_type, level, sellable):
    assert default_level(location_type) == level
    assert default_sellable(location_type) is sellable


@pytest.mark.parametrize(
    ("level", "location_type"),
    [("warehouse", "warehouse"), ("zone", "zone"), ("zone", "dock"), ("bin", "storage")],
)
def test_levels_accept_their_types(level, location_type):
    check_location_kind(level, location_type)


@pytest.mark.parametrize(
    ("level", "location_type"),
    [
        ("warehouse", "storage"),
        ("bin", "warehouse"),
        ("zone", "warehouse"),
        ("bin", "zone"),
        ("bin", "virtual"),
        ("shelf", "storage"),
    ],
)
def test_levels_refuse_types_that_do_not_belong_to_them(level, location_type):
    with pytest.raises(CatalogRuleError) as refused:
        check_location_kind(level, location_type)
    assert refused.value.details.get("level", level) == level
    assert refused.value.details.get("type", location_type) == location_type


@pytest.mark.parametrize(
    ("level", "parent_level"),
    [("warehouse", None), ("zone", "warehouse"), ("bin", "zone"), ("bin", "warehouse")],
)
def test_the_tree_is_warehouse_then_zone_then_bin(level, parent_level):
    check_location_parent(level, parent_level)


@pytest.mark.parametrize(
    ("level", "parent_level"),
    [
        ("warehouse", "warehouse"),
        ("zone", None),
        ("zone", "zone"),
        ("zone", "bin"),
        ("bin", None),
        ("bin", "bin"),
    ],
)
def test_a_location_under_the_wrong_parent_is_refused(level, parent_level):
    with pytest.raises(CatalogRuleError, match="cannot sit under"):
        check_location_parent(level, parent_level)


def test_nothing_sits_under_a_virtual_location():
    with pytest.raises(CatalogRuleError, match="virtual"):
        check_location_parent("bin", "virtual", parent_is_virtual=True)


def test_location_codes_are_trimmed_and_upper_cased_and_refuse_inner_spaces():
    assert normalise_location_code("  a-01-02 ") == "A-01-02"
    for bad in ("", "   ", "A 01", "X" * 65):
        with pytest.raises(CatalogRuleError) as refused:
            normalise_location_code(bad)
        assert refused.value.details == {"code": bad}


def test_a_gtin_cannot_be_a_location_barcode():
    assert canonical_place_barcode("a-01-02") == ("internal", "A-01-02")
    with pytest.raises(CodeError, match="identifies a product"):
        canonical_place_barcode("4006381333931")


# --- containers ---------------------------------------------------------------------------


def test_sscc_check_digit_is_the_gs1_one():
    assert sscc_is_valid(VALID_SSCC)
    assert sscc_is_valid(OTHER_SSCC)
    assert not sscc_is_valid(VALID_SSCC[:-1] + "0")
    assert not sscc_is_valid(VALID_SSCC[:-1])
    assert not sscc_is_valid("10614141123456789X")


@pytest.mark.parametrize(
    "raw",
    [VALID_SSCC, f"(00){VALID_SSCC}", f"00{VALID_SSCC}", f" (00) {VALID_SSCC} "],
)
def test_an_sscc_is_stored_as_its_18_digits_however_it_was_read(raw):
    assert canonical_container_code(raw) == ("sscc", VALID_SSCC)


def test_an_sscc_with_a_wrong_check_digit_is_refused_with_the_right_digit():
    with pytest.raises(CodeError, match="should be 7"):
        canonical_container_code(VALID_SSCC[:-1] + "3")


def test_anything_else_is_an_lpn_upper_cased():
    assert canonical_container_code(" tote-0001 ") == ("lpn", "TOTE-0001")


@pytest.mark.parametrize("raw", ["4006381333931", "04006381333931", "T" * 33, "a b", "x"])
def test_gtins_and_unprintable_or_overlong_lpns_are_not_container_codes(raw):
    with pytest.raises(CodeError) as refused:
        canonical_container_code(raw)
    assert str(refused.value).startswith(
        ("a GTIN identifies a product", "an LPN is at most", "internal codes are")
    )


def test_container_symbology_follows_the_stored_code():
    assert container_symbology(VALID_SSCC) == "sscc"
    assert container_symbology("TOTE-0001") == "lpn"


# --- lots and pages -----------------------------------------------------------------------


def test_lot_codes_compare_case_insensitively():
    assert normalise_lot_code(" lot-42a ") == "LOT-42A"
    for bad in ("", "L 1", "L" * 41):
        with pytest.raises(CatalogRuleError) as refused:
            normalise_lot_code(bad)
        assert refused.value.details == {"code": bad}


def test_a_cursor_is_the_last_id_of_a_full_page():
    assert cursor_id(None) == 0
    assert cursor_id("17") == 17
    assert next_cursor([3, 5, 9], 2) == "5"
    assert next_cursor([3, 5], 2) is None


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "9" * 40])
def test_a_cursor_this_server_never_gave_out_is_refused(bad):
    with pytest.raises(ValidationFailed):
        cursor_id(bad)


def test_page_size_is_capped_at_200():
    assert page_limit(None) == 50
    assert page_limit(200) == 200
    for bad in (0, 201):
        with pytest.raises(ValidationFailed):
            page_limit(bad)
