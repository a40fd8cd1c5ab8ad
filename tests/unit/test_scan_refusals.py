"""Why a scan can never be a code, said with a stable reason and details, and the counts,
add-ons and short UPC-E forms a scan carries (pure rules, no database)."""

from __future__ import annotations

import pytest

from scanfloor.catalog.scan_rules import MalformedScan, interpret_scan

GTIN = "09501101530003"
OTHER_GTIN = "09501101530010"
SEPARATORS = ("\x1d", "|")


def details_for(text: str) -> dict[str, object]:
    """The details of a refused scan (its reason among them); its message is a sentence."""
    with pytest.raises(MalformedScan) as refused:
        interpret_scan(text, SEPARATORS)
    error = refused.value
    assert isinstance(error.message, str) and " " in error.message
    assert str(error) == error.message
    assert error.details["reason"] == error.reason
    return error.details


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "]C1", "]C1 ", "]C1|", "]C1||"])
def test_a_scan_with_nothing_in_it_is_empty(text):
    assert details_for(text) == {"reason": "empty"}


def test_an_empty_gs1_symbol_says_it_carries_no_data():
    with pytest.raises(MalformedScan) as refused:
        interpret_scan("]C1|", SEPARATORS)
    assert refused.value.message == "the GS1 symbol carries no data"


@pytest.mark.parametrize("text", ["]C1ABC", "]d2ABC"])
def test_a_gs1_symbol_that_is_not_an_element_string_is_a_syntax_error(text):
    assert details_for(text) == {"reason": "gs1_syntax"}
    with pytest.raises(MalformedScan) as refused:
        interpret_scan(text, SEPARATORS)
    assert "ABC" in refused.value.message


def test_non_ascii_and_control_characters_are_refused_naming_where_they_are():
    assert details_for("AB\u00e9") == {
        "reason": "non_ascii",
        "position": 2,
        "character": "U+00E9",
    }
    assert details_for("AB\x07C") == {
        "reason": "control_character",
        "position": 2,
        "character": "U+0007",
    }


def test_a_bracket_that_starts_no_symbology_identifier_is_refused():
    assert details_for("]1abc") == {"reason": "symbology_identifier"}


def test_a_gtin_symbol_with_letters_or_the_wrong_length_is_not_a_gtin():
    assert details_for("]I1ABC") == {"reason": "not_a_gtin", "aim": "]I1"}
    assert details_for("]E012345678901") == {"reason": "not_a_gtin", "aim": "]E0", "length": 11}


def test_a_upc_e_with_a_wrong_check_digit_is_refused_naming_its_digits():
    assert details_for("]E001234566") == {"reason": "check_digit", "upc_e": "01234566"}


def test_an_ai_given_twice_must_carry_the_same_value():
    assert interpret_scan(f"01{GTIN}|01{GTIN}", SEPARATORS).gtin == GTIN
    assert details_for(f"01{GTIN}|01{OTHER_GTIN}") == {"reason": "gs1_conflict", "ai": "01"}


def test_an_sscc_with_a_bad_check_digit_names_ai_00():
    assert details_for("]C100106141411234567898") == {"reason": "check_digit", "ai": "00"}


# --- counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (f"02{GTIN}3712", 12),  # (37) counts the trade items (02) in a logistic unit
        (f"01{GTIN}3005", 5),  # (30) counts units of the (01) item
        (f"01{GTIN}305|377", 5),  # with (01), (30) is the count even beside a (37)
        (f"02{GTIN}305|377", 7),  # with (02), (37) is
        (f"01{GTIN}377", 7),  # a lone (37) is the count
        (f"02{GTIN}371", 1),
    ],
)
def test_the_count_comes_from_the_ai_that_fits_the_key(text, count):
    assert interpret_scan(text, SEPARATORS).count == count


@pytest.mark.parametrize(("text", "ai"), [(f"02{GTIN}370", "37"), (f"01{GTIN}300", "30")])
def test_a_count_of_zero_is_refused_naming_the_ai(text, ai):
    assert details_for(text) == {"reason": "count", "ai": ai}


# --- short and long GTIN symbols ----------------------------------------------------------


@pytest.mark.parametrize("text", ["]E0123456", "]E00123456", "]E001234565"])
def test_upc_e_of_six_seven_or_eight_digits_is_stored_as_its_upc_a(text):
    scan = interpret_scan(text)
    assert (scan.gtin, scan.symbology) == ("00012345000065", "upc-e")


@pytest.mark.parametrize(
    ("text", "gtin"),
    [
        ("]E303600029145212", "00036000291452"),  # UPC-A + 2-digit add-on
        ("]E3590123412345712", "05901234123457"),  # EAN-13 + 2-digit add-on
        ("]E3590123412345712345", "05901234123457"),  # EAN-13 + 5-digit add-on
    ],
)
def test_the_add_on_after_a_gtin_is_dropped(text, gtin):
    scan = interpret_scan(text)
    assert (scan.gtin, scan.symbology, scan.cleaned) == (gtin, "ean-13-add-on", text[3:])


# --- what is not GS1 ---------------------------------------------------------------------


def test_text_starting_with_digits_but_no_key_is_a_plain_code():
    scan = interpret_scan("21-A-03", SEPARATORS)
    assert (scan.code, scan.symbology, scan.gs1) == ("21-A-03", "plain", None)


def test_a_digital_link_carries_its_gtin_and_other_urls_are_plain():
    link = interpret_scan(f"https://id.gs1.org/01/{GTIN}")
    assert (link.gtin, link.symbology) == (GTIN, "gs1-digital-link")
    assert interpret_scan("http://x").code == "http://x"


def test_separators_around_a_gs1_string_are_not_part_of_it():
    scan = interpret_scan(f"01{GTIN}10AB|17250200|", SEPARATORS)
    assert scan.cleaned == f"01{GTIN}10AB\x1d17250200"
    assert scan.lot == "AB"


# --- what every reading keeps: the raw text, the cleaned text, the symbology ----------------


def test_an_unknown_symbology_identifier_is_refused_naming_it():
    assert details_for("]a0ABC") == {"reason": "symbology_identifier", "aim": "]a0"}


def test_a_gs1_symbol_that_biip_cannot_parse_is_a_syntax_error_with_its_reason():
    with pytest.raises(MalformedScan) as refused:
        interpret_scan("]C1017", SEPARATORS)
    assert refused.value.details == {"reason": "gs1_syntax"}
    assert "017" in refused.value.message


def test_two_digits_then_a_separator_must_be_gs1():
    assert details_for("12|34") == {"reason": "gs1_syntax"}


def test_an_element_that_is_not_a_valid_key_is_a_syntax_error_not_a_check_digit():
    details = details_for("]C100ABC")
    assert details["reason"] == "gs1_syntax"


@pytest.mark.parametrize(
    ("text", "cleaned", "symbology", "key"),
    [
        (" 106141411234567897 ", "106141411234567897", "sscc", ("sscc", "106141411234567897")),
        ("376130321109103420", "376130321109103420", "sscc", ("sscc", "376130321109103420")),
        ("5901234123457", "5901234123457", "ean-13", ("gtin", "05901234123457")),
        ("]E05901234123457", "5901234123457", "ean-13", ("gtin", "05901234123457")),
        ("]I110012345678902", "10012345678902", "itf-14", ("gtin", "10012345678902")),
        ("]C0ABC-1", "ABC-1", "code-128", ("code", "ABC-1")),
        ("]z1ABC", "ABC", "aztec-code", ("code", "ABC")),
        ("]X9ABC", "ABC", "other-barcode", ("code", "ABC")),
        ("1ABC", "1ABC", "plain", ("code", "1ABC")),
        ("(01) 09501101530003 (10) AB", "(01)09501101530003(10)AB", "gs1-hri", ("gtin", GTIN)),
        ("]C1 |0109501101530003", "0109501101530003", "gs1-128", ("gtin", GTIN)),
        ("]C1(01)09501101530003", "(01)09501101530003", "gs1-128", ("gtin", GTIN)),
        ("]Q1ABC", "ABC", "qr", ("code", "ABC")),
        (
            f"https://id.gs1.org/01/{GTIN}",
            f"https://id.gs1.org/01/{GTIN}",
            "gs1-digital-link",
            ("gtin", GTIN),
        ),
        ("]C00109501101530003", "0109501101530003", "code-128", ("gtin", GTIN)),
    ],
)
def test_a_reading_keeps_the_raw_text_the_cleaned_text_and_the_symbology(
    text, cleaned, symbology, key
):
    scan = interpret_scan(text, SEPARATORS)
    assert scan.raw == text
    assert scan.cleaned == cleaned
    assert scan.symbology == symbology
    assert getattr(scan, key[0]) == key[1]
