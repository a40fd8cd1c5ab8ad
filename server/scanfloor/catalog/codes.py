"""Pure rules for codes stored in the catalog: SKUs and barcodes.

A barcode is stored in one canonical form so that one code means one thing:
GTIN-8/12/13/14 (all digits, valid check digit) are stored as 14 digits, so an EAN-13 and
its GTIN-14 form with a leading zero clash as the same code. Anything else is an internal
code: printable ASCII, upper-cased, and never all digits of a GTIN length (that would
shadow a GTIN).
"""

from __future__ import annotations

import re
import unicodedata

from biip.checksums import gs1_standard_check_digit

GTIN_LENGTHS = (8, 12, 13, 14)
_INTERNAL = re.compile(r"^[A-Z0-9\-._/+:#]{3,48}$")


class CodeError(ValueError):
    """A code that can never be stored: the message says why."""


def sku_key(sku: str) -> str:
    """Fold case and drop all whitespace: the duplicate guard for SKUs."""
    folded = unicodedata.normalize("NFKC", sku).casefold()
    return "".join(folded.split())


def normalise_sku(sku: str) -> str:
    """Trim, collapse inner whitespace runs, upper-case."""
    cleaned = " ".join(unicodedata.normalize("NFKC", sku).split()).upper()
    if not cleaned or len(cleaned) > 64 or not cleaned.isprintable():
        raise CodeError("SKU must be 1-64 printable characters")
    return cleaned


def gtin_is_valid(digits: str) -> bool:
    if not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        return False
    return gs1_standard_check_digit(digits[:-1]) == int(digits[-1])


def canonical_barcode(raw: str) -> tuple[str, str]:
    """Return (symbology, stored code): ("gtin", 14 digits) or ("internal", CODE)."""
    code = raw.strip()
    if code.isascii() and code.isdigit() and len(code) in GTIN_LENGTHS:
        if not gtin_is_valid(code):
            expected = gs1_standard_check_digit(code[:-1])
            raise CodeError(f"GTIN-{len(code)} check digit is {code[-1]}, should be {expected}")
        return "gtin", code.zfill(14)
    upper = code.upper()
    if not _INTERNAL.match(upper):
        raise CodeError("internal codes are 3-48 characters of A-Z, 0-9 and - . _ / + : #")
    return "internal", upper
