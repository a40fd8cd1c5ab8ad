"""Request and response schemas of the GRNI ageing report (finance/grni_service.py): money
as decimal strings to the cent, what is owed positive (credit - debit)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from .contract_fields import DecimalText
from .fields import RequestSchema
from .picking_schemas import WarehouseRef


def _money(description: str) -> DecimalText:
    return DecimalText(places=2, digits=16, dump_places=2, metadata={"description": description})


class GrniAgeingArgs(RequestSchema):
    as_of = fields.Date(
        load_default=None,
        metadata={"description": "Age as of this day, YYYY-MM-DD (UTC; default today); "
                  "entries dated after it are left out"},
    )  # fmt: skip
    supplier = fields.String(
        load_default=None,
        validate=validate.Length(1, 32),
        metadata={"description": "Supplier code: only its purchase orders"},
    )
    warehouse = WarehouseRef(
        load_default=None,
        metadata={"description": "id or code: only purchase orders for this warehouse"},
    )


class GrniTotalsSchema(ma.Schema):
    oldest_receipt_date = fields.Date(
        allow_none=True, metadata={"description": "Entry date of the oldest receipt still open"}
    )
    days_0_30 = _money("Open 0 to 30 days")
    days_31_60 = _money("Open 31 to 60 days")
    days_61_90 = _money("Open 61 to 90 days")
    days_over_90 = _money("Open over 90 days")
    total = _money("The four buckets' sum")


class GrniRowSchema(GrniTotalsSchema):
    kind = fields.String(
        metadata={"description": "purchase_order | unassigned (grni lines naming no PO)"}
    )
    po_id = fields.Integer(allow_none=True)
    po_number = fields.String(allow_none=True)
    supplier_id = fields.Integer(allow_none=True)
    supplier_code = fields.String(allow_none=True)
    warehouse_id = fields.Integer(allow_none=True)
    warehouse_code = fields.String(allow_none=True)


class GrniAgeingSchema(ma.Schema):
    as_of = fields.Date()
    supplier = fields.String(allow_none=True, metadata={"description": "The supplier filter"})
    warehouse = fields.String(allow_none=True, metadata={"description": "The warehouse filter"})
    rows = fields.List(
        fields.Nested(GrniRowSchema),
        metadata={"description": "By supplier code then PO number; the unassigned row last"},
    )
    totals = fields.Nested(GrniTotalsSchema)
    account_balance = _money("Every grni account's credit - debit up to as_of")
    reconciled = fields.Boolean(
        allow_none=True,
        metadata={"description": "totals.total == account_balance (null when filtered)"},
    )
