"""Raw scanner text -> what it carries (pure rules, no database)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanfloor.catalog.scan_rules import MAX_SCAN_LENGTH, MalformedScan, Scan, interpret_scan

GTIN = "09501101530003"  # GTIN-13 9501101530003 as 14 digits
GS1_SEPARATORS = ("\x1d", "|")


def reason_for(text: str, separators: tuple[str, ...] = GS1_SEPARATORS) -> str:
    with pytest.raises(MalformedScan) as caught:
        interpret_scan(text, separators)
    assert isinstance(caught.value.message, str) and " " in caught.value.message
    return caught.value.reason


# --- GS1-128 element strings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"]C101{GTIN}10ABC123\x1d17250200",
        f"01{GTIN}10ABC123\x1d17250200",
        f"]C101{GTIN}10ABC123|17250200",
        f"01{GTIN}10ABC123|17250200",
        f"]C101{GTIN}10ABC123\x1d17250200\r\n",
        f"\r\n]C1\x1d01{GTIN}10ABC123\x1d17250200\t",
    ],
)
def test_gs1_128_reads_gtin_lot_and_expiry_with_or_without_prefix_and_separator(text):
    scan = interpret_scan(text, GS1_SEPARATORS)
    assert scan.gtin == GTIN
    assert scan.lot == "ABC123"
    assert scan.expiry == date(2025, 2, 28)  # day 00 is the last day of the month
    assert scan.gs1 == {"01": GTIN, "10": "ABC123", "17": "250200"}
    assert scan.cleaned == f"01{GTIN}10ABC123\x1d17250200"
    assert scan.count is None


def test_aim_prefix_names_the_symbology_and_bare_element_string_says_gs1():
    assert interpret_scan(f"]C101{GTIN}").symbology == "gs1-128"
    assert interpret_scan(f"]d201{GTIN}").symbology == "gs1-datamatrix"
    assert interpret_scan(f"]Q301{GTIN}").symbology == "gs1-qr"
    assert interpret_scan(f"01{GTIN}").symbology == "gs1"


def test_serial_best_before_and_production_date_are_read():
    scan = interpret_scan(f"]C101{GTIN}11240115152601312112345")
    assert scan.production_date == date(2024, 1, 15)
    assert scan.best_before == date(2026, 1, 31)
    assert scan.serial == "12345"


@pytest.mark.parametrize(("ai", "count"), [("30", "12"), ("30", "00000007"), ("37", "5")])
def test_count_ai_is_read_as_an_integer(ai, count):
    scan = interpret_scan(f"01{GTIN}{ai}{count}")
    assert scan.count == int(count)


def test_pallet_label_reads_sscc_content_gtin_and_count():
    scan = interpret_scan(f"]C100106141411234567897\x1d02{GTIN}3740|10L1")
    assert scan.sscc == "106141411234567897"
    assert scan.gtin == GTIN
    assert scan.count == 40
    assert scan.lot == "L1"


@pytest.mark.parametrize("text", [f"]C101{GTIN}30", f"01{GTIN}3000", f"]C101{GTIN}30|10X"])
def test_zero_or_empty_count_is_refused(text):
    assert reason_for(text) == "count"


def test_missing_separator_lets_the_lot_swallow_the_expiry():
    # Documented behaviour: a variable-length lot runs to the next separator. Without one,
    # "17250200" becomes part of the lot and no expiry is read. The wedge must keep GS.
    scan = interpret_scan(f"]C101{GTIN}10ABC12317250200")
    assert scan.lot == "ABC12317250200"
    assert scan.expiry is None


def test_stand_in_separator_only_counts_when_configured():
    text = f"01{GTIN}10ABC~17250200"
    assert interpret_scan(text, ("\x1d", "~")).lot == "ABC"
    # Without "~" configured, "~" is not GS1 data at all: the element string is broken.
    assert reason_for(text, ("\x1d",)) == "gs1_syntax"


# --- Human-readable form ----------------------------------------------------------------


def test_human_readable_form_reads_like_the_element_string():
    scan = interpret_scan(f"(01){GTIN}(10)ABC123(17)250200\n")
    assert scan.gtin == GTIN
    assert scan.lot == "ABC123"
    assert scan.expiry == date(2025, 2, 28)
    assert scan.symbology == "gs1-hri"


def details_for(text: str, separators: tuple[str, ...] = GS1_SEPARATORS) -> dict[str, object]:
    with pytest.raises(MalformedScan) as caught:
        interpret_scan(text, separators)
    assert isinstance(caught.value.message, str) and " " in caught.value.message
    return caught.value.details


@pytest.mark.parametrize("text", ["(01)", f"(01){GTIN}(10)AB(", "(99", "(17)251301"])
def test_broken_human_readable_form_is_refused(text):
    assert details_for(text) == {"reason": "gs1_syntax"}


def test_human_readable_form_with_a_bad_check_digit_is_refused_naming_the_ai():
    assert details_for("(01)09501101530004") == {"reason": "check_digit", "ai": "01"}


# --- EAN / UPC / ITF ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gtin", "symbology"),
    [
        ("]E05901234123457", "05901234123457", "ean-13"),
        ("5901234123457", "05901234123457", "ean-13"),
        ("]E0036000291452", "00036000291452", "upc-a"),
        ("036000291452", "00036000291452", "upc-a"),
        ("]E00123456", "00012345000065", "upc-e"),
        ("]E496385074", "00000096385074", "ean-8"),
        ("96385074", "00000096385074", "ean-8"),
        ("10012345678902", "10012345678902", "gtin-14"),
        ("]I110012345678902", "10012345678902", "itf-14"),
        ("]E3590123412345712", "05901234123457", "ean-13-add-on"),
    ],
)
def test_gtin_symbols_give_the_14_digit_stored_form(text, gtin, symbology):
    scan = interpret_scan(text)
    assert (scan.gtin, scan.symbology) == (gtin, symbology)
    assert scan.code is None and scan.sscc is None


@pytest.mark.parametrize(
    "text",
    [
        "5901234123458",
        "]E05901234123458",
        "]E496385075",
        "10012345678903",
        "]I110012345678903",
        "036000291453",
        f"01{GTIN[:-1]}4",
        f"]C102{GTIN[:-1]}4",
    ],
)
def test_gtin_with_bad_check_digit_is_refused(text):
    assert reason_for(text) == "check_digit"


@pytest.mark.parametrize(
    ("text", "details"),
    [
        ("]E0ABC", {"reason": "not_a_gtin", "aim": "]E0"}),
        ("]E41234567", {"reason": "not_a_gtin", "aim": "]E4", "length": 7}),
        ("]I1123", {"reason": "not_a_gtin", "aim": "]I1", "length": 3}),
    ],
)
def test_gtin_symbology_with_wrong_content_is_refused(text, details):
    assert details_for(text) == details


def test_a_twelve_digit_ean_13_symbol_is_checked_as_a_upc_a():
    assert details_for("]E0590123412345") == {"reason": "check_digit", "gtin": "590123412345"}


# --- SSCC ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["]C100106141411234567897", "00106141411234567897", "106141411234567897"]
)
def test_sscc_is_read_with_ai_00_or_bare(text):
    scan = interpret_scan(text)
    assert scan.sscc == "106141411234567897"
    assert scan.gtin is None


@pytest.mark.parametrize("text", ["]C100106141411234567898", "00106141411234567898"])
def test_sscc_with_bad_check_digit_is_refused(text):
    assert reason_for(text) == "check_digit"


def test_eighteen_digits_with_bad_sscc_check_digit_is_a_plain_code():
    # Internal codes may be all digits of a non-GTIN length; only AI 00 demands an SSCC.
    scan = interpret_scan("106141411234567898")
    assert scan.sscc is None
    assert scan.code == "106141411234567898"


# --- Plain codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "symbology"),
    [
        ("LOC-A-01\r\n", "LOC-A-01", "plain"),
        ("tote-7", "tote-7", "plain"),
        ("21-A-03", "21-A-03", "plain"),  # would read as GS1 serial "-A-03" if GS1 were forced
        ("123456", "123456", "plain"),
        ("]C0ABC-1", "ABC-1", "code-128"),
        ("http://example.com/x", "http://example.com/x", "plain"),
    ],
)
def test_text_without_gs1_structure_is_a_plain_code(text, code, symbology):
    scan = interpret_scan(text)
    assert (scan.code, scan.symbology) == (code, symbology)
    assert scan.gtin is None and scan.sscc is None and scan.gs1 is None


def test_digital_link_uri_is_read_as_gs1():
    scan = interpret_scan(f"https://id.gs1.org/01/{GTIN}/10/ABC")
    assert scan.gtin == GTIN
    assert scan.lot == "ABC"
    assert scan.symbology == "gs1-digital-link"


# --- Garbage --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (" \r\n\t ", "empty"),
        ("]C1", "empty"),
        ("]C1\r\n", "empty"),
        ("]", "symbology_identifier"),
        ("]]", "symbology_identifier"),
        ("]J1010950110153000", "symbology_identifier"),
        ("]1abc", "symbology_identifier"),
        ("AB\x00CD", "control_character"),
        ("\x07beep", "control_character"),
        ("\x1b[31mred", "control_character"),
        ("AB\x7fCD", "control_character"),
        ("x" * 10_000, "too_long"),
        ("9" * (MAX_SCAN_LENGTH + 1), "too_long"),
        ("\U0001f4e6", "non_ascii"),
        ("\u05e9\u05dc\u05d5\u05dd-1", "non_ascii"),  # right-to-left
        ("\u202eLOC-1", "non_ascii"),  # right-to-left override
        ("A\u0301\u0308B", "non_ascii"),  # combining marks
        (
            "0\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662\u0663",
            "non_ascii",
        ),  # Arabic-Indic digits would pass a naive isdigit() check
        ("\ud800", "non_ascii"),  # lone surrogate from a JSON escape
        ("ABC\x1dDEF", "gs1_syntax"),  # GS only ever separates GS1 fields
        (f"]C101{GTIN}\x1d17251301", "gs1_syntax"),  # month 13
        (f"]C101{GTIN}10ABC|10XYZ", "gs1_conflict"),
        ("]C1ABC", "gs1_syntax"),
    ],
)
def test_garbage_raises_the_named_error_with_a_reason(text, reason):
    assert reason_for(text) == reason


def test_malformed_scan_details_carry_the_reason_and_position():
    with pytest.raises(MalformedScan) as caught:
        interpret_scan("AB\x00CD")
    assert caught.value.details == {
        "reason": "control_character",
        "position": 2,
        "character": "U+0000",
    }


def test_scan_of_max_length_is_still_read():
    scan = interpret_scan("A" * MAX_SCAN_LENGTH)
    assert scan.code == "A" * MAX_SCAN_LENGTH


def test_raw_text_is_kept_as_sent():
    raw = f"]C101{GTIN}\r\n"
    assert interpret_scan(raw).raw == raw


# --- Property: any text gives a Scan or the named error ----------------------------------

_GS1ISH = st.sampled_from(list("0123456789" * 3 + "()|\x1d]CEdQIe13Az- \r\n/%?="))
_PREFIXES = st.sampled_from(
    [
        "",
        "]C1",
        "]C0",
        "]E0",
        "]E3",
        "]E4",
        "]I1",
        "]d2",
        "]Q3",
        "]e0",
        "(01)",
        "01",
        "00",
        "02",
        f"01{GTIN}",
        "00106141411234567897",
        "https://id.gs1.org/01/",
    ]
)
_ANY_SCAN = st.one_of(
    st.text(max_size=100),
    st.text(alphabet=_GS1ISH, max_size=60),
    st.tuples(_PREFIXES, st.text(alphabet=_GS1ISH, max_size=40)).map("".join),
)


@settings(max_examples=500, deadline=None)
@given(text=_ANY_SCAN, separators=st.sampled_from([("\x1d",), ("\x1d", "|"), ("|", "~", "#")]))
def test_any_text_gives_a_scan_or_the_named_error(text, separators):
    try:
        scan = interpret_scan(text, separators)
    except MalformedScan as exc:
        assert exc.details["reason"] == exc.reason
        return
    assert isinstance(scan, Scan)
    assert scan.raw == text
    assert sum(x is not None for x in (scan.gtin, scan.code)) <= 1
    if scan.gtin is not None:
        assert len(scan.gtin) == 14 and scan.gtin.isdigit()
    if scan.count is not None:
        assert scan.count >= 1
