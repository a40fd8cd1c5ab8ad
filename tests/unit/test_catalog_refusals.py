"""Catalog refusals name what broke the rule (the API answers with these details), and the
SKU and barcode forms one code is stored in (no database)."""

from __future__ import annotations

import pytest

from scanfloor.catalog.codes import (
    CodeError,
    canonical_barcode,
    gtin_is_valid,
    normalise_sku,
    sku_key,
)
from scanfloor.catalog.rules import (
    CatalogRuleError,
    canonical_container_code,
    check_location_kind,
    check_location_parent,
    check_pack_ladder,
    check_tracking,
    container_symbology,
    normalise_location_code,
    normalise_lot_code,
)

VALID_SSCC = "106141411234567897"


def refusal(check, *args) -> dict[str, object]:
    """The details a catalog rule refuses with (its message is a sentence for the user)."""
    with pytest.raises(CatalogRuleError) as refused:
        check(*args)
    assert isinstance(refused.value.args[0], str) and " " in refused.value.args[0]
    return refused.value.details


def code_refusal(check, raw: str) -> str:
    with pytest.raises(CodeError) as refused:
        check(raw)
    return str(refused.value)


# --- pack ladders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("packs", "details"),
    [
        (
            [("each", 1), ("box", 10)],
            {"level": "box", "allowed": ["each", "inner", "case", "pallet"]},
        ),
        ([("each", 1), ("each", 1)], {"level": "each"}),
        ([("each", 1), ("case", 0)], {"level": "case", "quantity": 0}),
        ([("each", 1), ("case", 2.5)], {"level": "case", "quantity": 2.5}),
        ([("each", 1), ("case", True)], {"level": "case", "quantity": True}),
        ([("inner", 6), ("case", 12)], {"levels": ["inner", "case"]}),
        ([("each", 2)], {"level": "each", "quantity": 2}),
        ([("each", 1), ("case", 1)], {"each": 1, "case": 1}),
    ],
)
def test_a_pack_ladder_refusal_names_the_level_and_quantity_at_fault(packs, details):
    assert refusal(check_pack_ladder, packs) == details


def test_a_pack_of_two_base_units_over_an_each_is_a_ladder():
    check_pack_ladder([("each", 1), ("inner", 2), ("case", 3), ("pallet", 4)])


# --- tracking and locations --------------------------------------------------------------


def test_a_tracking_refusal_names_the_tracking_and_the_expiry_flag():
    assert refusal(check_tracking, "batch", False) == {"tracking": "batch"}
    assert refusal(check_tracking, "serial", True) == {"tracking": "serial", "expiry_tracked": True}
    check_tracking("none", False)


@pytest.mark.parametrize(
    ("level", "location_type", "details"),
    [
        (
            "bin",
            "virtual",
            {
                "type": "virtual",
                "allowed": [
                    "warehouse",
                    "zone",
                    "dock",
                    "storage",
                    "pick_face",
                    "staging",
                    "pack_station",
                    "shipping",
                    "returns",
                    "quarantine",
                    "refurbish",
                    "rtv",
                ],
            },
        ),
        ("shelf", "storage", {"level": "shelf", "allowed": ["warehouse", "zone", "bin"]}),
        ("warehouse", "storage", {"level": "warehouse", "type": "storage"}),
        ("bin", "warehouse", {"level": "bin", "type": "warehouse"}),
        ("bin", "zone", {"level": "bin", "type": "zone"}),
    ],
)
def test_a_location_kind_refusal_names_the_level_and_type(level, location_type, details):
    assert refusal(check_location_kind, level, location_type) == details


@pytest.mark.parametrize(
    ("level", "parent_level", "allowed"),
    [
        ("warehouse", "zone", []),
        ("zone", None, ["warehouse"]),
        ("bin", "bin", ["zone", "warehouse"]),
    ],
)
def test_a_parent_refusal_names_the_levels_allowed_above(level, parent_level, allowed):
    assert refusal(check_location_parent, level, parent_level) == {
        "level": level,
        "parent_level": parent_level,
        "allowed_parent_levels": allowed,
    }


def test_a_parent_refusal_says_what_the_location_would_sit_under():
    with pytest.raises(CatalogRuleError) as refused:
        check_location_parent("zone", None)
    assert str(refused.value) == "a zone cannot sit under nothing"
    with pytest.raises(CatalogRuleError) as refused:
        check_location_parent("bin", "bin")
    assert str(refused.value) == "a bin cannot sit under a bin"
    assert refusal(check_location_parent, "bin", "zone", True) == {}


@pytest.mark.parametrize("check", [normalise_location_code, normalise_lot_code])
def test_a_code_refusal_names_the_code_as_given(check):
    assert refusal(check, " a b ") == {"code": " a b "}


# --- containers -------------------------------------------------------------------------


def test_twenty_digits_not_starting_00_are_not_an_sscc_with_its_ai():
    assert canonical_container_code(f"00{VALID_SSCC}") == ("sscc", VALID_SSCC)
    # 20 characters starting 00 but not all digits: an LPN, not an SSCC with AI 00.
    assert canonical_container_code(f"00{VALID_SSCC[:-1]}X") == ("lpn", f"00{VALID_SSCC[:-1]}X")
    assert canonical_container_code(f"11{VALID_SSCC}") == ("lpn", f"11{VALID_SSCC}")


def test_eighteen_characters_that_are_not_all_digits_are_an_lpn():
    assert canonical_container_code("A" * 18) == ("lpn", "A" * 18)
    assert container_symbology("A" * 18) == "lpn"
    assert container_symbology(VALID_SSCC[:-1]) == "lpn"
    assert container_symbology("1" * 17 + "A") == "lpn"


def test_an_sscc_refusal_gives_the_right_check_digit():
    assert (
        code_refusal(canonical_container_code, VALID_SSCC[:-1] + "0")
        == "SSCC check digit is 0, should be 7"
    )


# --- SKUs and barcodes ------------------------------------------------------------------


def test_skus_are_stored_trimmed_collapsed_and_upper_cased():
    assert normalise_sku("  ab   c-1 ") == "AB C-1"
    assert normalise_sku("\uff53\uff4b\uff55\uff11") == "SKU1"  # full-width letters fold to ASCII
    for raw in ("", "   ", "a\x07b"):
        assert code_refusal(normalise_sku, raw) == "SKU must be 1-64 printable characters"


def test_the_sku_duplicate_guard_folds_case_width_and_whitespace():
    assert sku_key(" Ab c-1 ") == "abc-1"
    assert sku_key("\uff21\uff22 \uff23") == "abc"
    assert sku_key("Straße") == "strasse"


def test_a_gtin_is_all_digits_of_a_gtin_length_with_a_good_check_digit():
    assert gtin_is_valid("4006381333931")
    assert gtin_is_valid("96385074")
    assert not gtin_is_valid("4006381333932")
    assert not gtin_is_valid("400638133393")  # twelve digits: a UPC-A with a bad check digit
    assert not gtin_is_valid("40063813339311")
    assert not gtin_is_valid("400638133393A")
    assert not gtin_is_valid("123456789")


def test_a_gtin_refusal_gives_its_length_and_the_right_check_digit():
    assert (
        code_refusal(canonical_barcode, "4006381333932") == "GTIN-13 check digit is 2, should be 1"
    )
    assert code_refusal(canonical_barcode, "96385075") == "GTIN-8 check digit is 5, should be 4"


def test_digits_of_another_length_are_an_internal_code():
    assert canonical_barcode("123456789") == ("internal", "123456789")
    assert canonical_barcode(" 4006381333931 ") == ("gtin", "04006381333931")


def test_the_right_check_digit_is_computed_from_the_first_17_digits():
    other = "376130321109103420"
    assert (
        code_refusal(canonical_container_code, other[:-1] + "5")
        == "SSCC check digit is 5, should be 0"
    )
