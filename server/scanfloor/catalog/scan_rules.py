"""Pure rules for raw scanner text: clean it, then say which codes it carries.

A keyboard-wedge scanner types what it read, often with stray CR/LF/TAB around it, sometimes
an AIM symbology identifier in front (`]C1` GS1-128, `]E0` EAN-13/UPC-A, ...), and GS1
group separators either as GS (ASCII 29) or as a configured stand-in such as `|`.
`interpret_scan` turns that text into a `Scan` (the GTIN, SSCC or plain code to look up, plus
lot, dates, serial and count from GS1 data) or raises `MalformedScan` saying why the text can
never be a valid code. It raises nothing else, and it never touches a database.

Reading order, so one text has one meaning:
1. `(01)...(10)...` (human-readable form) is GS1.
2. An EAN/UPC/ITF-14 identifier demands a GTIN; a GS1 identifier (`]C1`, `]d2`, `]Q3`, ...)
   demands a GS1 element string.
3. Otherwise all digits of a GTIN length (8, 12, 13, 14) is a GTIN, and 18 digits with a good
   check digit is a bare SSCC.
4. Text with GS, text starting with two digits and carrying a stand-in separator, and text
   starting with a key element (00 + 18 digits, 01/02 + 14) must be GS1. Other text starting
   with a digit is GS1 only if it parses with an identification key (00, 01 or 02): a location
   code such as `21-A-03` would otherwise read as serial number `-A-03`.
5. Anything else is a plain code (internal barcode, location or container code).

A variable-length GS1 field (lot, serial, count) runs to the next separator: if the scanner
drops the separator, the lot swallows the fields behind it. Nothing here can detect that.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import biip
from biip import BiipException, ParseConfig
from biip.checksums import gs1_standard_check_digit
from biip.gs1_element_strings import GS1ElementString
from biip.gs1_messages import GS1Message
from biip.symbology import GS1Symbology, SymbologyIdentifier
from biip.upc import Upc

from .codes import GTIN_LENGTHS, CodeError, canonical_barcode

MAX_SCAN_LENGTH = 512
GS = "\x1d"
DEFAULT_SEPARATORS: tuple[str, ...] = (GS, "|")

# Control characters other than GS; a configured separator among them is let through.
_CONTROL = re.compile(r"[\x00-\x1c\x1e-\x1f\x7f]")
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
# A key element at the very start: this text was meant as a GS1 element string.
_KEY_START = re.compile(r"(?:00\d{18}|0[12]\d{14})")
_BIIP_ERRORS = (BiipException, IndexError, ValueError)
_WHITESPACE = string.whitespace + GS

_GS1_SYMBOLOGIES = frozenset(
    {
        GS1Symbology.GS1_128,
        GS1Symbology.GS1_DATAMATRIX,
        GS1Symbology.GS1_QR_CODE,
        GS1Symbology.GS1_DATABAR,
        GS1Symbology.GS1_COMPOSITE_WITH_SEPARATOR_CHAR,
        GS1Symbology.GS1_COMPOSITE_WITH_ESCAPE_CHAR,
        GS1Symbology.GS1_DOTCODE,
    }
)
_AIM_NAMES = {
    "]A0": "code-39",
    "]C0": "code-128",
    "]C1": "gs1-128",
    "]E0": "ean-13",
    "]E3": "ean-13-add-on",
    "]E4": "ean-8",
    "]I0": "itf",
    "]I1": "itf-14",
    "]Q1": "qr",
    "]Q3": "gs1-qr",
    "]d1": "datamatrix",
    "]d2": "gs1-datamatrix",
    "]e0": "gs1-databar",
}
_GTIN_NAMES = {8: "ean-8", 12: "upc-a", 13: "ean-13", 14: "gtin-14"}
KEY_AIS = ("00", "01", "02")


class MalformedScan(ValueError):
    """Text that can never be a valid code. `reason` is a stable word; details say more."""

    def __init__(self, reason: str, message: str, details: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.details: dict[str, Any] = {"reason": reason, **(details or {})}


@dataclass(frozen=True)
class Scan:
    """What one scan carries. At most one of gtin / sscc / code is what identifies it."""

    raw: str
    cleaned: str
    symbology: str
    gtin: str | None = None  # 14 digits, as stored in the barcodes table
    sscc: str | None = None  # 18 digits
    code: str | None = None  # a plain code, as scanned (the resolver folds case)
    count: int | None = None  # AI 30 / AI 37: how many of the identified pack
    lot: str | None = None
    serial: str | None = None
    expiry: date | None = None
    best_before: date | None = None
    production_date: date | None = None
    gs1: Mapping[str, str] | None = None


def interpret_scan(raw: str, separators: Iterable[str] = DEFAULT_SEPARATORS) -> Scan:
    """Clean raw scanner text and say what it carries; MalformedScan if it can mean nothing."""
    seps = _separators(separators)
    text = raw.strip()
    _check_text(text, seps)
    aim, body = _split_aim(text)
    if not body:
        raise MalformedScan("empty", "nothing was scanned after the symbology identifier")
    si = _symbology(aim)
    gs1_symbol = si is not None and si.gs1_symbology in _GS1_SYMBOLOGIES
    name = _AIM_NAMES.get(aim) if aim else None
    if name is None and si is not None:
        name = si.iso_symbology.name.lower().replace("_", "-")

    if body.startswith("("):
        return _from_hri(raw, body, seps, name or "gs1-hri")
    if si is not None and si.gs1_symbology in (
        GS1Symbology.EAN_13,
        GS1Symbology.EAN_13_WITH_ADD_ON,
        GS1Symbology.EAN_8,
        GS1Symbology.ITF_14,
    ):
        return _from_gtin_symbol(raw, body, aim, name or "gtin")
    if gs1_symbol:
        scan = _from_gs1(raw, aim, body, seps, name or "gs1", required=True)
        assert scan is not None  # required=True raises instead of returning None
        return scan

    if body.isdigit():
        if len(body) in GTIN_LENGTHS:
            return _gtin_scan(raw, body, name or _GTIN_NAMES[len(body)])
        if len(body) == 18 and gs1_standard_check_digit(body[:-1]) == int(body[-1]):
            return Scan(raw=raw, cleaned=body, symbology=name or "sscc", sscc=body)
    required = (
        GS in body
        or (body[:2].isdigit() and any(sep in body for sep in seps))
        or _KEY_START.match(body) is not None
    )
    if required or body[:1].isdigit() or body.startswith("http"):
        found = _from_gs1(raw, aim, body, seps, name, required=required)
        if found is not None:
            return found
    return Scan(raw=raw, cleaned=body, symbology=name or "plain", code=body)


def _separators(separators: Iterable[str]) -> tuple[str, ...]:
    # GS is always a separator; a stand-in must be one character (biip refuses others).
    return tuple(dict.fromkeys([GS, *(s for s in separators if len(s) == 1)]))


def _check_text(text: str, seps: tuple[str, ...]) -> None:
    if not text:
        raise MalformedScan("empty", "nothing was scanned")
    if len(text) > MAX_SCAN_LENGTH:
        raise MalformedScan(
            "too_long",
            f"a scan is at most {MAX_SCAN_LENGTH} characters",
            {"length": len(text), "max_length": MAX_SCAN_LENGTH},
        )
    if not text.isascii():
        pos = next(i for i, ch in enumerate(text) if not ch.isascii())
        raise MalformedScan(
            "non_ascii",
            "barcodes carry ASCII only; this scan has other characters",
            {"position": pos, "character": f"U+{ord(text[pos]):04X}"},
        )
    for match in _CONTROL.finditer(text):
        if match.group() not in seps:
            raise MalformedScan(
                "control_character",
                "the scan holds a control character other than the GS1 separator",
                {"position": match.start(), "character": f"U+{ord(match.group()):04X}"},
            )


def _split_aim(text: str) -> tuple[str, str]:
    if not text.startswith("]"):
        return "", text
    if not _AIM.match(text):
        raise MalformedScan(
            "symbology_identifier",
            "a leading ']' must start a symbology identifier such as ]C1 or ]E0",
        )
    return text[:3], text[3:].strip(_WHITESPACE)


def _symbology(aim: str) -> SymbologyIdentifier | None:
    if not aim:
        return None
    try:
        return SymbologyIdentifier.extract(aim)
    except _BIIP_ERRORS as exc:
        raise MalformedScan(
            "symbology_identifier", f"unknown symbology identifier {aim!r}", {"aim": aim}
        ) from exc


def _gtin_scan(raw: str, digits: str, symbology: str) -> Scan:
    try:
        _kind, stored = canonical_barcode(digits)
    except CodeError as exc:
        raise MalformedScan("check_digit", str(exc), {"gtin": digits}) from exc
    return Scan(raw=raw, cleaned=digits, symbology=symbology, gtin=stored)


def _from_gtin_symbol(raw: str, body: str, aim: str, symbology: str) -> Scan:
    """EAN-13/UPC-A/UPC-E (]E0), with add-on (]E3), EAN-8 (]E4), ITF-14 (]I1)."""
    if not body.isdigit():
        raise MalformedScan("not_a_gtin", f"a {symbology} symbol carries digits only", {"aim": aim})
    digits = body
    if aim == "]E3":
        # The 2- or 5-digit add-on (issue number, price) follows the GTIN; drop it.
        for addon in (2, 5):
            if len(body) - addon in (12, 13):
                digits = body[: len(body) - addon]
                break
    if aim == "]E0" and len(digits) in (6, 7, 8):
        try:
            digits = Upc.parse(digits).as_upc_a()
        except _BIIP_ERRORS as exc:
            raise MalformedScan("check_digit", str(exc), {"upc_e": digits}) from exc
        symbology = "upc-e"
    elif aim == "]E0" and len(digits) == 12:
        symbology = "upc-a"
    wanted = {"]E4": (8,), "]I1": (14,)}.get(aim, (12, 13))
    if len(digits) not in wanted:
        raise MalformedScan(
            "not_a_gtin",
            f"a {symbology} symbol carries {' or '.join(map(str, wanted))} digits, "
            f"not {len(digits)}",
            {"aim": aim, "length": len(digits)},
        )
    scan = _gtin_scan(raw, digits, symbology)
    return Scan(raw=raw, cleaned=body, symbology=symbology, gtin=scan.gtin)


def _from_hri(raw: str, body: str, seps: tuple[str, ...], symbology: str) -> Scan:
    hri = "".join(body.split())
    try:
        message = GS1Message.parse_hri(hri, config=ParseConfig(separator_chars=seps))
        rebuilt = message.as_hri()
    except _BIIP_ERRORS as exc:
        raise MalformedScan("gs1_syntax", str(exc)) from exc
    if rebuilt != hri:
        # parse_hri skips text it cannot match; a scan must be read whole or not at all.
        raise MalformedScan(
            "gs1_syntax", "the human-readable GS1 text has parts that are not (AI)data"
        )
    return _scan_from_elements(raw, hri, symbology, list(message.element_strings))


def _from_gs1(
    raw: str,
    aim: str,
    body: str,
    seps: tuple[str, ...],
    symbology: str | None,
    *,
    required: bool,
) -> Scan | None:
    data = body.strip("".join(seps) + _WHITESPACE)
    if not data:
        raise MalformedScan("empty", "the GS1 symbol carries no data")
    try:
        result = biip.parse(aim + data, config=ParseConfig(separator_chars=seps))
    except _BIIP_ERRORS as exc:
        if required:
            raise MalformedScan("gs1_syntax", str(exc)) from exc
        return None
    if result.gs1_message is not None:
        elements = list(result.gs1_message.element_strings)
        cleaned = "".join(GS if ch in seps else ch for ch in data)
        name = symbology or "gs1"
    elif result.gs1_digital_link_uri is not None:
        elements = list(result.gs1_digital_link_uri.element_strings)
        cleaned = data
        name = symbology or "gs1-digital-link"
    else:
        if required:
            why = result.gs1_message_error or "not a GS1 element string"
            raise MalformedScan("gs1_syntax", why)
        return None
    if not elements:
        raise MalformedScan("empty", "the GS1 symbol carries no data")
    if not required and not any(es.ai.ai in KEY_AIS for es in elements):
        return None
    return _scan_from_elements(raw, cleaned, name, elements)


def _scan_from_elements(
    raw: str, cleaned: str, symbology: str, elements: list[GS1ElementString]
) -> Scan:
    values: dict[str, str] = {}
    dates: dict[str, date] = {}
    for es in elements:
        ai = es.ai.ai
        error = es.gtin_error or es.sscc_error or es.gln_error
        if error:
            reason = "check_digit" if "check digit" in error else "gs1_syntax"
            raise MalformedScan(reason, error, {"ai": ai})
        if ai in values and values[ai] != es.value:
            raise MalformedScan(
                "gs1_conflict", f"AI ({ai}) appears twice with different values", {"ai": ai}
            )
        values[ai] = es.value
        if es.date is not None:
            dates[ai] = es.date
    return Scan(
        raw=raw,
        cleaned=cleaned,
        symbology=symbology,
        gtin=values.get("01") or values.get("02"),
        sscc=values.get("00"),
        count=_count(values),
        lot=values.get("10"),
        serial=values.get("21"),
        expiry=dates.get("17"),
        best_before=dates.get("15"),
        production_date=dates.get("11"),
        gs1=values,
    )


def _count(values: Mapping[str, str]) -> int | None:
    # (37) counts trade items in a logistic unit (with 02), (30) counts with (01).
    ai = "37" if "37" in values and ("02" in values or "30" not in values) else "30"
    text = values.get(ai)
    if text is None:
        return None
    if not text.isdigit() or int(text) < 1:
        raise MalformedScan(
            "count", f"AI ({ai}) must be a count of at least 1, not {text!r}", {"ai": ai}
        )
    return int(text)
