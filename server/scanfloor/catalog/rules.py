"""Pure catalog rules: pack ladders, location trees, container codes, lot codes.

Plain values in, plain values out; a broken rule raises CatalogRuleError (or CodeError for a
code that can never be stored), which services turn into named API errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from biip.checksums import gs1_standard_check_digit

from .codes import CodeError, canonical_barcode

PACK_ORDER = ("each", "inner", "case", "pallet")
LEVEL_ORDER = ("warehouse", "zone", "bin")
# Types a person may give a location; "virtual" ones exist only through the first migration.
FUNCTIONAL_TYPES = (
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
)
CREATABLE_TYPES = ("warehouse", "zone", *FUNCTIONAL_TYPES)
SELLABLE_BY_DEFAULT = frozenset({"storage", "pick_face"})
SSCC_LENGTH = 18
MAX_CONTAINER_CODE = 32  # containers.code column
MAX_LOCATION_CODE = 64  # locations.code column
MAX_LOT_CODE = 40  # lots.code column


class CatalogRuleError(ValueError):
    """A catalog rule refused the input; details say which values broke it."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.details: dict[str, Any] = details or {}


def check_pack_ladder(packs: Sequence[tuple[str, int]]) -> None:
    """Packs of one item: known levels, once each, "each" = 1, quantities rising with level.

    A case can only hold more than an inner, which holds more than an each; otherwise a scan
    of the bigger pack would count fewer base units than a scan of the smaller one.
    """
    seen: dict[str, int] = {}
    for level, quantity in packs:
        if level not in PACK_ORDER:
            raise CatalogRuleError(
                f"unknown pack level {level!r}", {"level": level, "allowed": list(PACK_ORDER)}
            )
        if level in seen:
            raise CatalogRuleError(f"pack level {level!r} given twice", {"level": level})
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise CatalogRuleError(
                "a pack quantity is a whole number of base units, at least 1",
                {"level": level, "quantity": quantity},
            )
        seen[level] = quantity
    if "each" not in seen:
        raise CatalogRuleError("an item needs an 'each' pack level", {"levels": list(seen)})
    if seen["each"] != 1:
        raise CatalogRuleError(
            "the 'each' pack is one base unit", {"level": "each", "quantity": seen["each"]}
        )
    ordered = [(lvl, seen[lvl]) for lvl in PACK_ORDER if lvl in seen]
    for (small, small_qty), (big, big_qty) in pairwise(ordered):
        if big_qty <= small_qty:
            raise CatalogRuleError(
                f"a {big} must hold more base units than a {small}",
                {small: small_qty, big: big_qty},
            )


def check_tracking(tracking: str, expiry_tracked: bool) -> None:
    """Expiry dates live on lots, so only lot-tracked items can track expiry."""
    if tracking not in ("none", "lot", "serial"):
        raise CatalogRuleError("tracking is none, lot or serial", {"tracking": tracking})
    if expiry_tracked and tracking != "lot":
        raise CatalogRuleError(
            "expiry is tracked per lot: set tracking to 'lot' to track expiry",
            {"tracking": tracking, "expiry_tracked": expiry_tracked},
        )


def default_level(location_type: str) -> str:
    """The tree level a location of this type usually sits at."""
    if location_type in ("warehouse", "zone"):
        return location_type
    return "bin"


def default_sellable(location_type: str) -> bool:
    """Stock is sellable only where it is put away for picking (ARCHITECTURE rule 3)."""
    return location_type in SELLABLE_BY_DEFAULT


def check_location_kind(level: str, location_type: str) -> None:
    """Which types each tree level may have."""
    if location_type not in CREATABLE_TYPES:
        raise CatalogRuleError(
            f"location type {location_type!r} cannot be created",
            {"type": location_type, "allowed": list(CREATABLE_TYPES)},
        )
    if level not in LEVEL_ORDER:
        raise CatalogRuleError(
            f"unknown location level {level!r}", {"level": level, "allowed": list(LEVEL_ORDER)}
        )
    if (level == "warehouse") != (location_type == "warehouse"):
        raise CatalogRuleError(
            "a warehouse-level location has type 'warehouse', and only it",
            {"level": level, "type": location_type},
        )
    if location_type == "zone" and level != "zone":
        raise CatalogRuleError(
            "type 'zone' is for zone-level locations", {"level": level, "type": location_type}
        )


def check_location_parent(
    level: str, parent_level: str | None, parent_is_virtual: bool = False
) -> None:
    """Warehouse at the root; a zone under a warehouse; a bin under a zone or a warehouse."""
    if parent_is_virtual:
        raise CatalogRuleError("virtual locations cannot hold other locations")
    allowed: tuple[str | None, ...] = {
        "warehouse": (None,),
        "zone": ("warehouse",),
        "bin": ("zone", "warehouse"),
    }[level]
    if parent_level not in allowed:
        raise CatalogRuleError(
            f"a {level} cannot sit under "
            + ("nothing" if parent_level is None else f"a {parent_level}"),
            {
                "level": level,
                "parent_level": parent_level,
                "allowed_parent_levels": [p for p in allowed if p is not None],
            },
        )


def normalise_location_code(raw: str) -> str:
    """Trimmed, upper-cased, no inner whitespace (it is typed and printed on labels)."""
    code = raw.strip().upper()
    if (
        not code
        or len(code) > MAX_LOCATION_CODE
        or not code.isprintable()
        or any(ch.isspace() for ch in code)
    ):
        raise CatalogRuleError(
            f"a location code is 1-{MAX_LOCATION_CODE} printable characters without spaces",
            {"code": raw},
        )
    return code


def canonical_place_barcode(raw: str) -> tuple[str, str]:
    """A location barcode: an internal code. GTINs name products, never places."""
    symbology, code = canonical_barcode(raw)
    if symbology == "gtin":
        raise CodeError("a GTIN identifies a product; a location barcode must be an internal code")
    return symbology, code


def sscc_is_valid(digits: str) -> bool:
    """An SSCC is 18 digits whose last is the GS1 check digit of the first 17."""
    if len(digits) != SSCC_LENGTH or not (digits.isascii() and digits.isdigit()):
        return False
    return gs1_standard_check_digit(digits[:-1]) == int(digits[-1])


def canonical_container_code(raw: str) -> tuple[str, str]:
    """Return ("sscc", 18 digits) or ("lpn", CODE).

    Accepts an SSCC as printed under a GS1-128 label, "(00)" + 18 digits, or as scanned,
    "00" + 18 digits; anything else must be an internal code (an LPN) of at most 32
    characters. A GTIN is refused: it names a product, not a container.
    """
    code = "".join(raw.split())
    if code.startswith("(00)"):
        code = code[4:]
    elif len(code) == SSCC_LENGTH + 2 and code.isdigit() and code.startswith("00"):
        code = code[2:]
    if code.isascii() and code.isdigit() and len(code) == SSCC_LENGTH:
        if not sscc_is_valid(code):
            expected = gs1_standard_check_digit(code[:-1])
            raise CodeError(f"SSCC check digit is {code[-1]}, should be {expected}")
        return "sscc", code
    symbology, canonical = canonical_barcode(code)
    if symbology == "gtin":
        raise CodeError(
            "a GTIN identifies a product; a container code is an SSCC (18 digits) or an LPN"
        )
    if len(canonical) > MAX_CONTAINER_CODE:
        raise CodeError(f"an LPN is at most {MAX_CONTAINER_CODE} characters")
    return "lpn", canonical


def container_symbology(code: str) -> str:
    """Stored container codes are SSCCs exactly when they are 18 digits."""
    return "sscc" if len(code) == SSCC_LENGTH and code.isdigit() else "lpn"


def normalise_lot_code(raw: str) -> str:
    """Lot codes compare case-insensitively: trimmed and upper-cased, no inner whitespace."""
    code = raw.strip().upper()
    if (
        not code
        or len(code) > MAX_LOT_CODE
        or not code.isprintable()
        or any(ch.isspace() for ch in code)
    ):
        raise CatalogRuleError(
            f"a lot code is 1-{MAX_LOT_CODE} printable characters without spaces",
            {"code": raw},
        )
    return code
