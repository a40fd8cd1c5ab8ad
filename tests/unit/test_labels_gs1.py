"""GS1 rules for labels: SSCC check digits and allocation, AI order, separators, limits."""

from __future__ import annotations

import biip
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.labels.base import LabelRuleError
from scanfloor.labels.gs1 import (
    check_symbol_size,
    complete_sscc,
    element,
    element_string,
    hri,
    make_sscc,
    ordered,
    sscc_check_digit,
    sscc_serial,
)

GTIN14 = "09501101530003"


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("10614141123456789", 7),  # GS1 General Specifications example
        ("37613032110910342", 0),
        ("00000000000000000", 0),
        ("35012345000000005", 4),  # by hand: weighted sum 56
    ],
)
def test_sscc_check_digit_is_the_gs1_mod_10_digit(first17, check):
    assert sscc_check_digit(first17) == check
    assert complete_sscc(first17) == first17 + str(check)


@given(st.from_regex(r"\A[0-9]{17}\Z"))
def test_every_completed_sscc_is_accepted_by_an_independent_gs1_parser(first17):
    sscc = complete_sscc(first17)
    parsed = biip.parse(f"00{sscc}")
    assert parsed.gs1_message is not None
    assert parsed.gs1_message.element_strings[0].sscc_error is None


def test_sscc_check_digit_needs_exactly_17_digits():
    for bad in ("1061414112345678", "106141411234567890", "1061414112345678A"):
        with pytest.raises(LabelRuleError):
            sscc_check_digit(bad)


def test_new_sscc_is_extension_digit_company_prefix_serial_and_check_digit():
    sscc = make_sscc(3, "0614141", 42)
    assert len(sscc) == 18
    assert sscc[:1] == "3"
    assert sscc[1:8] == "0614141"
    assert sscc[8:17] == "000000042"  # 16 - 7 = 9 serial digits, zero-padded
    assert sscc[17] == str(sscc_check_digit(sscc[:17]))
    assert sscc_serial(sscc, "0614141") == 42


def test_serial_past_what_the_prefix_leaves_room_for_is_refused():
    make_sscc(0, "061414112345", 9999)  # 12-digit prefix: 4 serial digits
    with pytest.raises(LabelRuleError):
        make_sscc(0, "061414112345", 10_000)
    with pytest.raises(LabelRuleError):
        make_sscc(10, "0614141", 1)
    with pytest.raises(LabelRuleError):
        make_sscc(0, "061", 1)  # a company prefix is 4-12 digits


def test_fixed_length_ais_go_first_and_the_variable_one_last_without_separators():
    lot, expiry, gtin = element("10", "ABC123"), element("17", "260131"), element("01", GTIN14)
    assert [e.ai for e in ordered([lot, expiry, gtin])] == ["17", "01", "10"]
    assert element_string([lot, gtin, expiry], "|") == f"01{GTIN14}17260131" + "10ABC123"
    assert hri([lot, gtin]) == f"(01){GTIN14}(10)ABC123"


def test_a_separator_follows_a_variable_field_only_when_another_field_follows():
    fields = [element("01", GTIN14), element("10", "LOT1"), element("30", "12")]
    assert element_string(fields, "|") == f"01{GTIN14}10LOT1|3012"


def test_the_same_ai_twice_in_one_symbol_is_refused():
    with pytest.raises(LabelRuleError):
        ordered([element("10", "A"), element("10", "B")])


@pytest.mark.parametrize(
    ("ai", "value"),
    [
        ("01", "09501101530004"),  # wrong check digit
        ("01", "9501101530003"),  # 13 digits where 14 belong
        ("00", "106141411234567898"),
        ("17", "2601"),
        ("10", "A^B"),  # ZPL's command prefix is not in GS1 character set 82
        ("10", "A~B"),
        ("10", "A B"),
        ("10", "ÄB"),
        ("10", "L" * 21),  # a lot holds at most 20 characters
        ("30", "12A"),
        ("30", "123456789"),
        ("99", "X"),
        ("10", ""),
    ],
)
def test_data_an_ai_cannot_carry_is_refused(ai, value):
    with pytest.raises(LabelRuleError):
        element(ai, value)


def test_a_symbol_carries_at_most_48_data_characters():
    fits = [element("01", GTIN14), element("17", "260131"), element("10", "L" * 20)]
    check_symbol_size(fits)  # 16 + 8 + 22 = 46
    with pytest.raises(LabelRuleError):
        check_symbol_size([*fits, element("30", "1")])  # + separator + 3 = 50
