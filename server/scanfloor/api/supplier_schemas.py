"""Request and response schemas for suppliers: the brief a PO shows, the detail with contact,
terms and invoice tolerances, and what a supplier is created or patched with."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from .contract_fields import DecimalText
from .fields import RequestSchema
from .paging_schemas import PageArgs


class SupplierSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    over_receipt_tolerance_pct = DecimalText(
        places=2,
        metadata={"description": "Percent over the ordered quantity accepted without approval"},
    )
    active = fields.Boolean()


class SupplierDetailSchema(SupplierSchema):
    """A supplier read on its own: the brief (as on a PO) plus contact and terms."""

    email = fields.String(allow_none=True, metadata={"description": "Where the PO PDF goes"})
    po_endpoint = fields.String(
        allow_none=True, metadata={"description": "https URL a sent PO's JSON is posted to"}
    )
    has_po_endpoint_secret = fields.Boolean(
        metadata={"description": "POSTs to po_endpoint are signed (the secret is never shown)"}
    )
    currency = fields.String(metadata={"description": "ISO 4217 code", "example": "EUR"})
    lead_time_days = fields.Integer(metadata={"description": "Promised, when an item says none"})
    production_days = fields.Integer()
    transit_days = fields.Integer()
    customs_days = fields.Integer()
    imports = fields.Boolean(metadata={"description": "Ships by container (pre-buy plans)"})
    invoice_qty_tolerance_pct = DecimalText(
        places=2,
        metadata={"description": "Percent an invoice may bill over what was received"},
    )
    invoice_price_tolerance_pct = DecimalText(
        places=2,
        metadata={"description": "Percent an invoice's unit price may differ from the PO's"},
    )


def _days() -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(0, 3650))


class SupplierTermsIn(RequestSchema):
    """Contact and terms a supplier may be created or patched with (null email,
    po_endpoint or po_endpoint_secret: none)."""

    email = fields.String(allow_none=True, validate=validate.Length(3, 254))
    po_endpoint = fields.String(
        allow_none=True,
        validate=validate.Length(1, 500),
        metadata={"description": "https (plain http only to loopback in development)"},
    )
    po_endpoint_secret = fields.String(
        allow_none=True,
        load_only=True,
        validate=validate.Length(16, 200),
        metadata={
            "description": "Key of the Scanfloor-Signature on POSTs to po_endpoint, as a "
            "channel's webhook_secret (write-only; null removes it)"
        },
    )
    currency = fields.String(validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    lead_time_days = _days()
    production_days = _days()
    transit_days = _days()
    customs_days = _days()
    imports = fields.Boolean()
    invoice_qty_tolerance_pct = DecimalText(places=2, digits=3, minimum=0, maximum=100)
    invoice_price_tolerance_pct = DecimalText(places=2, digits=3, minimum=0, maximum=100)


class SupplierCreateSchema(SupplierTermsIn):
    code = fields.String(required=True, validate=validate.Length(1, 32))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    over_receipt_tolerance_pct = DecimalText(
        places=2, digits=3, minimum=0, maximum=100, load_default="0", metadata={"example": "5"}
    )


class SupplierPatchSchema(SupplierTermsIn):
    name = fields.String(validate=validate.Length(1, 200))
    over_receipt_tolerance_pct = DecimalText(places=2, digits=3, minimum=0, maximum=100)
    active = fields.Boolean()


class SupplierListArgs(PageArgs):
    # No NUL: PostgreSQL text cannot hold one, so the search would fail rather than miss.
    q = fields.String(validate=[validate.Length(max=100), validate.Regexp(r"^[^\x00]*$")])
    active = fields.Boolean()


class SupplierPageSchema(ma.Schema):
    suppliers = fields.List(fields.Nested(SupplierDetailSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)
