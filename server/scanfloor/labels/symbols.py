"""Barcode symbols as module strings ("1" = bar, "0" = space, one character per module).

python-barcode chooses the Code 128 code sets; we take its symbol values once and derive
both the module string (painted in whole dots by png.py) and the ZPL field data (explicit
invocation codes for ^BC mode N), so the PNG and the printer draw the same bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from barcode import EAN13
from barcode.charsets import code128 as charset
from barcode.codex import Code128, Gs1_128

from .base import LabelRuleError
from .gs1 import Element, check_symbol_size, element_string, hri

CODE128_QUIET = 10  # modules each side (GS1: at least 10X)
EAN13_QUIET = 11  # EAN-13 needs 11X on the left, 7X on the right: 11 both sides
_START = {103: "A", 104: "B", 105: "C"}
_ZPL_START = {"A": ">9", "B": ">:", "C": ">;"}
# Code-set switches by the set they are read in (in set C, 99 is the digits "99").
_SWITCH = {"A": {99: "C", 100: "B"}, "B": {99: "C", 101: "A"}, "C": {100: "B", 101: "A"}}
_ZPL_SWITCH = {"C": ">5", "B": ">6", "A": ">7"}
FNC1 = 102


@dataclass(frozen=True)
class Symbol:
    """One barcode: its modules, what a scanner reports, and how ZPL draws it."""

    symbology: str  # code128 | gs1_128 | ean13
    modules: str
    hri: str  # human-readable text printed with it
    zpl_command: str  # "^BC" (Code 128 / GS1-128, mode N) or "^BE" (EAN-13)
    zpl_data: str
    quiet_modules: int

    @property
    def width_modules(self) -> int:
        return len(self.modules)


def _check_printable(data: str) -> None:
    if not data or not data.isascii() or not data.isprintable():
        raise LabelRuleError(
            "Code 128 here carries printable ASCII only (no spaces at the ends)", {"data": data}
        )
    if data != data.strip():
        raise LabelRuleError("a barcode cannot start or end with a space", {"data": data})


def _modules(values: Sequence[int]) -> str:
    checksum = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    bars = "".join(str(charset.CODES[v]) for v in [*values, checksum])
    return bars + str(charset.STOP) + "11"


def zpl_code128_data(values: Sequence[int]) -> str:
    """Field data for ZPL ^BC in mode N that makes exactly these symbol values."""
    subset = _START.get(values[0])
    if subset is None:
        raise LabelRuleError("a Code 128 symbol starts with a start code", {"values": values[:1]})
    out = [_ZPL_START[subset]]
    for v in values[1:]:
        if v == FNC1:
            out.append(">8")
        elif v in _SWITCH[subset]:
            subset = _SWITCH[subset][v]
            out.append(_ZPL_SWITCH[subset])
        elif subset == "C" and v < 100:
            out.append(f"{v:02d}")
        elif subset == "B" and v < 95:
            char = chr(v + 32)
            out.append(">0" if char == ">" else char)  # a bare ">" starts an invocation code
        else:
            raise LabelRuleError("this symbol needs Code 128 set A or FNC4", {"value": v})
    return "".join(out)


def code128(data: str) -> Symbol:
    """Code 128 of a location, LPN or internal code."""
    _check_printable(data)
    values = Code128(data).encoded  # a fresh object: python-barcode keeps state per build
    return Symbol(
        symbology="code128",
        modules=_modules(values),
        hri=data,
        zpl_command="^BC",
        zpl_data=zpl_code128_data(values),
        quiet_modules=CODE128_QUIET,
    )


def gs1_128(elements: Sequence[Element]) -> Symbol:
    """GS1-128: FNC1, then the elements (fixed first), FNC1 after inner variable fields."""
    if not elements:
        raise LabelRuleError("a GS1-128 symbol needs at least one element")
    check_symbol_size(elements)
    values = Gs1_128(element_string(elements, Gs1_128.FNC1_CHAR)).encoded
    if values[:2] != [105, FNC1]:
        raise LabelRuleError("GS1-128 data starts with an AI in digits", {"hri": hri(elements)})
    return Symbol(
        symbology="gs1_128",
        modules=_modules(values),
        hri=hri(elements),
        zpl_command="^BC",
        zpl_data=zpl_code128_data(values),
        quiet_modules=CODE128_QUIET,
    )


def ean13(digits: str) -> Symbol:
    """EAN-13 of a GTIN-13 (or a GTIN-12 with a leading 0)."""
    if len(digits) != 13 or not (digits.isascii() and digits.isdigit()):
        raise LabelRuleError("EAN-13 carries 13 digits", {"data": digits})
    symbol = EAN13(digits[:12])
    if symbol.get_fullcode() != digits:
        raise LabelRuleError("the GTIN-13 check digit is wrong", {"data": digits})
    return Symbol(
        symbology="ean13",
        modules=symbol.build()[0],
        hri=digits,
        zpl_command="^BE",
        zpl_data=digits[:12],  # the printer adds the check digit
        quiet_modules=EAN13_QUIET,
    )
