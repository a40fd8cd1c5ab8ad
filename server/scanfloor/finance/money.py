"""Pure money rules: the minor units of a currency (ISO 4217), its quantum, and rounding.

Policy:
- Money is Decimal, never float. An amount is kept to its currency's minor units (the
  quantum: 0.01 for EUR/USD, 1 for JPY, 0.001 for KWD, 0.0001 for CLF); unit costs to
  6 places (RATE_PLACES, as the columns).
- Rounding is ROUND_HALF_UP (a half is rounded away from zero: 0.005 -> 0.01,
  -0.005 -> -0.01), the commercial rule an accountant checks by hand.
- The exponent table is ISO 4217's; a code not listed (or blank) has 2 minor units.
- Arithmetic runs in a fixed 28-digit context, so answers never depend on the caller's.
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

RATE_PLACES = Decimal("0.000001")
DEFAULT_MINOR_UNITS = 2

_ZERO_DECIMALS = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "UYI",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
_THREE_DECIMALS = frozenset(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"])
_FOUR_DECIMALS = frozenset(["CLF", "UYW"])

# 28 digits carry any amount the NUMERIC(18, 2) / (18, 6) columns hold, times a quantity.
_CONTEXT = decimal.Context(prec=28, rounding=ROUND_HALF_UP)


def minor_units(currency: str) -> int:
    """The ISO 4217 exponent of `currency` (case-insensitive): 2 unless listed otherwise."""
    code = currency.strip().upper()
    if code in _ZERO_DECIMALS:
        return 0
    if code in _THREE_DECIMALS:
        return 3
    if code in _FOUR_DECIMALS:
        return 4
    return DEFAULT_MINOR_UNITS


def quantum(currency: str) -> Decimal:
    """The smallest amount of `currency`: Decimal("0.01"), Decimal("1"), Decimal("0.001")."""
    return Decimal(1).scaleb(-minor_units(currency), _CONTEXT)


def round_to(amount: Decimal, q: Decimal) -> Decimal:
    """`amount` rounded half up to the quantum `q` (the rules take the quantum, not a code)."""
    return amount.quantize(q, rounding=ROUND_HALF_UP, context=_CONTEXT)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up to `currency`'s minor units."""
    return round_to(amount, quantum(currency))


def rate(value: Decimal, quantity: int) -> Decimal:
    """Value per unit to RATE_PLACES (half up); 0 for no quantity (nothing to divide)."""
    if quantity == 0:
        return Decimal(0).quantize(RATE_PLACES)
    per_unit = _CONTEXT.divide(value, Decimal(quantity))
    return per_unit.quantize(RATE_PLACES, rounding=ROUND_HALF_UP, context=_CONTEXT)


def share(value: Decimal, part: int, whole: int, q: Decimal) -> Decimal:
    """round(value * part / whole) to `q`: the value of `part` units out of `whole` that are
    worth `value`. Taking the whole takes exactly `value` (no residue left behind)."""
    if part == whole:
        return value
    exact = _CONTEXT.divide(_CONTEXT.multiply(value, Decimal(part)), Decimal(whole))
    return round_to(exact, q)


def times(quantity: int, unit_cost: Decimal, q: Decimal) -> Decimal:
    """round(quantity * unit_cost) to `q`."""
    return round_to(_CONTEXT.multiply(Decimal(quantity), unit_cost), q)
