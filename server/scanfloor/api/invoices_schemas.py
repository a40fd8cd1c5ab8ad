"""Request and response schemas for supplier invoices: entering one (lines against purchase
order lines), the approval queue, approving and rejecting. Money and prices are decimal
strings, never floats (money to the cent, unit prices to 6 places)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..finance.document_models import INVOICE_STATUSES, MATCH_STATUSES
from .contract_fields import DecimalText, id_or_code
from .fields import MAX_INT32, Cursor, Id, RequestSchema

MAX_LINES = 500


def _money(description: str = "", **kw: Any) -> DecimalText:
    return DecimalText(
        places=2, digits=16, dump_places=2, metadata={"description": description}, **kw
    )


def _price(description: str = "", **kw: Any) -> DecimalText:
    return DecimalText(
        places=6, digits=12, dump_places=6, metadata={"description": description}, **kw
    )


class SupplierRef(fields.Field):  # type: ignore[type-arg]
    """A supplier by id (integer) or by code (string)."""

    def openapi_properties(self) -> dict[str, Any]:
        return id_or_code("supplier")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> int | str:
        if isinstance(value, bool):
            raise ma.ValidationError("give a supplier id or code")
        if isinstance(value, int) and 0 < value <= MAX_INT32:
            return value
        if isinstance(value, str) and 0 < len(value.strip()) <= 64:
            return value.strip()
        raise ma.ValidationError("give a supplier id or code")


# --- requests ----------------------------------------------------------------------------


class InvoiceLineInSchema(RequestSchema):
    po_line_id = Id(required=True, metadata={"description": "The purchase order line billed"})
    quantity = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(1, MAX_INT32),
        metadata={"description": "Units billed (base units)"},
    )
    unit_price = _price("Price of one unit, in the invoice currency", required=True, minimum=0)


class InvoiceCreateSchema(RequestSchema):
    supplier = SupplierRef(required=True)
    number = fields.String(
        required=True,
        validate=validate.Length(1, 64),
        metadata={"description": "The supplier's own invoice number (once per supplier)"},
    )
    invoice_date = fields.Date(required=True)
    due_date = fields.Date(load_default=None, allow_none=True)
    currency = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"\A[A-Za-z]{3}\Z", error="an ISO 4217 code such as EUR"),
        metadata={"description": "ISO 4217; only the functional currency for now (default)"},
    )
    tax = _money(
        "The invoice's tax (booked to input tax recoverable, owed with the invoice)",
        load_default=Decimal(0),
        minimum=0,
    )
    lines = fields.List(
        fields.Nested(InvoiceLineInSchema),
        required=True,
        validate=validate.Length(1, MAX_LINES),
    )


class InvoiceListArgs(RequestSchema):
    status = fields.String(
        load_default=None,
        validate=validate.OneOf(INVOICE_STATUSES),
        metadata={"description": "held (the approval queue) | posted | rejected"},
    )
    supplier = Id(strict=False, load_default=None, metadata={"description": "Supplier id"})
    limit = fields.Integer(validate=validate.Range(1, 200))
    cursor = Cursor(metadata={"description": "next_cursor of the previous page"})


class ApproveSchema(RequestSchema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class RejectSchema(RequestSchema):
    note = fields.String(
        required=True,
        validate=validate.Length(1, 200),
        metadata={"description": "Why the invoice is rejected"},
    )


# --- answers -----------------------------------------------------------------------------


class InvoiceMatchSchema(ma.Schema):
    movement_id = fields.Integer(metadata={"description": "The receipt movement cleared"})
    quantity = fields.Integer()
    received_value = _money("Cleared from GRNI: what the units were received at")
    invoiced_value = _money("What the invoice billed for them")


class InvoiceLineSchema(ma.Schema):
    id = fields.Integer()
    line_no = fields.Integer()
    po_line_id = fields.Integer()
    po_id = fields.Integer()
    po_number = fields.String()
    item_id = fields.Integer()
    sku = fields.String()
    quantity = fields.Integer()
    unit_price = _price()
    amount = _money("quantity x unit_price, to the cent")
    match_status = fields.String(metadata={"description": " | ".join(MATCH_STATUSES)})
    match_detail = fields.Dict(
        keys=fields.String(),
        metadata={
            "description": "What the match compared: ordered, received, invoiced_before, "
            "invoiced_after, po_unit_cost, unit_price, price_difference, the tolerances and "
            "whether quantity and price are within them"
        },
    )
    matches = fields.List(
        fields.Nested(InvoiceMatchSchema),
        metadata={"description": "Receipt movements the line cleared (once posted)"},
    )


class InvoiceSchema(ma.Schema):
    id = fields.Integer()
    supplier_id = fields.Integer()
    supplier_code = fields.String()
    number = fields.String()
    invoice_date = fields.Date()
    due_date = fields.Date(allow_none=True)
    currency = fields.String()
    subtotal = _money("Sum of the lines")
    tax = _money()
    total = _money("subtotal + tax")
    status = fields.String(metadata={"description": " | ".join(INVOICE_STATUSES)})
    mismatched_lines = fields.Integer(metadata={"description": "Lines not matched"})
    entered_by = fields.Integer(allow_none=True, metadata={"description": "User id"})
    entered_at = fields.DateTime()
    decided_by = fields.Integer(allow_none=True, metadata={"description": "Approver or rejecter"})
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)
    posted_at = fields.DateTime(allow_none=True)
    entry_id = fields.Integer(allow_none=True, metadata={"description": "Its journal entry"})
    lines = fields.List(fields.Nested(InvoiceLineSchema))


class InvoiceBriefSchema(InvoiceSchema):
    class Meta:
        exclude = ("lines",)


class InvoicePageSchema(ma.Schema):
    invoices = fields.List(fields.Nested(InvoiceBriefSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)
