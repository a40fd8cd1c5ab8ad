"""Request and response schemas for channels, orders, allocation and availability."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..allocation.orders_service import MAX_LINES, MAX_QUANTITY, LineInput
from ..allocation.rules import CHANNEL_KINDS, LINE_STATUSES
from ..catalog.results import MAX_PAGE
from .contract_fields import DecimalText, RowsAsIs
from .fields import RequestSchema

# --- channels ----------------------------------------------------------------------------


class ChannelSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    kind = fields.String()
    name = fields.String()
    priority = fields.Integer(metadata={"description": "Higher is served first under shortage"})
    ship_within_hours = fields.Integer(allow_none=True)
    safety_buffer = fields.Integer(metadata={"description": "Units never published as ATS"})
    cap_fraction = DecimalText(
        places=4, allow_none=True, metadata={"description": "Most of a position it may hold"}
    )
    allow_partial_shipment = fields.Boolean(
        metadata={"description": "False: all-or-nothing, complete from one warehouse"}
    )
    min_shelf_life_days = fields.Integer()
    warehouses = fields.List(fields.String())
    webhook_url = fields.String(allow_none=True)
    has_webhook_secret = fields.Boolean()
    active = fields.Boolean()


class _ChannelFields(RequestSchema):
    name = fields.String(validate=validate.Length(1, 120))
    kind = fields.String(validate=validate.OneOf(CHANNEL_KINDS))
    priority = fields.Integer(strict=True, validate=validate.Range(-1000, 1000))
    ship_within_hours = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(0, 24 * 365)
    )
    safety_buffer = fields.Integer(strict=True, validate=validate.Range(0, 10**9))
    cap_fraction = DecimalText(
        places=4, digits=1, minimum=0, min_inclusive=False, maximum=1, allow_none=True
    )
    allow_partial_shipment = fields.Boolean()
    min_shelf_life_days = fields.Integer(strict=True, validate=validate.Range(0, 3650))
    warehouses = fields.List(fields.String(validate=validate.Length(1, 64)))
    webhook_url = fields.URL(allow_none=True, require_tld=False, schemes={"http", "https"})
    webhook_secret = fields.String(allow_none=True, validate=validate.Length(16, 200))
    active = fields.Boolean()


class ChannelCreateSchema(_ChannelFields):
    code = fields.String(required=True, validate=validate.Length(1, 32))
    name = fields.String(required=True, validate=validate.Length(1, 120))
    kind = fields.String(required=True, validate=validate.OneOf(CHANNEL_KINDS))


class ChannelPatchSchema(_ChannelFields):
    pass


class PoolSchema(RequestSchema):
    sku = fields.String(required=True, validate=validate.Length(1, 200))
    warehouse = fields.String(required=True, validate=validate.Length(1, 64))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(0, 10**12))


class ListingSchema(ma.Schema):
    listing_id = fields.String(required=True, validate=validate.Length(1, 100))
    sku = fields.String(required=True, validate=validate.Length(1, 200))
    channel = fields.String(dump_only=True)


class KitComponentSchema(RequestSchema):
    sku = fields.String(required=True, validate=validate.Length(1, 200))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(1, 10**6))


class KitSchema(ma.Schema):
    sku = fields.String(required=True, validate=validate.Length(1, 200))
    components = fields.List(
        fields.Nested(KitComponentSchema), required=True, validate=validate.Length(1, 50)
    )


class RegionRankSchema(RequestSchema):
    warehouse = fields.String(required=True, validate=validate.Length(1, 64))
    region = fields.String(required=True, validate=validate.Length(1, 32))
    rank = fields.Integer(required=True, strict=True, validate=validate.Range(0, 10**6))


class AvailabilityArgsSchema(ma.Schema):
    cursor = fields.String(
        metadata={"description": "cursor of the previous answer; without it, a full snapshot"}
    )


class AtsRowSchema(ma.Schema):
    item_id = fields.Integer()
    sku = fields.String()
    ats = fields.Integer()


class AvailabilitySchema(ma.Schema):
    channel = fields.String()
    cursor = fields.String(metadata={"description": "Pass it back to get only what changed"})
    full = fields.Boolean(metadata={"description": "True: every item (replace, not merge)"})
    # Documented as AtsRow rows, dumped as given: a snapshot has a row per item (100k+),
    # and per-row schema dumping would cost more than computing it.
    items = RowsAsIs(fields.Nested(AtsRowSchema))


class ItemAtsSchema(ma.Schema):
    item_id = fields.Integer()
    channels = fields.Dict(keys=fields.String(), values=fields.Integer())


# --- orders ------------------------------------------------------------------------------


class OrderLineInSchema(RequestSchema):
    sku = fields.String(validate=validate.Length(1, 200))
    listing_id = fields.String(validate=validate.Length(1, 100))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_QUANTITY))
    price = DecimalText(places=4, digits=13, minimum=0, maximum=10**12, allow_none=True)
    promised_ship_date = fields.Date(allow_none=True)
    discount = DecimalText(
        places=4, digits=13, minimum=0, maximum=10**12, allow_none=True,
        metadata={"description": "The whole line's discount (needs price; <= price x quantity)"},
    )  # fmt: skip
    tax = DecimalText(
        places=4, digits=13, minimum=0, maximum=10**12, allow_none=True,
        metadata={"description": "The whole line's sales tax (needs price)"},
    )  # fmt: skip

    @ma.validates_schema
    def _one_ref(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("sku") and not data.get("listing_id"):
            raise ma.ValidationError("give a sku or a listing_id", "sku")

    @ma.post_load
    def make(self, data: dict[str, Any], **_: Any) -> LineInput:
        return LineInput(**data)


class ShipToSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    region = fields.String(validate=validate.Length(1, 32))


class OrderCreateSchema(ma.Schema):
    channel = fields.String(required=True, validate=validate.Length(1, 32))
    external_id = fields.String(required=True, validate=validate.Length(1, 100))
    lines = fields.List(
        fields.Nested(OrderLineInSchema), required=True, validate=validate.Length(1, MAX_LINES)
    )
    ship_to = fields.Nested(ShipToSchema, load_default=dict)
    ordered_at = fields.AwareDateTime(load_default=None, allow_none=True)


class ReservationSchema(ma.Schema):
    id = fields.Integer()
    order_line_id = fields.Integer()
    warehouse_id = fields.Integer()
    location_id = fields.Integer(allow_none=True)
    lot_id = fields.Integer(allow_none=True)
    quantity = fields.Integer()
    status = fields.String()
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)


class OrderLineSchema(ma.Schema):
    id = fields.Integer()
    line_no = fields.Integer(metadata={"description": "The ordered line; kit components share it"})
    item_id = fields.Integer()
    sku = fields.String()
    quantity = fields.Integer()
    reserved_qty = fields.Integer()
    consumed_qty = fields.Integer()
    status = fields.String(metadata={"description": " | ".join(LINE_STATUSES)})
    price = DecimalText(places=4, dump_places=4, allow_none=True)
    discount = DecimalText(places=4, dump_places=4, allow_none=True)
    tax = DecimalText(places=4, dump_places=4, allow_none=True)
    promised_ship_date = fields.Date(allow_none=True)
    listing_id = fields.String(allow_none=True)
    kit_sku = fields.String(allow_none=True)
    kit_quantity = fields.Integer(allow_none=True)


class OrderSchema(ma.Schema):
    id = fields.Integer()
    channel = fields.String()
    external_id = fields.String()
    status = fields.String()
    ship_to = fields.Dict()
    ship_to_region = fields.String(allow_none=True)
    ordered_at = fields.DateTime()
    created_at = fields.DateTime()
    lines = fields.List(fields.Nested(OrderLineSchema))
    reservations = fields.List(fields.Nested(ReservationSchema))


class OrderSummarySchema(ma.Schema):
    id = fields.Integer()
    channel = fields.String()
    external_id = fields.String()
    status = fields.String()
    ordered_at = fields.DateTime()
    ship_to_region = fields.String(allow_none=True)


class OrderPageSchema(ma.Schema):
    orders = fields.List(fields.Nested(OrderSummarySchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class OrderListArgsSchema(RequestSchema):
    channel = fields.String()
    status = fields.String(validate=validate.OneOf(LINE_STATUSES))
    external_id = fields.String()
    limit = fields.Integer(validate=validate.Range(1, MAX_PAGE))
    cursor = fields.String()


class OrderEventSchema(ma.Schema):
    id = fields.Integer()
    order_line_id = fields.Integer(allow_none=True)
    at = fields.DateTime()
    actor = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    note = fields.String(allow_none=True)


class LineChangeSchema(RequestSchema):
    quantity = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, MAX_QUANTITY),
        metadata={"description": "New, lower quantity of the ordered line (kits: in kits)"},
    )


class OrderImportSchema(ma.Schema):
    channel = fields.String(required=True, validate=validate.Length(1, 32))
    csv = fields.String(
        required=True,
        validate=validate.Length(1, 2_000_000),
        metadata={
            "description": "Header row, then one row per line: external_id, sku, quantity, "
            "price, promised_ship_date (YYYY-MM-DD), region, name"
        },
    )


class ImportedOrderSchema(ma.Schema):
    external_id = fields.String()
    order_id = fields.Integer()
    status = fields.String()
    created = fields.Boolean()


class OrderImportResultSchema(ma.Schema):
    orders = fields.List(fields.Nested(ImportedOrderSchema))


class AllocationRunSchema(ma.Schema):
    orders = fields.Integer()
    lines_considered = fields.Integer()
    lines_allocated = fields.Integer()
    units_reserved = fields.Integer()
