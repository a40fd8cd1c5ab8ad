"""Request and response schemas for confirming picks and reporting shorts."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..ledger.rules import MAX_QUANTITY
from . import scan_fields as scan
from .fields import Id, RequestSchema
from .picking_schemas import PickTaskLineSchema

MAX_BATCH = 10_000


class PickScanSchema(RequestSchema):
    class Meta:
        # Scanners replaying an old queue may carry fields of their own; they change nothing.
        unknown = ma.EXCLUDE

    line_id = Id(required=True)
    bin = fields.String(
        required=True,
        validate=scan.SCANNED,
        metadata={"description": "The bin's barcode as scanned"},
    )
    item = fields.String(
        required=True,
        validate=scan.SCANNED,
        metadata={"description": "The item's barcode as scanned (GS1: lot/expiry are checked)"},
    )
    quantity = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, MAX_QUANTITY),
        metadata={"description": "Base units; default: what one scan of the pack counts"},
    )
    tote = fields.String(
        required=True,
        validate=scan.SCANNED,
        metadata={"description": "The tote's barcode as scanned"},
    )


class PickInSchema(PickScanSchema):
    client_scan_id = scan.client_scan_id()
    device_id = scan.device_id()


class PickBatchInSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE

    client_scan_id = scan.client_scan_id()
    device_id = scan.device_id()
    picks = fields.List(
        fields.Nested(PickScanSchema),
        required=True,
        validate=validate.Length(1, MAX_BATCH),
        metadata={"description": "Every scan of the batch: all post, or none"},
    )


class PickShortInSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE

    client_scan_id = scan.client_scan_id()
    device_id = scan.device_id()
    line_id = Id(required=True)
    bin = fields.String(required=True, validate=scan.SCANNED)
    found_quantity = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(0, MAX_QUANTITY),
        metadata={"description": "Base units really in the bin (0 allowed)"},
    )
    tote = fields.String(
        allow_none=True,
        load_default=None,
        validate=scan.SCANNED,
        metadata={"description": "Required when found_quantity > 0"},
    )


class PickTaskBriefSchema(ma.Schema):
    id = fields.Integer()
    status = fields.String()
    lines_open = fields.Integer()


class PickOutSchema(ma.Schema):
    line = fields.Nested(PickTaskLineSchema)
    task = fields.Nested(PickTaskBriefSchema)
    next_line_id = fields.Integer(allow_none=True)
    quantity = fields.Integer(metadata={"description": "Base units picked by this scan"})
    posting_id = fields.Integer()
    replayed = fields.Boolean()


class PickBatchOutSchema(ma.Schema):
    task = fields.Nested(PickTaskBriefSchema)
    posting_id = fields.Integer()
    lines = fields.Integer(metadata={"description": "Scans posted"})
    units = fields.Integer()
    next_line_id = fields.Integer(allow_none=True)
    replayed = fields.Boolean()


class PickShortOutSchema(ma.Schema):
    line = fields.Nested(PickTaskLineSchema)
    picked = fields.Integer(metadata={"description": "Found units picked into the tote"})
    short = fields.Integer()
    written_off = fields.Integer(metadata={"description": "Units posted bin -> INV-ADJ"})
    outcome = fields.String(
        metadata={"description": "same_warehouse | other_warehouse | backordered"}
    )
    new_line_id = fields.Integer(allow_none=True)
    new_line_ids = fields.List(fields.Integer())
    count_task_id = fields.Integer()
    exception_id = fields.Integer()
    task = fields.Nested(PickTaskBriefSchema)
    replayed = fields.Boolean()
