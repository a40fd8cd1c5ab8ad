"""Request and response schemas for locations and containers."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..catalog.models import CONTAINER_KINDS, LOCATION_LEVELS, LOCATION_TYPES
from ..catalog.rules import CREATABLE_TYPES
from .catalog_schemas import PageArgsSchema
from .fields import MAX_INT32, Id, RequestSchema

# --- locations ---------------------------------------------------------------------------


class LocationSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    level = fields.String(metadata={"description": "warehouse | zone | bin | virtual"})
    type = fields.String()
    parent_id = fields.Integer(allow_none=True)
    warehouse_id = fields.Integer(allow_none=True, metadata={"description": "The root"})
    is_virtual = fields.Boolean()
    sellable = fields.Boolean()
    walk_sequence = fields.Integer(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    active = fields.Boolean()
    barcode = fields.String(allow_none=True)


class LocationPageSchema(ma.Schema):
    locations = fields.List(fields.Nested(LocationSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class LocationListArgsSchema(PageArgsSchema):
    warehouse_id = Id(strict=False)
    type = fields.String(validate=validate.OneOf(LOCATION_TYPES))
    level = fields.String(validate=validate.OneOf((*LOCATION_LEVELS, "virtual")))
    q = fields.String(metadata={"description": "Part of the code or name"})
    active = fields.Boolean()
    is_virtual = fields.Boolean()


class LocationCreateSchema(RequestSchema):
    code = fields.String(required=True, validate=validate.Length(1, 80))
    type = fields.String(required=True, validate=validate.OneOf(CREATABLE_TYPES))
    name = fields.String(validate=validate.Length(max=400))
    level = fields.String(
        validate=validate.OneOf(LOCATION_LEVELS),
        metadata={"description": "Default: from type (bin for most)"},
    )
    parent_id = Id(strict=False, allow_none=True)
    sellable = fields.Boolean(
        allow_none=True, metadata={"description": "Default: true for storage, pick_face"}
    )
    walk_sequence = fields.Integer(allow_none=True, validate=validate.Range(0, MAX_INT32))
    capacity = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_INT32))
    barcode = fields.String(
        allow_none=True,
        validate=validate.Length(1, 64),
        metadata={"description": "Default: the code"},
    )
    active = fields.Boolean(load_default=True)


class LocationPatchSchema(RequestSchema):
    name = fields.String(validate=validate.Length(max=400))
    type = fields.String(validate=validate.OneOf(CREATABLE_TYPES))
    sellable = fields.Boolean()
    walk_sequence = fields.Integer(allow_none=True, validate=validate.Range(0, MAX_INT32))
    capacity = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_INT32))
    active = fields.Boolean()
    barcode = fields.String(validate=validate.Length(1, 64))


# --- containers --------------------------------------------------------------------------


class ContainerSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String(metadata={"description": "LPN, or SSCC as 18 digits"})
    symbology = fields.String(metadata={"description": "lpn | sscc"})
    kind = fields.String()
    location_id = fields.Integer(allow_none=True)
    active = fields.Boolean()


class ContainerPageSchema(ma.Schema):
    containers = fields.List(fields.Nested(ContainerSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class ContainerListArgsSchema(PageArgsSchema):
    location_id = Id(strict=False)
    kind = fields.String(validate=validate.OneOf(CONTAINER_KINDS))
    q = fields.String(metadata={"description": "Part of the code"})
    active = fields.Boolean()


class ContainerCreateSchema(RequestSchema):
    code = fields.String(
        required=True,
        validate=validate.Length(1, 64),
        metadata={"description": "An LPN, or an SSCC (18 digits, (00) allowed)"},
    )
    kind = fields.String(required=True, validate=validate.OneOf(CONTAINER_KINDS))
    location_id = Id(strict=False, allow_none=True, load_default=None)


class ContainerPatchSchema(RequestSchema):
    location_id = Id(
        strict=False,
        allow_none=True,
        metadata={"description": "Empty containers only; moves no stock"},
    )
    active = fields.Boolean()
