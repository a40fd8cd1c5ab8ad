"""Barcode resolution: what did the scanner just read?"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..catalog.resolve import Resolution, resolve_barcode
from .nul_chars import checks_nul_itself

blp = Blueprint(
    "barcodes_api",
    __name__,
    url_prefix="/api/v1/barcodes",
    description="Resolve raw scanner text to a location, container or item",
)


class ResolveRequestSchema(ma.Schema):
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Length(max=4096),
        metadata={
            "description": "Raw scanner text: AIM prefix, GS or a stand-in separator, "
            "trailing CR/LF all allowed",
            "example": "]C10109501101530003\u001d10ABC123\u001d17250200",
        },
    )
    location_hint = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=64),
        metadata={"description": "Where the scanner is; accepted, not used yet"},
    )


class LocationRefSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    type = ma.fields.String()
    level = ma.fields.String()
    active = ma.fields.Boolean()


class ContainerRefSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    kind = ma.fields.String()
    location_id = ma.fields.Integer(allow_none=True)
    active = ma.fields.Boolean()


class ItemRefSchema(ma.Schema):
    id = ma.fields.Integer()
    sku = ma.fields.String()
    name = ma.fields.String()


class PackRefSchema(ma.Schema):
    id = ma.fields.Integer()
    level = ma.fields.String()
    quantity = ma.fields.Integer(metadata={"description": "Base units in one pack"})


class LotRefSchema(ma.Schema):
    code = ma.fields.String()
    id = ma.fields.Integer(allow_none=True, metadata={"description": "Known lot, else null"})


class ResolutionSchema(ma.Schema):
    kind = ma.fields.String(
        metadata={
            "enum": ["location", "container", "item", "unknown"],
            "description": "unknown: well-formed, but nothing here has this code",
        }
    )
    raw = ma.fields.String()
    cleaned = ma.fields.String()
    symbology = ma.fields.String()
    location = ma.fields.Nested(LocationRefSchema, allow_none=True)
    container = ma.fields.Nested(ContainerRefSchema, allow_none=True)
    item = ma.fields.Nested(ItemRefSchema, allow_none=True)
    pack = ma.fields.Nested(PackRefSchema, allow_none=True)
    quantity = ma.fields.Integer(
        allow_none=True, metadata={"description": "Base units: pack quantity x AI 30/37 count"}
    )
    lot = ma.fields.Nested(LotRefSchema, allow_none=True)
    expiry = ma.fields.Date(allow_none=True)
    best_before = ma.fields.Date(allow_none=True)
    production_date = ma.fields.Date(allow_none=True)
    serial = ma.fields.String(allow_none=True)
    gs1 = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), allow_none=True)


@blp.route("/resolve")
@checks_nul_itself  # a NUL in a scan is invalid_barcode (control_character), not a 422 field
class ResolveBarcode(MethodView):
    @blp.arguments(ResolveRequestSchema)
    @blp.response(200, ResolutionSchema)
    @requires("worker")
    def post(self, args: dict[str, Any]) -> Resolution:
        """Say what a scan is: location, container, item (pack, quantity, lot) or unknown."""
        return resolve_barcode(args["code"])
