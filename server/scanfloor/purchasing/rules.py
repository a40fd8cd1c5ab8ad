"""Pure purchasing rules: PO state changes, supplier and PO codes, money and tolerance values,
and who may see a blind PO's quantities.

Plain values in, plain values out. A broken rule raises PurchasingRuleError with a stable
code; the services turn it into the named error the API answers with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

# auth's ranking, lowest first (auth.models.ROLES), repeated so these rules stay pure.
ROLES = ("worker", "supervisor", "manager", "admin")
# Blind receipt hides a PO's quantities below this role.
SEES_BLIND_QUANTITIES = "supervisor"
# Finance (beside the ladder, docs/decisions/0026) matches invoices against what was ordered,
# and counts nothing, so it sees a blind PO's quantities too.
FINANCE = "finance"
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
    return not blind_receipt or role == FINANCE or role_at_least(role, SEES_BLIND_QUANTITIES)


# --- states ------------------------------------------------------------------------------

# The lifecycle: draft -(approve)-> approved -(send)-> sent -(receipts)-> partially_received
# -> received -(close)-> closed. `open` is the legacy path for a PO issued outside Scanfloor
# (draft -> open, receivable, no approval or outbox). Receipts move a PO between sent/open,
# partially_received and received (receiving/rules.py), never through these actions.
_TRANSITIONS = {
    "open": ({"draft"}, "open"),
    "approve": ({"draft"}, "approved"),
    "send": ({"approved"}, "sent"),
    "cancel": ({"draft", "approved", "sent", "open"}, "cancelled"),
    "close": ({"draft", "sent", "open", "partially_received", "received"}, "closed"),
}
# Amendments change an approved or issued PO (until it is fully received); a draft is edited.
AMENDABLE_STATES = frozenset({"approved", "sent", "open", "partially_received"})


_DONE = {
    "open": "opened",
    "approve": "approved",
    "send": "sent",
    "cancel": "cancelled",
    "close": "closed",
}


def transition(state: str, action: str) -> str:
    """The state a PO moves to when `action` (open | approve | send | cancel | close) is
    applied, or a refusal."""
    allowed_from, target = _TRANSITIONS[action]
    if state not in allowed_from:
        raise PurchasingRuleError(
            "invalid_state",
            f"a {state.replace('_', ' ')} purchase order cannot be {_DONE[action]}",
            {"state": state, "action": action, "allowed_from": sorted(allowed_from)},
        )
    return target


def check_cancellable(state: str, received_units: int) -> str:
    """Cancel a draft, approved, sent or open PO that has received nothing: "cancelled"."""
    target = transition(state, "cancel")
    if received_units > 0:
        raise PurchasingRuleError(
            "already_received",
            "units were received against this purchase order: close it instead",
            {"state": state, "received": received_units},
        )
    return target


# --- approval ------------------------------------------------------------------------------


def po_value(lines: Iterable[tuple[int, Decimal]]) -> Decimal:
    """A PO's value: the sum of ordered x unit cost over its lines (exact, not rounded)."""
    return sum((Decimal(qty) * cost for qty, cost in lines), Decimal(0))


def approver_needed(value: Decimal, threshold: Decimal) -> str:
    """The lowest role that approves a PO worth `value`: a supervisor, or a manager when the
    value is above the threshold (a PO worth exactly the threshold is a supervisor's)."""
    return "manager" if value > threshold else "supervisor"


def check_approver(role: str, value: Decimal, threshold: Decimal) -> None:
    """Refuse an approver whose role is below what the PO's value needs."""
    needed = approver_needed(value, threshold)
    if not role_at_least(role, needed):
        raise PurchasingRuleError(
            "approval_needs_manager" if needed == "manager" else "approval_needs_supervisor",
            f"a purchase order worth {decimal_text(value, 2)} is approved by a {needed} or above",
            {
                "value": decimal_text(value, 2),
                "threshold": decimal_text(threshold, 2),
                "needed_role": needed,
                "role": role,
            },
        )


def check_has_lines(line_count: int) -> None:
    """A PO without lines orders nothing: it cannot be approved or sent."""
    if line_count <= 0:
        raise PurchasingRuleError(
            "empty_purchase_order", "this purchase order has no lines", {"line_count": 0}
        )


def check_destination(email: str | None, po_endpoint: str | None) -> None:
    """A PO is sent to the supplier's endpoint or e-mail address: one of them must be set."""
    if not (email or "").strip() and not (po_endpoint or "").strip():
        raise PurchasingRuleError(
            "no_po_destination",
            "the supplier has neither a PO endpoint nor an e-mail address to send the PO to",
            {},
        )


# --- amendments ----------------------------------------------------------------------------


def check_amendable(state: str) -> None:
    """Approved, sent, open and partially received POs are amended (drafts are edited)."""
    if state not in AMENDABLE_STATES:
        raise PurchasingRuleError(
            "invalid_state",
            f"a {state.replace('_', ' ')} purchase order cannot be amended"
            + (": edit its lines instead" if state == "draft" else ""),
            {"state": state, "action": "amend", "allowed_from": sorted(AMENDABLE_STATES)},
        )


def check_line_quantity(line_no: int, quantity: int, received: int) -> None:
    """An amended line orders at least one unit and never less than it has received."""
    if quantity < max(received, 1):
        raise PurchasingRuleError(
            "below_received",
            f"line {line_no} has received {received}: it cannot order fewer"
            if received
            else f"line {line_no} must order at least 1 unit (remove it instead)",
            {"line_no": line_no, "quantity": quantity, "received": received},
        )


def check_removable(line_no: int, received: int) -> None:
    """Only a line that has received nothing is removed."""
    if received > 0:
        raise PurchasingRuleError(
            "line_received",
            f"line {line_no} has received {received}: set its quantity instead of removing it",
            {"line_no": line_no, "received": received},
        )


def state_after_amend(state: str, lines: Iterable[tuple[int, int]]) -> str:
    """The state an amended PO takes, from its lines' (ordered, received) after the change.

    An approved PO that is not sent yet goes back to draft: it is approved again (its value
    may now need another approver). A partially received PO whose every line is now complete
    (a quantity cut to what came) is received. Sent and open POs keep their state."""
    if state == "approved":
        return "draft"
    pairs = list(lines)
    if state == "partially_received" and pairs and all(r >= o for o, r in pairs):
        return "received"
    return state


def field_changes(
    line_no: int, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """One {line_no, field, old, new} per field whose value differs (fields of `after`)."""
    return [
        {"line_no": line_no, "field": name, "old": before.get(name), "new": value}
        for name, value in after.items()
        if before.get(name) != value
    ]


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
