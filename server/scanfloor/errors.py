"""Named errors raised by services, and their HTTP status and error code.

Every error the API returns has one shape: {"error": {"code", "message", "details"}}.
"""

from __future__ import annotations

from typing import Any, Protocol


class ScanfloorError(Exception):
    """Base for every expected, client-caused failure."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}

    def http_headers(self) -> dict[str, str]:
        """Headers the answer carries besides the error body (Retry-After, ...)."""
        return {}


class ValidationFailed(ScanfloorError):
    status = 422
    code = "validation_failed"


class BodyTooDeep(ScanfloorError):
    """A request body nested deeper than any request needs (api/json_depth.py)."""

    status = 400
    code = "body_too_deep"


class RuleBroken(Protocol):
    """What a context's pure rule error carries (PurchasingRuleError, ReceivingRuleError...);
    the rules cannot raise these HTTP-shaped errors themselves, so services translate."""

    code: str
    message: str
    details: dict[str, Any]


def rule_failed(exc: RuleBroken) -> ValidationFailed:
    """A broken domain rule as a 422 that names the rule."""
    return ValidationFailed(exc.message, {"rule": exc.code, **exc.details})


class NotFound(ScanfloorError):
    status = 404
    code = "not_found"


class Conflict(ScanfloorError):
    status = 409
    code = "conflict"


class InsufficientStock(Conflict):
    code = "insufficient_stock"


class DuplicateSku(Conflict):
    code = "duplicate_sku"


class BarcodeClash(Conflict):
    code = "barcode_clash"


class DuplicateCode(Conflict):
    """A location, container or lot code that is already taken."""

    code = "duplicate_code"


class PickingStarted(Conflict):
    """An order line that is being picked (or later) can no longer be changed."""

    code = "picking_started"


class AlreadyReversed(Conflict):
    code = "already_reversed"


class AlreadyDelivered(Conflict):
    """An outbox message that went out cannot be retried."""

    code = "already_delivered"


class IdempotencyMismatch(Conflict):
    code = "idempotency_key_reused"


class InvalidBarcode(ValidationFailed):
    code = "invalid_barcode"


class UnknownBarcode(NotFound):
    code = "unknown_barcode"


class Unauthorized(ScanfloorError):
    status = 401
    code = "unauthorized"


class InvalidCredentials(Unauthorized):
    """Wrong username, password, badge or PIN: one answer whichever it was."""

    code = "invalid_credentials"


class Forbidden(ScanfloorError):
    status = 403
    code = "forbidden"


class TooManyAttempts(ScanfloorError):
    """Too many wrong passwords or PINs lately: try again after `retry_after` seconds."""

    status = 429
    code = "too_many_attempts"

    def http_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.details.get("retry_after", 1))}


# --- receiving ---------------------------------------------------------------------------


class OverReceipt(Conflict):
    """More than the PO line allows (ordered plus the supplier's tolerance), unapproved."""

    code = "over_receipt"


class UnexpectedItem(ValidationFailed):
    code = "unexpected_item"


class NotAnItem(ValidationFailed):
    """A barcode that names a location or a container where an item was expected."""

    code = "not_an_item"


class LotRequired(ValidationFailed):
    code = "lot_required"


class ExpiryRequired(ValidationFailed):
    code = "expiry_required"


class ReceiveLocationRefused(ValidationFailed):
    """Received stock goes onto a dock or staging location (or an LPN standing on one)."""

    code = "wrong_location"


class ReceiveWrongWarehouse(Conflict):
    """A dock (or an LPN on one) in another warehouse than the purchase order is for; the
    code is shipping's for the same mistake (a carton of another warehouse)."""

    code = "wrong_warehouse"


class InvalidState(Conflict):
    """A document that cannot take this step in its current state."""

    code = "invalid_state"


class NotReceivable(InvalidState):
    code = "po_not_receivable"


class ApprovalRefused(Forbidden):
    """The badge offered to approve cannot approve (wrong PIN, or a role below supervisor)."""

    code = "approval_refused"


class ImportRefused(ValidationFailed):
    """A file import refused whole; details name every row at fault."""

    code = "invalid_import"


# --- putaway -----------------------------------------------------------------------------


class TaskStale(Conflict):
    """The task's stock is no longer where the task said (moved meanwhile)."""

    code = "task_stale"


class BinFull(Conflict):
    code = "bin_full"


class WrongLocation(ValidationFailed):
    """A place the stock may not go to in this step (another warehouse, virtual, a dock...)."""

    code = "wrong_location"


class NotALocation(ValidationFailed):
    """A barcode that names an item or a container where a location was expected."""

    code = "not_a_location"


class OverrideReasonRequired(ValidationFailed):
    """Another bin than the suggested one: the worker must say why."""

    code = "override_reason_required"


class LabelNotPrintable(ValidationFailed):
    """A label that cannot be made from what the catalog holds (no barcode, too long, ...)."""

    code = "label_not_printable"


class NotConfigured(Conflict):
    """The request needs a setting this server does not have (say which in details)."""

    code = "not_configured"


# --- counting (execution) ------------------------------------------------------------------


class CountTaskClosed(Conflict):
    """The count task is no longer open for this (counted, rejected, cancelled, or waiting
    for approval): nothing can be counted on it or change hands."""

    code = "count_task_closed"


class CountTaskNotHeld(Conflict):
    """Counting on a task that someone else holds (or nobody): claim it first."""

    code = "task_not_held"


class CountWrongLocation(Conflict):
    """The bin scanned is not the bin the count task counts."""

    code = "wrong_location"


class CountWrongItem(Conflict):
    """An item count task is given another item."""

    code = "wrong_item"


class NotInRecount(Conflict):
    """A recount counts only the lines sent to it; this item (and lot) is not one of them."""

    code = "not_in_recount"


class NothingCounted(ValidationFailed):
    """Finishing a count without a line: scan the bin to confirm it is empty instead."""

    code = "nothing_counted"


class CounterCannotRecount(Conflict):
    """A recount goes to a different worker than the one who counted."""

    code = "counter_cannot_recount"


class NotAwaitingApproval(Conflict):
    code = "not_awaiting_approval"


class ApproverCounted(Forbidden):
    """The counter and the recounter never decide their own count's variance."""

    code = "approver_counted"


class ManagerRequired(Forbidden):
    """A variance worth more than the manager threshold needs a manager's approval."""

    code = "manager_required"


# --- returns -------------------------------------------------------------------------------


class ReturnFlagged(Conflict):
    """An item not on the order, or more than the return expects: the worker must accept
    it knowingly (accept_flag), it is never taken in silently."""

    code = "return_flagged"


class ReturnClosed(Conflict):
    """The return takes no more of this: its receipt is closed, or it is completed or
    cancelled."""

    code = "return_closed"


class OverInspection(Conflict):
    """More units than the line has waiting for inspection."""

    code = "over_inspection"


class NoDispositionLocation(Conflict):
    """The warehouse has no active location of the type a disposition (or the receipt)
    needs: a returns, quarantine, refurbish or rtv location."""

    code = "no_disposition_location"


class ReturnWrongLocation(Conflict):
    """Sellable returns go into a storage or pick-face bin of the return's warehouse."""

    code = "wrong_location"


class WrongPhoto(Conflict):
    """A photo kept with another return."""

    code = "wrong_photo"


class UnsupportedPhoto(ScanfloorError):
    """Not a JPEG, PNG or WebP image by its content, whatever it was declared as."""

    status = 415
    code = "unsupported_photo"


class PhotoTooLarge(ScanfloorError):
    status = 413
    code = "photo_too_large"
