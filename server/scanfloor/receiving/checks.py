"""What one receiving confirmation carries, checked before anything is looked up or written:
the quantity (typed or from the scan), damaged units, lot and expiry; and the named error
each broken receiving rule answers with. (Split from receive_service.py, which runs them.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Row

from ..catalog.resolve import Resolution
from ..errors import (
    ExpiryRequired,
    LotRequired,
    NotReceivable,
    ReceiveLocationRefused,
    ValidationFailed,
    rule_failed,
)
from ..timeutil import utcnow
from .confirmation import Confirmation
from .rules import ReceivingRuleError, ScanWarning, check_lot_and_expiry, split_damaged


def rule_error(exc: ReceivingRuleError) -> Exception:
    """The named error a broken receiving rule answers with (a 422 naming it otherwise)."""
    named = {
        "lot_required": LotRequired,
        "expiry_required": ExpiryRequired,
        "wrong_location": ReceiveLocationRefused,
        "po_not_receivable": NotReceivable,
    }.get(exc.code)
    return named(exc.message, exc.details) if named else rule_failed(exc)


@dataclass
class Checked:
    """A confirmation that passed the quantity, lot and expiry rules (warnings grow as the
    later steps add theirs)."""

    quantity: int
    good: int
    damaged: int
    lot_code: str | None
    expiry: date | None
    warnings: list[ScanWarning]


def check_confirmation(line: Row[Any], conf: Confirmation, scanned: Resolution | None) -> Checked:
    """Quantity (typed or from the scan), damaged units, lot and expiry."""
    quantity = (
        conf.quantity if conf.quantity is not None else (scanned.quantity if scanned else None)
    )
    if quantity is None:
        raise ValidationFailed("give the quantity (base units)", {"field": "quantity"})
    lot_code = conf.lot_code or (scanned.lot["code"] if scanned and scanned.lot else None)
    expiry = conf.expiry or ((scanned.expiry or scanned.best_before) if scanned else None)
    try:
        good, damaged = split_damaged(quantity, conf.damaged_quantity, conf.damage_reason)
        warnings = check_lot_and_expiry(
            tracking=line.tracking,
            expiry_tracked=line.expiry_tracked,
            lot_code=lot_code,
            expiry=expiry,
            today=utcnow().date(),
        )
    except ReceivingRuleError as exc:
        raise rule_error(exc) from exc
    return Checked(quantity, good, damaged, lot_code, expiry, warnings)
