"""Request and response schemas for carriers and shipments."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..shipping.models import SHIPMENT_STATUSES
from ..shipping.rules import CHECK_DIGITS, MAX_DIGITS, MAX_NUMBER, MAX_SERVICES
from ..shipping.shipments_service import MAX_LIST
from .contract_fields import DecimalText
from .fields import RequestSchema
from .ledger_schemas import LocationRef

SCAN = validate.Length(1, 200)


class ShippingPlaceSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class CarrierSettingsSchema(RequestSchema):
    digits = fields.Integer(
        validate=validate.Range(1, MAX_DIGITS),
        metadata={"description": "Digits a tracking number is zero-padded to (default 10)"},
    )
    check_digit = fields.String(
        allow_none=True,
        validate=validate.OneOf(CHECK_DIGITS),
        metadata={"description": "mod10: a GS1 check digit is appended"},
    )
    currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$"))
    rates = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 40)),
        values=fields.String(validate=validate.Regexp(r"^[0-9]{1,12}(\.[0-9]{1,4})?$")),
        metadata={"description": 'Flat price per carton by service, e.g. {"standard": "4.95"}'},
    )


class CarrierSettingsOutSchema(ma.Schema):
    digits = fields.Integer()
    check_digit = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    rates = fields.Dict(keys=fields.String(), values=fields.String())


class CarrierCreateSchema(RequestSchema):
    code = fields.String(required=True, validate=validate.Length(1, 32))
    name = fields.String(required=True, validate=validate.Length(1, 120))
    adapter = fields.String(load_default="manual", validate=validate.Length(1, 32))
    services = fields.List(
        fields.String(validate=validate.Length(1, 40)),
        required=True,
        validate=validate.Length(1, MAX_SERVICES),
    )
    tracking_prefix = fields.String(load_default="", validate=validate.Length(0, 16))
    tracking_next = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(0, MAX_NUMBER),
        metadata={"description": "First number of the range; null: no tracking numbers"},
    )
    tracking_last = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(0, MAX_NUMBER),
        metadata={"description": "Last number of the range; null: no end"},
    )
    tracking_url_template = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(1, 300),
        metadata={"description": "https://... with {tracking_number} in it"},
    )
    settings = fields.Nested(CarrierSettingsSchema, load_default=dict)


class CarrierSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    adapter = fields.String()
    services = fields.List(fields.String())
    tracking_prefix = fields.String()
    tracking_next = fields.Integer(allow_none=True)
    tracking_last = fields.Integer(allow_none=True)
    numbers_left = fields.Integer(allow_none=True, metadata={"description": "null: no limit"})
    tracking_url_template = fields.String(allow_none=True)
    settings = fields.Nested(CarrierSettingsOutSchema)
    active = fields.Boolean()


class CarrierListSchema(ma.Schema):
    carriers = fields.List(fields.Nested(CarrierSchema))


class ShipmentCreateSchema(RequestSchema):
    warehouse = LocationRef(required=True, metadata={"description": "id or code"})
    carrier = fields.String(required=True, validate=validate.Length(1, 32))
    service = fields.String(required=True, validate=validate.Length(1, 40))
    dock_door = fields.String(
        allow_none=True,
        load_default=None,
        validate=SCAN,
        metadata={"description": "The dock door's barcode as scanned"},
    )


class ShipmentListArgsSchema(RequestSchema):
    warehouse = fields.String(
        validate=validate.Length(1, 64), metadata={"description": "Warehouse id or code"}
    )
    status = fields.String(validate=validate.OneOf(SHIPMENT_STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIST))

    @ma.post_load
    def _warehouse(self, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        ref = data.get("warehouse")
        if ref is not None:
            data["warehouse"] = int(ref) if ref.isascii() and ref.isdigit() else ref.upper()
        return data


class CartonScanSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE  # scanners replaying an old queue may carry fields of their own

    carton = fields.String(
        required=True,
        validate=SCAN,
        metadata={"description": "The carton's SSCC as scanned (plain or GS1 (00) form)"},
    )
    client_scan_id = fields.String(allow_none=True, load_default=None, validate=SCAN)


class ShipmentConfirmSchema(RequestSchema):
    class Meta:
        unknown = ma.EXCLUDE

    client_scan_id = fields.String(allow_none=True, load_default=None, validate=SCAN)
    device_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 64))


class CarrierRefSchema(ma.Schema):
    code = fields.String()
    name = fields.String()


class ShippingOrderRefSchema(ma.Schema):
    id = fields.Integer()
    external_id = fields.String()


class ShipmentCartonSchema(ma.Schema):
    id = fields.Integer()
    sscc = fields.String()
    order = fields.Nested(ShippingOrderRefSchema)
    weight_g = fields.Integer(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    tracking_url = fields.String(allow_none=True)


class ShipmentOrderSchema(ma.Schema):
    id = fields.Integer()
    external_id = fields.String()
    status = fields.String()


class RateSchema(ma.Schema):
    service = fields.String()
    amount = DecimalText(places=4, dump_places=2)
    currency = fields.String(allow_none=True)
    basis = fields.String(metadata={"description": "own_fleet | flat_per_carton"})
    cartons = fields.Integer()


class ShipmentSchema(ma.Schema):
    id = fields.Integer()
    warehouse = fields.Nested(ShippingPlaceSchema)
    carrier = fields.Nested(CarrierRefSchema)
    service = fields.String()
    dock_door = fields.Nested(ShippingPlaceSchema, allow_none=True)
    status = fields.String()
    cartons = fields.List(fields.Nested(ShipmentCartonSchema))
    orders = fields.List(fields.Nested(ShipmentOrderSchema))
    rate = fields.Nested(RateSchema, metadata={"description": "What the carrier charges"})
    created_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    replayed = fields.Boolean()


class ShipmentListSchema(ma.Schema):
    shipments = fields.List(fields.Nested(ShipmentSchema))
