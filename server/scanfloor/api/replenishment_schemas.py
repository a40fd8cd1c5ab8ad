"""Request and response schemas for pick faces, replenishment tasks and low stock."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..ledger.rules import MAX_QUANTITY
from ..replenishment.models import TASK_STATUSES
from .fields import RequestSchema
from .picking_schemas import WarehouseRef

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


# --- shared answers ------------------------------------------------------------------------


class ReplRefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class ReplBinSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    barcode = fields.String(allow_none=True)


class ReplItemRefSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()


class ReplBarcodeSchema(ma.Schema):
    code = fields.String()
    level = fields.String()
    quantity = fields.Integer(metadata={"description": "Base units one scan of it counts"})


class ReplItemSchema(ReplItemRefSchema):
    barcodes = fields.List(fields.Nested(ReplBarcodeSchema))


class ReplLotSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    expiry = fields.Date(allow_none=True)


class ReplUserSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()


# --- pick faces --------------------------------------------------------------------------


class PickFaceSchema(ma.Schema):
    id = fields.Integer()
    warehouse = fields.Nested(ReplRefSchema)
    location = fields.Nested(ReplBinSchema)
    item = fields.Nested(ReplItemRefSchema)
    min_qty = fields.Integer()
    max_qty = fields.Integer()
    quantity = fields.Integer(metadata={"description": "What the bin holds of the item now"})
    below_min = fields.Boolean()
    live_task_id = fields.Integer(allow_none=True)
    active = fields.Boolean()
    updated_at = fields.DateTime()


class PickFaceListSchema(ma.Schema):
    items = fields.List(fields.Nested(PickFaceSchema))
    total = fields.Integer()


class PickFaceListArgsSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})
    active = fields.Boolean(load_default=True, metadata={"description": "Default: true"})
    item = fields.String(validate=validate.Length(1, 64), metadata={"description": "A SKU"})


class PickFaceInSchema(RequestSchema):
    bin = fields.String(
        required=True, validate=_SCANNED, metadata={"description": "The bin's code or barcode"}
    )
    sku = fields.String(required=True, validate=validate.Length(1, 64))
    min_qty = fields.Integer(
        strict=True, required=True, validate=validate.Range(0, MAX_QUANTITY - 1)
    )
    max_qty = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_QUANTITY))
    active = fields.Boolean(load_default=True)


# --- tasks -------------------------------------------------------------------------------


class ReplSourceSchema(ma.Schema):
    location = fields.Nested(ReplBinSchema)
    lot = fields.Nested(ReplLotSchema, allow_none=True)
    quantity = fields.Integer(metadata={"description": "Units of the item (and lot) held"})


class ReplFaceBriefSchema(ma.Schema):
    id = fields.Integer()
    min_qty = fields.Integer()
    max_qty = fields.Integer()
    quantity = fields.Integer()


class ReplNextSchema(ma.Schema):
    action = fields.String(metadata={"description": "claim|scan_source|no_stock|done|cancelled"})
    text = fields.String()
    from_location = fields.Nested(ReplBinSchema, allow_none=True)
    to_location = fields.Nested(ReplBinSchema)
    quantity = fields.Integer(allow_none=True)


class ReplTaskSchema(ma.Schema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "|".join(TASK_STATUSES)})
    trigger = fields.String()
    warehouse = fields.Nested(ReplRefSchema)
    item = fields.Nested(ReplItemSchema)
    lot = fields.Nested(ReplLotSchema, allow_none=True)
    to_location = fields.Nested(ReplBinSchema)
    suggested_source = fields.Nested(ReplSourceSchema, allow_none=True)
    sources = fields.List(
        fields.Nested(ReplSourceSchema), metadata={"description": "Rules' order, best first"}
    )
    quantity = fields.Integer()
    moved = fields.Integer()
    remaining = fields.Integer()
    pick_face = fields.Nested(ReplFaceBriefSchema)
    claimed_by = fields.Nested(ReplUserSchema, allow_none=True)
    claimed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    done_at = fields.DateTime(allow_none=True)
    done_by = fields.Nested(ReplUserSchema, allow_none=True)
    next = fields.Nested(ReplNextSchema)


class ReplTaskListSchema(ma.Schema):
    items = fields.List(fields.Nested(ReplTaskSchema))
    total = fields.Integer()


class ReplTaskListArgsSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})
    status = fields.String(
        validate=validate.OneOf(TASK_STATUSES),
        metadata={"description": "Default: the live ones (open and claimed)"},
    )


class ReplClaimInSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE  # scanners replaying an old queue may carry fields of their own

    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})
    client_scan_id = _client_scan_id()
    device_id = _device_id()


class ReplClaimOutSchema(ma.Schema):
    task = fields.Nested(ReplTaskSchema, allow_none=True)


class ReplMoveInSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE

    from_bin = fields.String(
        required=True, validate=_SCANNED, metadata={"description": "Source bin as scanned"}
    )
    item = fields.String(
        required=True,
        validate=_SCANNED,
        metadata={"description": "Item barcode as scanned (a case counts its pack), or SKU"},
    )
    quantity = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, MAX_QUANTITY),
        metadata={"description": "How many of the scanned pack (units = quantity * pack)"},
    )
    to_bin = fields.String(
        required=True, validate=_SCANNED, metadata={"description": "Destination bin as scanned"}
    )
    client_scan_id = _client_scan_id()
    device_id = _device_id()


class ReplMoveOutSchema(ma.Schema):
    posting_id = fields.Integer()
    movement_ids = fields.List(fields.Integer())
    units = fields.Integer(metadata={"description": "Base units moved"})
    task = fields.Nested(ReplTaskSchema)
    replayed = fields.Boolean()


class ReplFinishInSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE

    client_scan_id = _client_scan_id()
    device_id = _device_id()


# --- low stock ---------------------------------------------------------------------------


class LowStockArgsSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata={"description": "id or code"})


class LowFaceSchema(ma.Schema):
    pick_face_id = fields.Integer()
    location = fields.Nested(ReplBinSchema)
    item = fields.Nested(ReplItemRefSchema)
    quantity = fields.Integer()
    min_qty = fields.Integer()
    max_qty = fields.Integer()
    live_task_id = fields.Integer(allow_none=True)


class LowItemSchema(ma.Schema):
    item = fields.Nested(ReplItemRefSchema)
    on_hand = fields.Integer(metadata={"description": "Sellable units in the warehouse"})
    min_qty = fields.Integer(allow_none=True, metadata={"description": "The min_max policy's"})
    reason = fields.String(metadata={"description": "below_min | out_with_demand"})
    backordered = fields.Integer(metadata={"description": "Order-line units waiting"})


class LowStockSchema(ma.Schema):
    warehouse = fields.Nested(ReplRefSchema)
    pick_faces = fields.List(fields.Nested(LowFaceSchema))
    items = fields.List(fields.Nested(LowItemSchema))
    total = fields.Integer()
