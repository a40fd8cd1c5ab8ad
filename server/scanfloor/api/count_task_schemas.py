"""Request and response schemas for executing count tasks: claim, record, finish, decide.

The worker's task schema is blind: it has no field for a system quantity, a variance or a
value, so nothing the ledger holds can leak to the counter even by mistake."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..counting.models import COUNT_STATUSES
from ..ledger.rules import MAX_QUANTITY
from .fields import RequestSchema
from .picking_schemas import UserRefField, WarehouseRef

_SCANNED = validate.Length(1, 200)


def _client_scan_id() -> fields.String:
    return fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(1, 200),
        metadata={"description": "Key when no Idempotency-Key header is sent"},
    )


def _device_id() -> fields.String:
    return fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 64))


# --- requests ----------------------------------------------------------------------------------


class CountClaimInSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE  # scanners replaying an old queue may carry fields of their own

    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})
    client_scan_id = _client_scan_id()
    device_id = _device_id()


class CountTaskListArgsSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})
    status = fields.String(
        validate=validate.OneOf(COUNT_STATUSES),
        metadata={"description": "Default: open, recount and approval"},
    )


class CountApprovalArgsSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})


class CountLineInSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE

    location = fields.String(
        required=True, validate=_SCANNED, metadata={"description": "The bin's barcode as scanned"}
    )
    barcode = fields.String(
        required=True,
        validate=_SCANNED,
        metadata={"description": "The item's barcode as scanned (GS1: lot/expiry are read)"},
    )
    quantity = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(0, MAX_QUANTITY),
        metadata={"description": "How many of the scanned pack (units = quantity * pack)"},
    )
    lot = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(1, 40),
        metadata={"description": "The lot, when the label scanned carries none"},
    )  # fmt: skip
    expiry = fields.Date(allow_none=True, load_default=None)
    client_scan_id = _client_scan_id()
    device_id = _device_id()


class CountFinishInSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE

    empty = fields.Boolean(
        load_default=False, metadata={"description": "The bin is empty: nothing to count"}
    )
    location = fields.String(
        allow_none=True,
        load_default=None,
        validate=_SCANNED,
        metadata={"description": "The bin's barcode as scanned (required with empty: true)"},
    )
    client_scan_id = _client_scan_id()
    device_id = _device_id()


class CountDecideInSchema(RequestSchema):
    decision = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    reason_code = fields.String(required=True, validate=validate.Length(1, 64))
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(0, 500))
    recount = fields.Boolean(
        load_default=True,
        metadata={"description": "Reject: raise a new count of the bin (default true)"},
    )
    device_id = _device_id()


class CountAssignInSchema(RequestSchema):
    user = UserRefField(required=True, metadata={"description": "A user id or a username"})


# --- answers -----------------------------------------------------------------------------------


class CountRefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class CountBinSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    barcode = fields.String(allow_none=True)


class CountUserSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()


class CountBarcodeSchema(ma.Schema):
    code = fields.String()
    quantity = fields.Integer(metadata={"description": "Base units one scan of it counts"})


class CountItemSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    barcodes = fields.List(fields.Nested(CountBarcodeSchema))


class CountItemBriefSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()


class CountRecountItemSchema(ma.Schema):
    item = fields.Nested(CountItemSchema)
    lot = fields.Nested(CountRefSchema, allow_none=True)


class CountCountedSchema(ma.Schema):
    item = fields.Nested(CountItemBriefSchema)
    lot = fields.Nested(CountRefSchema, allow_none=True)
    counted_qty = fields.Integer()
    unexpected = fields.Boolean(metadata={"description": "An item the ledger had not here"})


class CountTaskSchema(ma.Schema):
    """Blind: what to count, never what the ledger holds."""

    id = fields.Integer()
    status = fields.String(metadata={"description": "|".join(COUNT_STATUSES)})
    attempt = fields.Integer(metadata={"description": "1 the count, 2 the recount"})
    reason = fields.String()
    warehouse = fields.Nested(CountRefSchema)
    location = fields.Nested(CountBinSchema)
    item = fields.Nested(CountItemSchema, allow_none=True, metadata={"description": "null: all"})
    recount_items = fields.List(fields.Nested(CountRecountItemSchema))
    counted = fields.List(fields.Nested(CountCountedSchema))
    assigned_to = fields.Nested(CountUserSchema, allow_none=True)


class CountReviewLineSchema(ma.Schema):
    attempt = fields.Integer()
    item = fields.Nested(CountItemBriefSchema)
    lot = fields.Nested(CountRefSchema, allow_none=True)
    counted_qty = fields.Integer()
    system_qty = fields.Integer(metadata={"description": "The ledger's when it was counted"})
    variance = fields.Integer()
    unit_value = fields.Decimal(as_string=True, allow_none=True)
    variance_value = fields.Decimal(as_string=True, allow_none=True)
    abc_class = fields.String()
    within_tolerance = fields.Boolean()
    unexpected = fields.Boolean()
    outcome = fields.String()
    counted_by = fields.Nested(CountUserSchema, allow_none=True)
    counted_at = fields.DateTime()


class CountReviewSchema(CountTaskSchema):
    lines = fields.List(fields.Nested(CountReviewLineSchema))
    needs_manager = fields.Boolean()
    pending_value = fields.Decimal(
        as_string=True, metadata={"description": "Sum of |variance value| waiting for approval"}
    )
    counted_by = fields.Nested(CountUserSchema, allow_none=True)
    counted_at = fields.DateTime(allow_none=True)
    recounted_by = fields.Nested(CountUserSchema, allow_none=True)
    recounted_at = fields.DateTime(allow_none=True)
    decided_by = fields.Nested(CountUserSchema, allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    decision_note = fields.String(allow_none=True)
    posting_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class CountTaskSummarySchema(ma.Schema):
    id = fields.Integer()
    status = fields.String()
    attempt = fields.Integer()
    reason = fields.String()
    warehouse = fields.Nested(CountRefSchema)
    location = fields.Nested(CountBinSchema)
    item = fields.Nested(CountItemBriefSchema, allow_none=True)
    assigned_to = fields.Nested(CountUserSchema, allow_none=True)
    counted_by = fields.Nested(CountUserSchema, allow_none=True)
    created_at = fields.DateTime()


class CountTaskListSchema(ma.Schema):
    tasks = fields.List(fields.Nested(CountTaskSummarySchema))


class CountApprovalListSchema(ma.Schema):
    tasks = fields.List(fields.Nested(CountReviewSchema))


class CountClaimOutSchema(ma.Schema):
    task = fields.Nested(
        CountTaskSchema, allow_none=True, metadata={"description": "null: no work"}
    )


class CountLineOutSchema(ma.Schema):
    task = fields.Nested(CountTaskSchema)
    line = fields.Nested(CountCountedSchema)


class CountFinishOutSchema(ma.Schema):
    task = fields.Nested(CountTaskSchema)
    outcome = fields.String(metadata={"description": "matched | adjusted | recount | approval"})
