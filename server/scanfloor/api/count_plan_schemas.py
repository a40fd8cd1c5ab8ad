"""Request and response schemas for count plans: ABC classification, the day's scheduled
counts, ad-hoc zone counts, count policies and inventory accuracy. Money, metrics and
shares are strings (Decimal), never floats."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..counting.accuracy import GROUPINGS
from ..counting.models import ABC_BASES, ABC_CLASSES
from ..counting.plans_service import MAX_WINDOW_DAYS
from ..ledger.rules import MAX_QUANTITY
from .contract_fields import DecimalText
from .fields import RequestSchema
from .picking_schemas import PickRefSchema, WarehouseRef

_WAREHOUSE = {"description": "id or code"}


def _out(places: int, **kw: object) -> DecimalText:
    return DecimalText(places=places, dump_places=places, **kw)  # type: ignore[arg-type]


# --- requests ----------------------------------------------------------------------------------


class ClassifyInSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata=_WAREHOUSE)
    basis = fields.String(
        load_default=None,
        validate=validate.OneOf(ABC_BASES),
        metadata={"description": "Default: SCANFLOOR_ABC_BASIS"},
    )
    window_days = fields.Integer(
        strict=True,
        load_default=None,
        validate=validate.Range(1, MAX_WINDOW_DAYS),
        metadata={"description": "Days of the ledger ranked (default SCANFLOOR_ABC_WINDOW_DAYS)"},
    )


class ItemClassArgsSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata=_WAREHOUSE)
    abc_class = fields.String(data_key="class", validate=validate.OneOf(ABC_CLASSES))


class GenerateInSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata=_WAREHOUSE)
    on = fields.Date(
        load_default=None, metadata={"description": "The plan's day (default today, UTC)"}
    )


class AdhocInSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata=_WAREHOUSE)
    zone = fields.String(load_default=None, validate=validate.Length(1, 64))
    locations = fields.List(
        fields.String(validate=validate.Length(1, 64)),
        load_default=None,
        validate=validate.Length(1, 1000),
        metadata={"description": "Bin codes (with or instead of a zone)"},
    )

    @ma.validates_schema
    def _something(self, data: dict[str, object], **_kw: object) -> None:
        if not data.get("zone") and not data.get("locations"):
            raise ma.ValidationError("name a zone or the bins to count", "zone")


class PolicyArgsSchema(RequestSchema):
    warehouse = WarehouseRef(
        load_default=None, metadata={"description": "id or code (none: the defaults)"}
    )


class PolicyInSchema(RequestSchema):
    abc_class = fields.String(required=True, validate=validate.OneOf(ABC_CLASSES))
    interval_days = fields.Integer(strict=True, required=True, validate=validate.Range(1, 3660))
    tolerance_units = fields.Integer(
        strict=True, required=True, validate=validate.Range(0, MAX_QUANTITY)
    )
    tolerance_value = DecimalText(
        places=4,
        digits=14,
        minimum=0,
        required=True,
        metadata={"description": "A variance worth at most this posts without a recount"},
    )
    cumulative_share = DecimalText(
        places=4,
        digits=1,
        minimum=0,
        min_inclusive=False,
        maximum=1,
        required=True,
        metadata={"description": "Where the class ends in the ranking (C: 1)"},
    )


class PoliciesInSchema(RequestSchema):
    warehouse = WarehouseRef(
        load_default=None, metadata={"description": "id or code (none: the defaults)"}
    )
    policies = fields.List(
        fields.Nested(PolicyInSchema), required=True, validate=validate.Length(1, 3)
    )


class AccuracyArgsSchema(RequestSchema):
    warehouse = WarehouseRef(required=True, metadata=_WAREHOUSE)
    date_from = fields.Date(data_key="from", required=True)
    date_to = fields.Date(data_key="to", required=True)
    by = fields.String(load_default="location", validate=validate.OneOf(GROUPINGS))


# --- answers -----------------------------------------------------------------------------------


class ClassCountsSchema(ma.Schema):
    A = fields.Integer()
    B = fields.Integer()
    C = fields.Integer()


class ClassifyOutSchema(ma.Schema):
    warehouse = fields.Nested(PickRefSchema)
    basis = fields.String()
    window_days = fields.Integer()
    computed_at = fields.DateTime()
    measure = fields.String(metadata={"description": "Velocity from shipped or picked units"})
    counts = fields.Nested(ClassCountsSchema)


class ClassedItemSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()


class ItemClassSchema(ma.Schema):
    item = fields.Nested(ClassedItemSchema)
    abc_class = fields.String()
    basis = fields.String()
    metric = _out(4)
    rank = fields.Integer()
    computed_at = fields.DateTime()
    last_counted_at = fields.DateTime(allow_none=True)
    next_due = fields.Date(allow_none=True, metadata={"description": "null: due now"})


class ItemClassListSchema(ma.Schema):
    items = fields.List(fields.Nested(ItemClassSchema))


class PlanOutSchema(ma.Schema):
    created = fields.Integer(metadata={"description": "Tasks raised by this call"})
    task_ids = fields.List(
        fields.Integer(), metadata={"description": "Every task covering it, new or already open"}
    )
    due = fields.Nested(ClassCountsSchema, metadata={"description": "Items due today per class"})


class AdhocOutSchema(ma.Schema):
    created = fields.Integer()
    task_ids = fields.List(fields.Integer())


class PolicySchema(ma.Schema):
    abc_class = fields.String()
    interval_days = fields.Integer()
    tolerance_units = fields.Integer()
    tolerance_value = _out(4)
    cumulative_share = _out(4)
    own = fields.Boolean(metadata={"description": "The warehouse's own (false: the default)"})


class PoliciesOutSchema(ma.Schema):
    warehouse = fields.Nested(PickRefSchema, allow_none=True)
    policies = fields.List(fields.Nested(PolicySchema))


class AccuracyRowSchema(ma.Schema):
    key = fields.String()
    label = fields.String()
    counted = fields.Integer()
    matched = fields.Integer()
    accuracy = _out(4, allow_none=True, metadata={"description": "matched / counted"})
    value_counted = _out(2)
    value_matched = _out(2)
    value_accuracy = _out(4, allow_none=True)


class AccuracyOutSchema(ma.Schema):
    by = fields.String()
    rows = fields.List(fields.Nested(AccuracyRowSchema))
    total = fields.Nested(AccuracyRowSchema)
