"""Request and response schemas for putaway."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..ledger.rules import MAX_QUANTITY
from ..putaway.tasks import MAX_LIST
from .fields import Id, RequestSchema

TASK_ID = validate.Regexp(r"^[bc]-[1-9][0-9]{0,17}$", error="a task id is b-<n> or c-<n>")


class PutawayRefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class PutawayItemRefSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()


class PutawaySuggestedSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    barcode = fields.String(allow_none=True, metadata={"description": "As stored"})
    rule = fields.String(metadata={"description": "same_item_lot | empty_in_zone | empty_anywhere"})


class PutawayContentSchema(ma.Schema):
    item_id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    lot_id = fields.Integer(allow_none=True)
    lot_code = fields.String(allow_none=True)
    quantity = fields.Integer()


class PutawayTaskSchema(ma.Schema):
    id = fields.String(metadata={"description": "b-<balance id> (loose) or c-<container id>"})
    kind = fields.String(metadata={"description": "loose | lpn"})
    item = fields.Nested(
        PutawayItemRefSchema, allow_none=True, metadata={"description": "null: mixed"}
    )
    lot = fields.Nested(PutawayRefSchema, allow_none=True)
    container = fields.Nested(PutawayRefSchema, allow_none=True)
    quantity = fields.Integer(metadata={"description": "Base units waiting"})
    from_location = fields.Nested(PutawayRefSchema)
    suggested_location = fields.Nested(PutawaySuggestedSchema, allow_none=True)
    warehouse_id = fields.Integer(allow_none=True)
    waiting_since = fields.DateTime(allow_none=True)
    age_minutes = fields.Integer(allow_none=True)
    contents = fields.List(fields.Nested(PutawayContentSchema))


class PutawayItemBarcodeSchema(ma.Schema):
    code = fields.String()
    symbology = fields.String()
    item_id = fields.Integer()
    level = fields.String()
    quantity = fields.Integer(metadata={"description": "Base units one scan of it counts"})


class PutawayTaskDetailSchema(PutawayTaskSchema):
    barcodes = fields.List(fields.String(), metadata={"description": "Every item barcode"})
    item_barcodes = fields.List(fields.Nested(PutawayItemBarcodeSchema))
    container_barcode = fields.String(allow_none=True)


class PutawayTaskListArgsSchema(RequestSchema):
    warehouse_id = Id(strict=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIST))


class PutawayTaskListSchema(ma.Schema):
    tasks = fields.List(fields.Nested(PutawayTaskSchema))


class PutawayConfirmInSchema(RequestSchema):
    class Meta:
        # Scanners replaying an old queue may carry fields of their own; they change nothing.
        unknown = ma.EXCLUDE

    task_id = fields.String(required=True, validate=TASK_ID)
    to_location = fields.String(
        required=True,
        validate=validate.Length(1, 200),
        metadata={"description": "The bin's barcode as scanned (raw scanner text)"},
    )
    quantity = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, MAX_QUANTITY),
        metadata={"description": "Loose stock only; default: all of it"},
    )
    override_reason = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=32),
        metadata={"description": "Required when the bin is not the suggested one"},
    )
    suggested_location_id = Id(
        allow_none=True,
        load_default=None,
        metadata={"description": "The suggestion the scanner showed (from its cache)"},
    )
    device_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 64))
    client_scan_id = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(1, 200),
        metadata={"description": "Posting key when no Idempotency-Key header is sent"},
    )


class PutawayConfirmOutSchema(ma.Schema):
    posting_id = fields.Integer()
    movement_ids = fields.List(fields.Integer())
    task_id = fields.String()
    to_location = fields.Nested(PutawayRefSchema)
    quantity = fields.Integer()
    overridden = fields.Boolean()
    reason_code = fields.String(allow_none=True)
    remaining_quantity = fields.Integer()
    replayed = fields.Boolean()


class PutawaySuggestArgsSchema(RequestSchema):
    item_id = Id(strict=False, required=True)
    lot_id = Id(strict=False)
    quantity = fields.Integer(required=True, validate=validate.Range(1, MAX_QUANTITY))
    warehouse_id = Id(strict=False, required=True)


class PutawaySuggestOutSchema(ma.Schema):
    item_id = fields.Integer()
    lot_id = fields.Integer(allow_none=True)
    quantity = fields.Integer()
    warehouse_id = fields.Integer()
    suggested_location = fields.Nested(PutawaySuggestedSchema, allow_none=True)


class PutawaySummaryArgsSchema(RequestSchema):
    warehouse_id = Id(strict=False)


class PutawayDockSummarySchema(ma.Schema):
    location = fields.Nested(PutawayRefSchema)
    open_tasks = fields.Integer()
    units_waiting = fields.Integer()
    oldest_age_minutes = fields.Integer(allow_none=True)


class PutawayQueueSummarySchema(ma.Schema):
    warehouse_id = fields.Integer(allow_none=True)
    open_tasks = fields.Integer()
    units_waiting = fields.Integer()
    oldest_age_minutes = fields.Integer(allow_none=True)
    by_dock = fields.List(fields.Nested(PutawayDockSummarySchema))
