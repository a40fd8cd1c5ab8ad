"""Barcode symbols: python-barcode's modules, and ZPL field data that makes the same symbol."""

from __future__ import annotations

import pytest
from barcode import EAN13
from barcode.charsets import code128 as charset
from barcode.codex import Code128, Gs1_128
from hypothesis import given
from hypothesis import strategies as st

from scanfloor.labels.base import LabelRuleError
from scanfloor.labels.gs1 import element
from scanfloor.labels.symbols import code128, ean13, gs1_128

_START = {">9": (103, "A"), ">:": (104, "B"), ">;": (105, "C")}
_SWITCH = {">5": (99, "C"), ">6": (100, "B"), ">7": (101, "A")}


def values_from_zpl(data: str) -> list[int]:
    """Read ^BC mode N field data the way the ZPL manual describes it: symbol values."""
    value, subset = _START[data[:2]]
    out = [value]
    i = 2
    while i < len(data):
        if data[i] == ">":
            code = data[i : i + 2]
            if code == ">8":
                out.append(102)
            elif code == ">0":
                out.append(ord(">") - 32)
            else:
                value, subset = _SWITCH[code]
                out.append(value)
            i += 2
        elif subset == "C":
            out.append(int(data[i : i + 2]))
            i += 2
        else:
            out.append(ord(data[i]) - 32)
            i += 1
    return out


@pytest.mark.parametrize("data", ["BIN-A-01", "A-01-02", "12345", "1A", "LPN-000123", "ZONE>1"])
def test_code128_modules_are_the_ones_python_barcode_builds(data):
    assert code128(data).modules == Code128(data).build()[0]


@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1))
def test_zpl_field_data_makes_the_same_code128_symbol_values(data):
    assert values_from_zpl(code128(data).zpl_data) == Code128(data).encoded


@given(
    lot=st.text(alphabet="ABCXYZ0123456789-./_<>=", min_size=1, max_size=20),
    count=st.integers(1, 9_999),  # with a 20-character lot: 45 of the 48 characters
)
def test_zpl_field_data_makes_the_same_gs1_128_symbol_values(lot, count):
    fields = [element("01", "19501101530000"), element("10", lot), element("30", str(count))]
    symbol = gs1_128(fields)
    expected = Gs1_128(f"011950110153000010{lot}\xf130{count}").encoded
    assert values_from_zpl(symbol.zpl_data) == expected
    assert symbol.zpl_data.startswith(">;>8")


def test_sscc_in_zpl_is_start_c_fnc1_and_the_digits():
    symbol = gs1_128([element("00", "106141411234567897")])
    assert symbol.zpl_data == ">;>800106141411234567897"
    assert symbol.hri == "(00)106141411234567897"
    # start C, FNC1, ten digit pairs, check character, stop (13 modules): 156 modules.
    assert symbol.width_modules == 11 + 11 + 10 * 11 + 11 + 13


def test_a_literal_greater_than_sign_is_not_read_as_an_invocation_code():
    assert code128("A>B").zpl_data == ">:A>0B"


def test_ean13_is_95_modules_and_zpl_gets_12_digits():
    symbol = ean13("9501101530003")
    assert symbol.modules == EAN13("950110153000").build()[0]
    assert len(symbol.modules) == 95
    assert (symbol.zpl_command, symbol.zpl_data) == ("^BE", "950110153000")


def test_ean13_with_a_wrong_check_digit_is_refused():
    with pytest.raises(LabelRuleError):
        ean13("9501101530004")


@pytest.mark.parametrize("data", ["", " A", "A ", "BIN\n1", "ÄBC"])
def test_code128_refuses_what_a_label_should_not_carry(data):
    with pytest.raises(LabelRuleError):
        code128(data)


def test_module_strings_end_with_the_stop_pattern():
    assert code128("X1").modules.endswith(charset.STOP + "11")
