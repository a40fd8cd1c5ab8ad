"""Request and response schemas for returns: capture, lookup, receipt, inspection, photos."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..ledger.rules import MAX_QUANTITY
from ..returns.capture_service import MAX_LINES
from ..returns.capture_service import MAX_QUANTITY as MAX_RETURN_QUANTITY
from ..returns.models import CREDITS, DISPOSITIONS, LINE_FLAGS, RMA_SOURCES, RMA_STATUSES
from ..returns.queries import MAX_LIST
from ..returns.receive_service import MAX_SCAN_QUANTITY
from . import scan_fields as scan
from .contract_fields import DecimalText
from .fields import BigId, Id, RequestSchema
from .ledger_schemas import LocationRef


def _text(most: int, description: str | None = None) -> fields.String:
    meta = {"description": description} if description else {}
    return fields.String(
        allow_none=True, load_default=None, validate=validate.Length(0, most), metadata=meta
    )


def _money() -> DecimalText:
    return DecimalText(dump_places=2, metadata={"description": "Money, 2 decimals"})


# --- requests --------------------------------------------------------------------------


class RmaLineInSchema(RequestSchema):
    line_no = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, 10**6),
        metadata={"description": "The order's line number (or give sku)"},
    )
    sku = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 64))
    quantity = fields.Integer(
        required=True, strict=True, validate=validate.Range(1, MAX_RETURN_QUANTITY)
    )
    reason = _text(64, "Why the customer returns it")


class RmaCreateSchema(RequestSchema):
    channel = fields.String(required=True, validate=validate.Length(1, 32))
    external_id = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(1, 100),
        metadata={"description": "The channel's id of the return: the same one again is the first"},
    )
    order_external_id = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(1, 100)
    )
    order_id = BigId(allow_none=True, load_default=None)
    warehouse = LocationRef(
        allow_none=True,
        load_default=None,
        metadata={"description": "id or code; default: the warehouse that shipped the order"},
    )
    reason = _text(64)
    note = _text(2000)
    lines = fields.List(
        fields.Nested(RmaLineInSchema), required=True, validate=validate.Length(1, MAX_LINES)
    )


class RmaListArgsSchema(RequestSchema):
    warehouse = fields.String(
        validate=validate.Length(1, 64), metadata={"description": "Warehouse id or code"}
    )
    status = fields.String(validate=validate.OneOf(RMA_STATUSES))
    q = fields.String(validate=validate.Length(1, 100))
    limit = fields.Integer(load_default=MAX_LIST, validate=validate.Range(1, MAX_LIST))


class ReturnLookupArgsSchema(RequestSchema):
    code = fields.String(required=True, validate=scan.SCANNED)
    warehouse = fields.String(validate=validate.Length(1, 64))


class ReturnOrderSearchArgsSchema(RequestSchema):
    q = fields.String(required=True, validate=validate.Length(1, 100))
    warehouse = fields.String(validate=validate.Length(1, 64))


class ReturnScannerPostSchema(RequestSchema):
    class Meta:
        # Scanners replaying an old queue may carry fields of their own; they change nothing.
        unknown = ma.EXCLUDE

    client_scan_id = scan.client_scan_id()
    device_id = scan.device_id()


class ReturnUnannouncedSchema(ReturnScannerPostSchema):
    order_id = BigId(required=True)
    warehouse = LocationRef(required=True, metadata={"description": "id or code"})


class ReturnReceiveSchema(ReturnScannerPostSchema):
    barcode = fields.String(
        required=True,
        validate=scan.SCANNED,
        metadata={"description": "The item's barcode as scanned"},
    )
    quantity = fields.Integer(
        strict=True,
        load_default=1,
        validate=validate.Range(1, MAX_SCAN_QUANTITY),
        metadata={"description": "Scans of that pack (a case counts its pack quantity)"},
    )
    lot = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 40))
    expiry = fields.Date(
        allow_none=True,
        load_default=None,
        metadata={"description": "Ignored: the lot's recorded expiry stands"},
    )
    accept_flag = fields.Boolean(
        load_default=False,
        metadata={"description": "Take in an item not on the order, or more than expected"},
    )


class ReturnInspectSchema(ReturnScannerPostSchema):
    return_line_id = BigId(required=True)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_QUANTITY))
    disposition = fields.String(required=True, validate=validate.OneOf(DISPOSITIONS))
    reason_code = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(1, 32),
        metadata={"description": "Default: the disposition's own (return_restock, ...)"},
    )
    credit = fields.String(required=True, validate=validate.OneOf(CREDITS))
    restocking_fee = DecimalText(
        places=2,
        digits=12,
        minimum=0,
        allow_none=True,
        load_default=None,
        metadata={"description": "Partial credit only; default: the configured percent"},
    )
    location = fields.String(
        allow_none=True,
        load_default=None,
        validate=scan.SCANNED,
        metadata={"description": "The bin's barcode as scanned (required for sellable)"},
    )
    supplier_id = Id(allow_none=True, load_default=None)
    photo_id = BigId(allow_none=True, load_default=None)
    note = _text(500)


# --- answers ---------------------------------------------------------------------------


class ReturnRefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class ReturnUserRefSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()


class ReturnOrderRefSchema(ma.Schema):
    id = fields.Integer()
    external_id = fields.String()


class ReturnBarcodeSchema(ma.Schema):
    code = fields.String()
    quantity = fields.Integer()


class ReturnItemSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    barcodes = fields.List(fields.Nested(ReturnBarcodeSchema))


class ReturnLineSchema(ma.Schema):
    id = fields.Integer()
    line_no = fields.Integer()
    order_line_id = fields.Integer(allow_none=True)
    item = fields.Nested(ReturnItemSchema)
    lot = fields.Nested(ReturnRefSchema, allow_none=True)
    expected_qty = fields.Integer()
    received_qty = fields.Integer()
    inspected_qty = fields.Integer()
    awaiting_inspection = fields.Integer()
    flag = fields.String(allow_none=True, validate=validate.OneOf(LINE_FLAGS))
    reason = fields.String(allow_none=True)
    unit_price = DecimalText(places=4, allow_none=True)


class ReturnInspectionSchema(ma.Schema):
    id = fields.Integer()
    return_line_id = fields.Integer()
    quantity = fields.Integer()
    disposition = fields.String(validate=validate.OneOf(DISPOSITIONS))
    to_location = fields.Nested(ReturnRefSchema)
    reason_code = fields.String()
    credit = fields.String(validate=validate.OneOf(CREDITS))
    restocking_fee = _money()
    credit_amount = _money()
    supplier = fields.Nested(ReturnRefSchema, allow_none=True)
    photo_id = fields.Integer(allow_none=True)
    posting_id = fields.Integer()
    inspected_by = fields.Nested(ReturnUserRefSchema, allow_none=True)
    inspected_at = fields.DateTime()
    note = fields.String(allow_none=True)


class ReturnPhotoSchema(ma.Schema):
    id = fields.Integer()
    return_line_id = fields.Integer(allow_none=True)
    content_type = fields.String()
    byte_size = fields.Integer()
    url = fields.String(metadata={"description": "GET it signed in (bearer token)"})
    created_at = fields.DateTime()


class RmaHeadSchema(ma.Schema):
    id = fields.Integer()
    number = fields.String(metadata={"description": "RMA0000012"})
    channel = fields.Nested(ReturnRefSchema)
    external_id = fields.String(allow_none=True)
    order = fields.Nested(ReturnOrderRefSchema)
    warehouse = fields.Nested(ReturnRefSchema)
    source = fields.String(validate=validate.OneOf(RMA_SOURCES))
    status = fields.String(validate=validate.OneOf(RMA_STATUSES))
    reason = fields.String(allow_none=True)
    customer_name = fields.String(allow_none=True)
    customer_email = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    arrived_at = fields.DateTime(allow_none=True)
    receipt_closed_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    age_minutes = fields.Integer(
        allow_none=True, metadata={"description": "Since arrival, while not completed"}
    )
    disposition_seconds = fields.Integer(
        allow_none=True, metadata={"description": "Arrival to final disposition, once completed"}
    )
    credit_due = _money()


class RmaSchema(RmaHeadSchema):
    lines = fields.List(fields.Nested(ReturnLineSchema))
    inspections = fields.List(fields.Nested(ReturnInspectionSchema))
    photos = fields.List(fields.Nested(ReturnPhotoSchema))


class RmaSummarySchema(RmaHeadSchema):
    units_expected = fields.Integer()
    units_received = fields.Integer()
    units_awaiting = fields.Integer()


class RmaListSchema(ma.Schema):
    returns = fields.List(fields.Nested(RmaSummarySchema))


class OrderLineForReturnSchema(ma.Schema):
    line_no = fields.Integer()
    item = fields.Nested(ReturnItemSchema)
    ordered_qty = fields.Integer()
    shipped_qty = fields.Integer()


class OrderForReturnSchema(ma.Schema):
    id = fields.Integer()
    external_id = fields.String()
    channel = fields.Nested(ReturnRefSchema)
    customer_name = fields.String(allow_none=True)
    customer_email = fields.String(allow_none=True)
    ordered_at = fields.DateTime()
    lines = fields.List(fields.Nested(OrderLineForReturnSchema))


class ReturnLookupSchema(ma.Schema):
    rma = fields.Nested(RmaSchema, allow_none=True)
    order = fields.Nested(OrderForReturnSchema, allow_none=True)


class ReturnOrderSearchSchema(ma.Schema):
    orders = fields.List(fields.Nested(OrderForReturnSchema))


class ReturnReceiveOutSchema(ma.Schema):
    rma = fields.Nested(RmaSchema)
    line_id = fields.Integer()
    received = fields.Integer(metadata={"description": "Base units taken in"})
    flag = fields.String(allow_none=True, validate=validate.OneOf(LINE_FLAGS))
    posting_id = fields.Integer()


class ReturnInspectOutSchema(ma.Schema):
    rma = fields.Nested(RmaSchema)
    inspection = fields.Nested(ReturnInspectionSchema)


class ReturnRestockBinSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    barcode = fields.String(allow_none=True)


class ReturnRestockSuggestionSchema(ma.Schema):
    location = fields.Nested(ReturnRestockBinSchema)
    rule = fields.String()


class ReturnRestockOutSchema(ma.Schema):
    suggestion = fields.Nested(ReturnRestockSuggestionSchema, allow_none=True)
