"""Pure receiving rules: when a PO is receivable, over-receipt tolerance, what a confirmation
must carry. (PO states, codes and money are purchasing's rules: purchasing/rules.py.)

Plain values in, plain values out. A broken rule raises ReceivingRuleError with a stable code;
the services turn it into the named error the API answers with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from ..purchasing.rules import role_at_least

# `sent`: issued to the supplier through Scanfloor; `open`: issued outside it (legacy).
RECEIVABLE_STATES = frozenset({"sent", "open", "partially_received", "received"})
# States a PO with nothing received yet keeps (it is not moved to `open` by receiving).
_UNRECEIVED_STATES = frozenset({"sent", "open"})
APPROVER_ROLE = "supervisor"
DOCK_TYPES = frozenset({"dock", "staging"})


class ReceivingRuleError(ValueError):
    """A confirmation or a state change the rules refuse; `code` names which rule."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


@dataclass(frozen=True)
class ScanWarning:
    code: str
    message: str


@dataclass(frozen=True)
class Excess:
    """An over-receipt: what was ordered, already received, asked for, and allowed in all."""

    ordered: int
    received: int
    requested: int
    allowed: int


# --- receivable states ------------------------------------------------------------------


def check_receivable(state: str) -> None:
    """Receiving is allowed once a PO is sent (or opened) and until it is closed."""
    if state not in RECEIVABLE_STATES:
        raise ReceivingRuleError(
            "po_not_receivable",
            "this purchase order is not open for receiving"
            if state in ("draft", "approved")
            else f"this purchase order is {state}",
            {"state": state, "receivable_states": sorted(RECEIVABLE_STATES)},
        )


def state_after_receipt(lines: Iterable[tuple[int, int]], base: str = "open") -> str:
    """A receivable PO's state from its lines' (ordered, received): every line complete is
    received, anything received is partially received, nothing yet is the PO's base state
    (`sent` or `open`, whichever it was issued as; anything else counts as open)."""
    pairs = list(lines)
    if pairs and all(received >= ordered for ordered, received in pairs):
        return "received"
    if any(received > 0 for _, received in pairs):
        return "partially_received"
    return base if base in _UNRECEIVED_STATES else "open"


# --- tolerance ---------------------------------------------------------------------------


def allowed_total(ordered: int, tolerance_pct: Decimal) -> int:
    """Ordered plus the tolerance, rounded down to whole base units (0% allows ordered)."""
    extra = (Decimal(ordered) * tolerance_pct / 100).to_integral_value(rounding=ROUND_FLOOR)
    return ordered + int(extra)


def over_receipt(
    ordered: int, received: int, requested: int, tolerance_pct: Decimal
) -> Excess | None:
    """The excess if receiving `requested` more would pass the tolerance, else None."""
    allowed = allowed_total(ordered, tolerance_pct)
    if received + requested <= allowed:
        return None
    return Excess(ordered=ordered, received=received, requested=requested, allowed=allowed)


def variance(ordered: int, received_before: int, quantity: int) -> int:
    """Units beyond the ordered quantity that this confirmation brings in."""
    return max(0, received_before + quantity - ordered) - max(0, received_before - ordered)


def may_approve(role: str) -> bool:
    """Supervisors and above approve an over-receipt on the spot."""
    return role_at_least(role, APPROVER_ROLE)


# --- one confirmation --------------------------------------------------------------------


def split_damaged(quantity: int, damaged: int, reason: str | None) -> tuple[int, int]:
    """(good, damaged) of a confirmation; damaged units need a reason and cannot exceed it."""
    if quantity <= 0:
        raise ReceivingRuleError(
            "invalid_quantity",
            "quantity must be a positive number of base units",
            {"quantity": quantity},
        )
    if damaged < 0 or damaged > quantity:
        raise ReceivingRuleError(
            "invalid_quantity",
            "damaged quantity is part of the quantity: from 0 to the quantity",
            {"quantity": quantity, "damaged_quantity": damaged},
        )
    if damaged and not (reason or "").strip():
        raise ReceivingRuleError(
            "damage_reason_required",
            "say why the damaged units are damaged",
            {"damaged_quantity": damaged},
        )
    return quantity - damaged, damaged


def check_lot_and_expiry(
    *,
    tracking: str,
    expiry_tracked: bool,
    lot_code: str | None,
    expiry: date | None,
    today: date,
) -> list[ScanWarning]:
    """Lot-tracked items need a lot, expiry-tracked ones an expiry; a past expiry warns."""
    if tracking == "lot" and not lot_code:
        raise ReceivingRuleError(
            "lot_required", "this item is lot-tracked: scan or enter the lot", {"field": "lot_code"}
        )
    if expiry_tracked and expiry is None:
        raise ReceivingRuleError(
            "expiry_required",
            "this item tracks expiry: scan or enter the expiry date",
            {"field": "expiry"},
        )
    warnings: list[ScanWarning] = []
    if tracking != "lot" and lot_code:
        warnings.append(
            ScanWarning("lot_ignored", f"this item is not lot-tracked; lot {lot_code} was not kept")
        )
    if expiry is not None and expiry < today:
        warnings.append(
            ScanWarning("expired", f"expiry date {expiry.isoformat()} has passed; received anyway")
        )
    return warnings


def check_destination(location_type: str, is_virtual: bool, active: bool) -> None:
    """Received stock lands on a dock or staging location (putaway moves it on)."""
    if is_virtual or not active or location_type not in DOCK_TYPES:
        raise ReceivingRuleError(
            "wrong_location",
            "receive onto a dock or staging location (or an LPN standing on one)",
            {"location_type": location_type, "allowed_types": sorted(DOCK_TYPES)},
        )


def check_warehouse(po_warehouse_id: int | None, place_warehouse_id: int | None) -> None:
    """A PO for a warehouse is received at that warehouse's docks only: stock landing on
    another warehouse's dock would sit in a building the PO never sent it to. A PO from before
    warehouses were named on them (None) may be received at any dock."""
    if po_warehouse_id is not None and place_warehouse_id != po_warehouse_id:
        raise ReceivingRuleError(
            "wrong_warehouse",
            "this dock is in another warehouse than the purchase order's",
            {"warehouse_id": place_warehouse_id, "po_warehouse_id": po_warehouse_id},
        )
