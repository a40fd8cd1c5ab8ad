"""Request and response schemas for supplier items (terms) and reorder policies."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate, validates_schema

from ..ledger.rules import MAX_QUANTITY
from ..purchasing.terms_rules import MAX_DAYS, MAX_REVIEW_DAYS, POLICIES
from .contract_fields import DecimalText
from .fields import Id, RequestSchema
from .receiving_schemas import PageArgs

# Numeric(18, 6) money: below 10**12, at most 6 decimals.
_MONEY: dict[str, Any] = {"places": 6, "digits": 12}
# Numeric(12, 6) cubic metres and Numeric(12, 3) kilograms per case.
_VOLUME: dict[str, Any] = {"places": 6, "digits": 6}
_WEIGHT: dict[str, Any] = {"places": 3, "digits": 9}


def _code(what: str, **kwargs: Any) -> fields.String:
    """A SKU or location code: 1-64 characters, no control characters (PostgreSQL text
    cannot hold NUL, so one would fail in the query rather than find nothing)."""
    return fields.String(
        validate=[validate.Length(1, 64), validate.Regexp(r"^[^\x00-\x1f\x7f]+$")],
        metadata={"description": what},
        **kwargs,
    )


def _units(lowest: int, what: str) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(lowest, MAX_QUANTITY),
        metadata={"description": what},
    )


class TermsSupplierRefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class TermsItemRefSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()


class TermsWarehouseRefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


# --- supplier items ----------------------------------------------------------------------


class SupplierItemSchema(ma.Schema):
    id = fields.Integer()
    supplier = fields.Nested(TermsSupplierRefSchema)
    item = fields.Nested(TermsItemRefSchema)
    supplier_sku = fields.String(allow_none=True)
    unit_cost = DecimalText(**_MONEY, metadata={"description": "Per base unit"})
    currency = fields.String(metadata={"description": "ISO 4217 code"})
    moq = fields.Integer(metadata={"description": "Minimum order, base units"})
    case_pack = fields.Integer(metadata={"description": "Base units per case"})
    purchase_unit = fields.String(metadata={"example": "case"})
    units_per_purchase_unit = fields.Integer()
    lead_time_days = fields.Integer(metadata={"description": "Promised lead time"})
    case_volume_m3 = DecimalText(**_VOLUME, allow_none=True)
    case_weight_kg = DecimalText(**_WEIGHT, allow_none=True)
    preferred = fields.Boolean(metadata={"description": "The item's preferred supplier"})
    active = fields.Boolean()


class SupplierItemPatchSchema(RequestSchema):
    supplier_sku = fields.String(allow_none=True, validate=validate.Length(max=64))
    unit_cost = DecimalText(**_MONEY, minimum=0, metadata={"example": "4.25"})
    currency = fields.String(validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    moq = _units(1, "Minimum order, base units")
    case_pack = _units(1, "Base units per case (a whole number of purchase units)")
    purchase_unit = fields.String(validate=validate.Length(1, 16))
    units_per_purchase_unit = _units(1, "Base units in one purchase unit")
    lead_time_days = fields.Integer(strict=True, validate=validate.Range(0, MAX_DAYS))
    case_volume_m3 = DecimalText(**_VOLUME, minimum=0, min_inclusive=False, allow_none=True)
    case_weight_kg = DecimalText(**_WEIGHT, minimum=0, min_inclusive=False, allow_none=True)
    preferred = fields.Boolean(
        metadata={"description": "true makes this the item's preferred supplier (and no other)"}
    )
    active = fields.Boolean()


class SupplierItemCreateSchema(SupplierItemPatchSchema):
    """Terms for one item, by SKU or item id; currency and lead time default to the
    supplier's."""

    class Meta:
        exclude = ("active",)

    sku = _code("SKU")
    item_id = Id()
    unit_cost = DecimalText(**_MONEY, minimum=0, required=True, metadata={"example": "4.25"})

    @validates_schema
    def _item(self, data: dict[str, Any], **kw: Any) -> None:
        if data.get("sku") is None and data.get("item_id") is None:
            raise ma.ValidationError("give sku or item_id", "sku")


class SupplierItemListArgs(PageArgs):
    active = fields.Boolean()


class SupplierItemPageSchema(ma.Schema):
    supplier_items = fields.List(fields.Nested(SupplierItemSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


# --- reorder policies --------------------------------------------------------------------


class ReorderPolicySchema(ma.Schema):
    id = fields.Integer()
    item = fields.Nested(TermsItemRefSchema)
    warehouse = fields.Nested(TermsWarehouseRefSchema)
    policy = fields.String(metadata={"description": " | ".join(POLICIES)})
    min_qty = fields.Integer(allow_none=True)
    max_qty = fields.Integer(allow_none=True)
    service_level = DecimalText(places=4, digits=1, allow_none=True)
    review_days = fields.Integer(allow_none=True)
    order_qty = fields.Integer(allow_none=True)
    order_cost = DecimalText(**_MONEY, allow_none=True)
    holding_rate = DecimalText(places=4, digits=1, allow_none=True)
    active = fields.Boolean()
    updated_at = fields.DateTime()


class ReorderPolicyPutSchema(RequestSchema):
    """The whole policy of an item in a warehouse. min_max: min_qty and max_qty;
    reorder_point: service_level, and order_qty or order_cost with holding_rate;
    periodic_review: service_level and review_days; buy_to_order: nothing. A field the
    policy does not use is refused."""

    sku = _code("SKU")
    item_id = Id()
    warehouse = _code("Warehouse code", required=True)
    policy = fields.String(required=True, validate=validate.OneOf(POLICIES))
    min_qty = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, MAX_QUANTITY))
    max_qty = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, MAX_QUANTITY))
    service_level = DecimalText(
        places=4, digits=1, minimum="0.5", maximum="0.9999", allow_none=True
    )
    review_days = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(1, MAX_REVIEW_DAYS)
    )
    order_qty = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(1, MAX_QUANTITY)
    )
    order_cost = DecimalText(**_MONEY, minimum=0, allow_none=True)
    holding_rate = DecimalText(
        places=4,
        digits=1,
        minimum=0,
        min_inclusive=False,
        maximum=1,
        allow_none=True,
        metadata={"description": "Yearly, as a fraction: 0.25 = 25% a year"},
    )

    @validates_schema
    def _item(self, data: dict[str, Any], **kw: Any) -> None:
        if data.get("sku") is None and data.get("item_id") is None:
            raise ma.ValidationError("give sku or item_id", "sku")


class ReorderPolicyListArgs(PageArgs):
    warehouse = _code("Warehouse code")
    item = _code("SKU")
    supplier = _code("Supplier code: the policies of the items it has terms for")
    policy = fields.String(validate=validate.OneOf(POLICIES))
    active = fields.Boolean()


class ReorderPolicyPageSchema(ma.Schema):
    reorder_policies = fields.List(fields.Nested(ReorderPolicySchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)
