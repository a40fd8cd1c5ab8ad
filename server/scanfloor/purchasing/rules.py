"""Pure purchasing rules: PO state changes, supplier and PO codes, money and tolerance values,
and who may see a blind PO's quantities.

Plain values in, plain values out. A broken rule raises PurchasingRuleError with a stable
code; the services turn it into the named error the API answers with.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

# auth's ranking, lowest first (auth.models.ROLES), repeated so these rules stay pure.
ROLES = ("worker", "supervisor", "manager", "admin")
# Blind receipt hides a PO's quantities below this role.
SEES_BLIND_QUANTITIES = "supervisor"
MAX_TOLERANCE_PCT = Decimal("100")
MAX_PO_NUMBER = 40
MAX_SUPPLIER_CODE = 32
MAX_UNIT_COST = Decimal("1e12")


class PurchasingRuleError(ValueError):
    """A value or a state change the rules refuse; `code` names which rule."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


# --- roles -------------------------------------------------------------------------------


def role_at_least(role: str, lowest: str) -> bool:
    """True for `lowest` and every role above it; an unknown role is below all."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(lowest)


def may_see_expected(blind_receipt: bool, role: str) -> bool:
    """Blind receipt hides ordered quantities from workers, so they count what is there."""
    return not blind_receipt or role_at_least(role, SEES_BLIND_QUANTITIES)


# --- states ------------------------------------------------------------------------------

_TRANSITIONS = {
    "open": ({"draft"}, "open"),
    "close": ({"draft", "open", "partially_received", "received"}, "closed"),
}


_DONE = {"open": "opened", "close": "closed"}


def transition(state: str, action: str) -> str:
    """The state a PO moves to when `action` (open | close) is applied, or a refusal."""
    allowed_from, target = _TRANSITIONS[action]
    if state not in allowed_from:
        raise PurchasingRuleError(
            "invalid_state",
            f"a {state.replace('_', ' ')} purchase order cannot be {_DONE[action]}",
            {"state": state, "action": action, "allowed_from": sorted(allowed_from)},
        )
    return target


# --- tolerance ---------------------------------------------------------------------------


def parse_tolerance(raw: str | Decimal | int) -> Decimal:
    """A tolerance percentage, 0-100, at most two decimals."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise PurchasingRuleError(
            "invalid_tolerance", "tolerance must be a decimal number", {"value": str(raw)}
        ) from exc
    if not value.is_finite() or value < 0 or value > MAX_TOLERANCE_PCT:
        raise PurchasingRuleError(
            "invalid_tolerance", "tolerance is a percentage from 0 to 100", {"value": str(raw)}
        )
    if value != value.quantize(Decimal("0.01")):
        raise PurchasingRuleError(
            "invalid_tolerance", "tolerance has at most two decimals", {"value": str(raw)}
        )
    return value


# --- presentation of numbers -------------------------------------------------------------


def decimal_text(value: Decimal | None, min_places: int = 0) -> str | None:
    """A decimal as plain text without trailing zeros, keeping at least `min_places`."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    if min_places:
        places = len(text.partition(".")[2])
        if places < min_places:
            text = format(value.quantize(Decimal(1).scaleb(-min_places)), "f")
    return text


# --- codes and money ---------------------------------------------------------------------


def normalise_po_number(raw: str) -> str:
    """PO numbers compare case-insensitively: trimmed, upper-cased, no inner whitespace."""
    code = raw.strip().upper()
    if (
        not code
        or len(code) > MAX_PO_NUMBER
        or not code.isprintable()
        or any(ch.isspace() for ch in code)
    ):
        raise PurchasingRuleError(
            "invalid_number",
            f"a PO number is 1-{MAX_PO_NUMBER} printable characters without spaces",
            {"number": raw},
        )
    return code


def normalise_supplier_code(raw: str) -> str:
    """Supplier codes: trimmed, upper-cased, letters, digits and - _ . only."""
    code = raw.strip().upper()
    if (
        not code
        or len(code) > MAX_SUPPLIER_CODE
        or not code.isascii()
        or not all(ch.isalnum() or ch in "-_." for ch in code)
    ):
        raise PurchasingRuleError(
            "invalid_code",
            f"a supplier code is 1-{MAX_SUPPLIER_CODE} letters, digits, '-', '_' or '.'",
            {"code": raw},
        )
    return code


def parse_unit_cost(raw: str | Decimal) -> Decimal:
    """Money: a non-negative decimal with at most 6 places (never a float)."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise PurchasingRuleError(
            "invalid_unit_cost", "unit cost must be a decimal number", {"value": str(raw)}
        ) from exc
    if not value.is_finite() or value < 0 or value >= MAX_UNIT_COST:
        raise PurchasingRuleError(
            "invalid_unit_cost", "unit cost must be 0 or more", {"value": str(raw)}
        )
    if value != value.quantize(Decimal("0.000001")):
        raise PurchasingRuleError(
            "invalid_unit_cost", "unit cost has at most 6 decimals", {"value": str(raw)}
        )
    return value
