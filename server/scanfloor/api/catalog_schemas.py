"""Request and response schemas for items, packs, barcodes and lots."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..catalog.items_service import PackSpec
from ..catalog.models import PACK_LEVELS, TRACKING
from ..catalog.results import MAX_PAGE
from .fields import MAX_INT32, RequestSchema


class PageArgsSchema(RequestSchema):
    limit = fields.Integer(
        validate=validate.Range(1, MAX_PAGE),
        metadata={"description": f"Page size, 1-{MAX_PAGE} (default 50)"},
    )
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})


# --- items -------------------------------------------------------------------------------


class BarcodeSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String(metadata={"description": "Stored form: GTINs as 14 digits"})
    symbology = fields.String(metadata={"description": "gtin | internal"})


class PackSchema(ma.Schema):
    id = fields.Integer()
    level = fields.String()
    quantity = fields.Integer(metadata={"description": "Base units in one pack"})
    barcodes = fields.List(fields.Nested(BarcodeSchema))


class ItemSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    base_unit = fields.String()
    tracking = fields.String()
    expiry_tracked = fields.Boolean()
    attributes = fields.Dict()
    active = fields.Boolean()
    packs = fields.List(fields.Nested(PackSchema))


class ItemPageSchema(ma.Schema):
    items = fields.List(fields.Nested(ItemSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class ItemListArgsSchema(PageArgsSchema):
    q = fields.String(metadata={"description": "Part of a SKU or name, or a barcode"})
    active = fields.Boolean()


class PackInSchema(RequestSchema):
    level = fields.String(required=True, validate=validate.OneOf(PACK_LEVELS))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_INT32))
    barcodes = fields.List(
        fields.String(validate=validate.Length(1, 64)),
        load_default=list,
        validate=validate.Length(max=20),
    )

    @ma.post_load
    def make(self, data: dict[str, Any], **_: Any) -> PackSpec:
        return PackSpec(
            level=data["level"], quantity=data["quantity"], barcodes=tuple(data["barcodes"])
        )


class ItemCreateSchema(ma.Schema):
    sku = fields.String(required=True, validate=validate.Length(1, 200))
    name = fields.String(required=True, validate=validate.Length(1, 400))
    base_unit = fields.String(load_default="each")
    tracking = fields.String(load_default="none", validate=validate.OneOf(TRACKING))
    expiry_tracked = fields.Boolean(load_default=False)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)
    active = fields.Boolean(load_default=True)
    packs = fields.List(
        fields.Nested(PackInSchema),
        validate=validate.Length(max=4),
        metadata={"description": "The 'each' level (1) is added if missing"},
    )


class ItemPatchSchema(ma.Schema):
    sku = fields.String(validate=validate.Length(1, 200))
    name = fields.String(validate=validate.Length(1, 400))
    base_unit = fields.String()
    tracking = fields.String(validate=validate.OneOf(TRACKING))
    expiry_tracked = fields.Boolean()
    attributes = fields.Dict(keys=fields.String())
    active = fields.Boolean()


class PackCreateSchema(RequestSchema):
    level = fields.String(required=True, validate=validate.OneOf(PACK_LEVELS))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_INT32))
    barcodes = fields.List(
        fields.String(validate=validate.Length(1, 64)),
        load_default=list,
        validate=validate.Length(max=20),
    )


class PackPatchSchema(RequestSchema):
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_INT32))


class ItemBarcodeCreateSchema(ma.Schema):
    code = fields.String(required=True, validate=validate.Length(1, 64))
    level = fields.String(load_default="each", validate=validate.OneOf(PACK_LEVELS))


class ItemBarcodeSchema(BarcodeSchema):
    item_id = fields.Integer()
    pack_id = fields.Integer()
    level = fields.String()


# --- lots --------------------------------------------------------------------------------


class LotSchema(ma.Schema):
    id = fields.Integer()
    item_id = fields.Integer()
    code = fields.String()
    expiry = fields.Date(allow_none=True)


class LotPageSchema(ma.Schema):
    lots = fields.List(fields.Nested(LotSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class LotListArgsSchema(PageArgsSchema):
    q = fields.String(metadata={"description": "Part of a lot code"})


class LotCreateSchema(ma.Schema):
    code = fields.String(required=True, validate=validate.Length(1, 80))
    expiry = fields.Date(load_default=None, allow_none=True)


class LotPatchSchema(ma.Schema):
    expiry = fields.Date(allow_none=True)
