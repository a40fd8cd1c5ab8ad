"""Request and response schemas for an item's demand, in total and per sales channel.
Quantities are integers; rates and shares are decimals written as strings, never floats."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from .fields import RequestSchema
from .picking_schemas import WarehouseRef
from .terms_schemas import TermsItemRefSchema, TermsWarehouseRefSchema

MIN_DAYS, MAX_DAYS = 7, 730
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --- requests ----------------------------------------------------------------------------


class _WarehouseRef(WarehouseRef):
    """A warehouse id or code without control characters: PostgreSQL text cannot hold NUL,
    so the lookup would fail (a 500) rather than find nothing."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> int | str:
        if isinstance(value, str) and _CONTROL.search(value):
            raise ma.ValidationError("give a warehouse id or code")
        return super()._deserialize(value, attr, data, **kw)


class DemandArgsSchema(RequestSchema):
    item = fields.String(
        required=True,
        # No control characters: PostgreSQL text cannot hold NUL (a 500, not a 404).
        validate=[validate.Length(1, 64), validate.Regexp(r"^[^\x00-\x1f\x7f]+$")],
        metadata={"description": "id or SKU (a SKU of digits wins over the same id)"},
    )
    warehouse = _WarehouseRef(required=True, metadata={"description": "id or code"})
    days = fields.Integer(
        load_default=None,
        validate=validate.Range(MIN_DAYS, MAX_DAYS),
        metadata={
            "description": f"Whole days before today to read ({MIN_DAYS}-{MAX_DAYS}); "
            "default: the history a suggestion run reads"
        },
    )


# --- answers -----------------------------------------------------------------------------


class DemandWindowSchema(ma.Schema):
    first = fields.Date(metadata={"description": "The window's first UTC day"})
    last = fields.Date(metadata={"description": "Its last: the day before today"})
    days = fields.Integer()


class DemandEstimateSchema(ma.Schema):
    method = fields.String(metadata={"description": "ses | croston_sba | no_history | no_demand"})
    classification = fields.String(
        allow_none=True,
        metadata={"description": "smooth | erratic | intermittent | lumpy (null: no demand)"},
    )
    mean_per_day = fields.String(metadata={"description": "Units a day"})
    sd_per_day = fields.String(metadata={"description": "Standard deviation of daily demand"})
    days_used = fields.Integer(metadata={"description": "In-stock days the estimate read"})
    stock_out_days = fields.Integer(
        metadata={"description": "Days that began with no sellable stock, left out"}
    )


class DemandDaySchema(ma.Schema):
    date = fields.Date()
    shipped = fields.Integer()
    returned = fields.Integer(metadata={"description": "Customer returns restocked"})
    backordered = fields.Integer()
    on_hand_at_start = fields.Integer(metadata={"description": "Sellable, as the day began"})


class DemandChannelRefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class ChannelDemandSchema(ma.Schema):
    channel = fields.Nested(DemandChannelRefSchema)
    shipped = fields.Integer()
    returned = fields.Integer()
    net = fields.Integer(metadata={"description": "shipped - returned"})
    share = fields.String(
        metadata={"description": "Of the net units told to any channel, 0 to 1 (4 places)"}
    )
    estimate = fields.Nested(
        DemandEstimateSchema,
        metadata={"description": "The channel's own; backorders count in the item's only"},
    )


class DemandTotalsSchema(ma.Schema):
    shipped = fields.Integer()
    returned = fields.Integer()
    backordered = fields.Integer()
    net = fields.Integer(metadata={"description": "shipped - returned"})
    not_told = fields.Integer(
        metadata={"description": "Net units no channel was told for (a ship without a carton)"}
    )


class ItemDemandSchema(ma.Schema):
    item = fields.Nested(TermsItemRefSchema)
    warehouse = fields.Nested(TermsWarehouseRefSchema)
    window = fields.Nested(DemandWindowSchema)
    source = fields.String(metadata={"description": "shipments | allocated_lines | none"})
    totals = fields.Nested(DemandTotalsSchema)
    estimate = fields.Nested(DemandEstimateSchema)
    days = fields.List(fields.Nested(DemandDaySchema), metadata={"description": "Oldest first"})
    channels = fields.List(
        fields.Nested(ChannelDemandSchema), metadata={"description": "Largest net first"}
    )
