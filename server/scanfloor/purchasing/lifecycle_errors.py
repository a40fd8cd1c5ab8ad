"""The purchase order lifecycle's named errors (HTTP status and code), and the one place the
pure rules' refusals (rules.PurchasingRuleError) become them."""

from __future__ import annotations

from typing import Any

from ..errors import Conflict, Forbidden, InvalidState, ScanfloorError, ValidationFailed
from .rules import PurchasingRuleError


class ApprovalNeedsManager(Forbidden):
    """The PO is worth more than SCANFLOOR_PO_MANAGER_VALUE: a manager approves it."""

    code = "approval_needs_manager"


class ApprovalNeedsSupervisor(Forbidden):
    code = "approval_needs_supervisor"


class EmptyPurchaseOrder(Conflict):
    code = "empty_purchase_order"


class NoPoDestination(Conflict):
    """The supplier has neither a po_endpoint nor an e-mail address."""

    code = "no_po_destination"


class AlreadyReceived(Conflict):
    """Units came in against the PO: it is closed, not cancelled."""

    code = "already_received"


class BelowReceived(Conflict):
    code = "below_received"


class LineReceived(Conflict):
    code = "line_received"


class NothingToAmend(ValidationFailed):
    code = "nothing_to_amend"


_BY_CODE: dict[str, type[ScanfloorError]] = {
    "invalid_state": InvalidState,
    "approval_needs_manager": ApprovalNeedsManager,
    "approval_needs_supervisor": ApprovalNeedsSupervisor,
    "empty_purchase_order": EmptyPurchaseOrder,
    "no_po_destination": NoPoDestination,
    "already_received": AlreadyReceived,
    "below_received": BelowReceived,
    "line_received": LineReceived,
}


def lifecycle_error(exc: PurchasingRuleError, **details: Any) -> ScanfloorError:
    """The named error for a refused lifecycle rule (422 naming the rule for any other)."""
    cls = _BY_CODE.get(exc.code)
    if cls is None:
        return ValidationFailed(exc.message, {"rule": exc.code, **details, **exc.details})
    return cls(exc.message, {**details, **exc.details})
