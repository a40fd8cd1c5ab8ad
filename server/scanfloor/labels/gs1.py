"""Pure GS1 rules for labels: element strings, their order in a symbol, SSCC numbers.

A GS1-128 symbol carries application identifiers (AIs) with their data. Fixed-length AIs
need no separator; a variable-length one runs to the next FNC1 (or the end), so fixed AIs go
first and one variable AI last: that avoids separators, and a scanner that drops them then
loses nothing. A symbol carries at most 48 data characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from biip.checksums import gs1_standard_check_digit

from .base import LabelRuleError

MAX_DATA_CHARACTERS = 48
SSCC_LENGTH = 18
# GS1 "character set 82": what alphanumeric AIs (lot, serial) may hold.
_CSET82 = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$")


@dataclass(frozen=True)
class AiSpec:
    ai: str
    length: int  # the length of a fixed AI, the maximum of a variable one
    fixed: bool
    numeric: bool
    check_digit: bool = False
    title: str = ""


AIS: dict[str, AiSpec] = {
    spec.ai: spec
    for spec in (
        AiSpec("00", 18, fixed=True, numeric=True, check_digit=True, title="SSCC"),
        AiSpec("01", 14, fixed=True, numeric=True, check_digit=True, title="GTIN"),
        AiSpec("02", 14, fixed=True, numeric=True, check_digit=True, title="CONTENT"),
        AiSpec("10", 20, fixed=False, numeric=False, title="BATCH/LOT"),
        AiSpec("11", 6, fixed=True, numeric=True, title="PROD DATE"),
        AiSpec("15", 6, fixed=True, numeric=True, title="BEST BEFORE"),
        AiSpec("17", 6, fixed=True, numeric=True, title="USE BY"),
        AiSpec("21", 20, fixed=False, numeric=False, title="SERIAL"),
        AiSpec("30", 8, fixed=False, numeric=True, title="VAR. COUNT"),
        AiSpec("37", 8, fixed=False, numeric=True, title="COUNT"),
    )
}


@dataclass(frozen=True)
class Element:
    """One AI with its data, checked against the AI's rules."""

    ai: str
    value: str

    @property
    def fixed(self) -> bool:
        return AIS[self.ai].fixed

    @property
    def hri(self) -> str:
        return f"({self.ai}){self.value}"


def element(ai: str, value: str) -> Element:
    """Check `value` against AI `ai` and return the element; LabelRuleError says why not."""
    spec = AIS.get(ai)
    if spec is None:
        raise LabelRuleError(f"AI ({ai}) is not printed by Scanfloor", {"ai": ai})
    details = {"ai": ai, "value": value}
    if not value:
        raise LabelRuleError(f"AI ({ai}) needs data", details)
    if spec.fixed and len(value) != spec.length:
        raise LabelRuleError(f"AI ({ai}) holds exactly {spec.length} characters", details)
    if len(value) > spec.length:
        raise LabelRuleError(
            f"AI ({ai}) {spec.title.lower()} holds at most {spec.length} characters",
            {**details, "max_length": spec.length},
        )
    if spec.numeric and not (value.isascii() and value.isdigit()):
        raise LabelRuleError(f"AI ({ai}) holds digits only", details)
    if not spec.numeric and not _CSET82.match(value):
        raise LabelRuleError(
            f"AI ({ai}) {spec.title.lower()} may hold only A-Z, a-z, 0-9 and "
            "!\"%&'()*+,-./:;<=>?_ (GS1 character set 82)",
            details,
        )
    if spec.check_digit and gs1_standard_check_digit(value[:-1]) != int(value[-1]):
        raise LabelRuleError(f"AI ({ai}) has a wrong check digit", details)
    return Element(ai, value)


def yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def ordered(elements: Iterable[Element]) -> list[Element]:
    """Fixed-length AIs first (in the order given), then the variable-length ones."""
    items = list(elements)
    ais = [e.ai for e in items]
    if len(set(ais)) != len(ais):
        raise LabelRuleError("an AI appears twice in one symbol", {"ais": ais})
    return [e for e in items if e.fixed] + [e for e in items if not e.fixed]


def element_string(elements: Sequence[Element], separator: str) -> str:
    """The data a GS1-128 symbol carries after its leading FNC1, in `ordered` order, with
    `separator` (FNC1 in the symbol) after each variable-length field that is not last."""
    parts: list[str] = []
    items = ordered(elements)
    for i, e in enumerate(items):
        parts.append(e.ai + e.value)
        if not e.fixed and i < len(items) - 1:
            parts.append(separator)
    return "".join(parts)


def data_characters(elements: Sequence[Element]) -> int:
    """Characters counted against the 48-character limit (AIs, data and separators)."""
    return len(element_string(elements, "\x1d"))


def hri(elements: Sequence[Element]) -> str:
    """The human-readable interpretation, "(01)...(10)...", in encoded order."""
    return "".join(e.hri for e in ordered(elements))


def check_symbol_size(elements: Sequence[Element]) -> None:
    size = data_characters(elements)
    if size > MAX_DATA_CHARACTERS:
        raise LabelRuleError(
            f"a GS1-128 symbol carries at most {MAX_DATA_CHARACTERS} data characters",
            {"characters": size, "hri": hri(elements)},
        )


# --- SSCC -----------------------------------------------------------------------------------


def sscc_check_digit(first17: str) -> int:
    if len(first17) != SSCC_LENGTH - 1 or not (first17.isascii() and first17.isdigit()):
        raise LabelRuleError("an SSCC without its check digit is 17 digits", {"sscc": first17})
    return gs1_standard_check_digit(first17)


def complete_sscc(first17: str) -> str:
    """The 18-digit SSCC: the 17 digits and their GS1 check digit."""
    return first17 + str(sscc_check_digit(first17))


def serial_digits(company_prefix: str) -> int:
    """How many digits of serial reference an SSCC leaves after this company prefix."""
    if not (company_prefix.isascii() and company_prefix.isdigit()) or not (
        4 <= len(company_prefix) <= 12
    ):
        raise LabelRuleError(
            "a GS1 company prefix is 4-12 digits", {"company_prefix": company_prefix}
        )
    return SSCC_LENGTH - 2 - len(company_prefix)


def make_sscc(extension_digit: int, company_prefix: str, serial: int) -> str:
    """extension digit + company prefix + serial reference (17 digits) + check digit."""
    if not 0 <= extension_digit <= 9:
        raise LabelRuleError("the SSCC extension digit is 0-9", {"extension": extension_digit})
    width = serial_digits(company_prefix)
    if not 0 <= serial < 10**width:
        raise LabelRuleError(
            f"serial references under this prefix run from 0 to {10**width - 1}",
            {"serial": serial, "company_prefix": company_prefix},
        )
    return complete_sscc(f"{extension_digit}{company_prefix}{serial:0{width}d}")


def sscc_serial(sscc: str, company_prefix: str) -> int:
    """The serial reference inside an SSCC made under `company_prefix`."""
    return int(sscc[1 + len(company_prefix) : SSCC_LENGTH - 1])
