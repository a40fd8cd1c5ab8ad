"""Request and response schemas for the pack station and carton types."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..ledger.rules import MAX_QUANTITY
from ..packing.documents import PAPERS
from .fields import RequestSchema

_SCAN_ID = {
    "allow_none": True,
    "load_default": None,
    "validate": validate.Length(1, 200),
    "metadata": {"description": "Command key when no Idempotency-Key header is sent"},
}


class _Scan(RequestSchema):
    class Meta:
        # Scanners replaying an old queue may carry fields of their own; they change nothing.
        unknown = ma.EXCLUDE

    client_scan_id = fields.String(**_SCAN_ID)  # type: ignore[arg-type]


class PackLookupArgsSchema(RequestSchema):
    code = fields.String(
        required=True,
        validate=validate.Length(1, 200),
        metadata={"description": "A tote or carton barcode, an order's external id, or its id"},
    )


class OpenCartonSchema(_Scan):
    station = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(1, 200),
        metadata={"description": "The pack station's barcode; default: where the totes are"},
    )


class PackItemSchema(_Scan):
    item = fields.String(
        required=True,
        validate=validate.Length(1, 200),
        metadata={"description": "The item barcode as scanned (GS1 allowed; a case counts)"},
    )
    quantity = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, MAX_QUANTITY),
        metadata={"description": "Base units; default: what one scan of the barcode counts"},
    )
    device_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 64))


class CloseCartonSchema(_Scan):
    carton_type = fields.String(
        required=True,
        validate=validate.Length(1, 32),
        metadata={"description": "The carton type's code (scanned or typed)"},
    )
    weight_g = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(1, 10_000_000),
        metadata={"description": "Gross weight in grams as weighed, the box included"},
    )


class CartonTypeInSchema(RequestSchema):
    code = fields.String(required=True, validate=validate.Length(1, 32))
    name = fields.String(required=True, validate=validate.Length(1, 120))
    length_mm = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100_000))
    width_mm = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100_000))
    height_mm = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100_000))
    tare_g = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, 10_000_000))
    max_weight_g = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(1, 10_000_000)
    )


class CartonTypeSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    length_mm = fields.Integer()
    width_mm = fields.Integer()
    height_mm = fields.Integer()
    tare_g = fields.Integer()
    max_weight_g = fields.Integer(allow_none=True)
    active = fields.Boolean()


class CartonTypeListSchema(ma.Schema):
    carton_types = fields.List(fields.Nested(CartonTypeSchema))


class PackCodeRefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class PackOrderRefSchema(ma.Schema):
    id = fields.Integer()
    external_id = fields.String()


class PackItemRefSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()


class CartonTypeRefSchema(ma.Schema):
    code = fields.String()
    name = fields.String()


class CartonLineSchema(ma.Schema):
    item = fields.Nested(PackItemRefSchema)
    quantity = fields.Integer()


class CartonSchema(ma.Schema):
    id = fields.Integer()
    sscc = fields.String()
    order = fields.Nested(PackOrderRefSchema)
    seq = fields.Integer(metadata={"description": "Carton n of the order's m"})
    of = fields.Integer(metadata={"description": "The order's cartons so far (m)"})
    status = fields.String(metadata={"description": "open | closed | shipped"})
    carton_type = fields.Nested(CartonTypeRefSchema, allow_none=True)
    weight_g = fields.Integer(allow_none=True)
    lines = fields.List(fields.Nested(CartonLineSchema))
    tracking_number = fields.String(allow_none=True)
    station = fields.Nested(PackCodeRefSchema)


class PackItemInfoSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    barcodes = fields.List(fields.String())


class PackLineSchema(ma.Schema):
    order_line_id = fields.Integer()
    item = fields.Nested(PackItemInfoSchema)
    status = fields.String()
    ordered = fields.Integer()
    picked = fields.Integer()
    packed = fields.Integer(metadata={"description": "In the order's cartons, open or closed"})
    to_pack = fields.Integer(metadata={"description": "Picked and not yet packed"})


class MissingSchema(ma.Schema):
    order_line_id = fields.Integer()
    sku = fields.String()
    quantity = fields.Integer()
    reason = fields.String(metadata={"description": "not_picked | not_packed"})


class PackOrderSchema(ma.Schema):
    id = fields.Integer()
    external_id = fields.String()
    channel = fields.String()


class PackViewSchema(ma.Schema):
    order = fields.Nested(PackOrderSchema)
    status = fields.String()
    lines = fields.List(fields.Nested(PackLineSchema))
    totes = fields.List(fields.Nested(PackCodeRefSchema))
    cartons = fields.List(fields.Nested(CartonSchema))
    missing = fields.List(fields.Nested(MissingSchema))


class PackResultSchema(ma.Schema):
    carton = fields.Nested(CartonSchema)
    line = fields.Nested(PackLineSchema)
    quantity = fields.Integer(metadata={"description": "Base units packed by this scan"})
    to_pack_total = fields.Integer(metadata={"description": "Units of the order left to pack"})
    replayed = fields.Boolean()


class PackingSlipArgsSchema(RequestSchema):
    paper = fields.String(load_default="a4", validate=validate.OneOf(PAPERS))
