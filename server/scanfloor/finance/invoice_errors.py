"""Supplier invoices' named errors (HTTP status and code; api/errors.py answers every
ScanfloorError with its own status)."""

from __future__ import annotations

from ..errors import Conflict, Forbidden, NotFound, ValidationFailed


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"


class DuplicateInvoice(Conflict):
    """A supplier's invoice number is entered once (a rejected invoice keeps its number);
    details: supplier_id, number, invoice_id."""

    code = "duplicate_invoice"


class InvoiceNotHeld(Conflict):
    """Only a held invoice is approved or rejected (details: status)."""

    code = "invoice_not_held"


class ApproverEnteredInvoice(Forbidden):
    """The person who entered an invoice never approves its mismatch: another one does."""

    code = "approver_entered_invoice"


class PoLineNotFound(NotFound):
    """An invoice line names a purchase order line that does not exist (details: line)."""

    code = "po_line_not_found"


class PoLineOfAnotherSupplier(ValidationFailed):
    """An invoice line names a purchase order line of another supplier's order."""

    code = "po_line_of_another_supplier"


class InvoiceCurrencyRefused(ValidationFailed):
    """For now an invoice is in the functional currency (SCANFLOOR_CURRENCY) only: there is
    no exchange rate to turn another one into the books' money."""

    code = "invoice_currency_refused"


class InvalidInvoice(ValidationFailed):
    """An invoice that cannot be entered as given (no lines, due before issued, ...)."""

    code = "invalid_invoice"
