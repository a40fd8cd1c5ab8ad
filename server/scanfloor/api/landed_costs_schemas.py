"""Request and response schemas for landed costs: a charge against receipts, and how it was
spread over their receipt movements. Money is decimal text, never a float."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..finance.document_models import CHARGE_KINDS, SPREAD_BASES
from .contract_fields import DecimalText
from .fields import Cursor, Id, RequestSchema


def _money(description: str = "", **kw: Any) -> DecimalText:
    return DecimalText(
        places=2, digits=16, dump_places=2, metadata={"description": description}, **kw
    )


# --- requests ----------------------------------------------------------------------------


class LandedCostCreateSchema(RequestSchema):
    charge_kind = fields.String(
        required=True,
        validate=validate.OneOf(CHARGE_KINDS),
        metadata={"description": " | ".join(CHARGE_KINDS)},
    )
    basis = fields.String(
        required=True,
        validate=validate.OneOf(SPREAD_BASES),
        metadata={
            "description": "How the charge is spread over the receipts' lines: units, "
            "received value, weight or volume (the supplier's case terms)"
        },
    )
    amount = DecimalText(
        required=True,
        places=4,
        digits=16,
        minimum=0,
        min_inclusive=False,
        metadata={
            "description": "The charge in the functional currency, in whole minor units "
            "(cents): above 0"
        },
    )
    receipt_ids = fields.List(
        Id(),
        required=True,
        validate=validate.Length(1, 200),
        metadata={"description": "The receipts the charge is for (one or more)"},
    )
    reference = fields.String(
        load_default=None,
        validate=validate.Length(max=64),
        metadata={"description": "The carrier's, broker's or customs' bill number"},
    )
    description = fields.String(load_default=None, validate=validate.Length(max=200))
    charge_date = fields.Date(
        required=True,
        metadata={"description": "The date it is booked on (refused in a closed month)"},
    )


class LandedCostListArgs(RequestSchema):
    receipt = Id(
        strict=False, load_default=None, metadata={"description": "Only charges on this receipt"}
    )
    limit = fields.Integer(validate=validate.Range(1, 200))
    cursor = Cursor(metadata={"description": "next_cursor of the previous page"})


# --- answers -----------------------------------------------------------------------------


class LandedSpreadRowSchema(ma.Schema):
    receipt_id = fields.Integer()
    receipt_line_id = fields.Integer()
    movement_id = fields.Integer(metadata={"description": "The receipt movement (from VENDOR)"})
    item_id = fields.Integer()
    sku = fields.String()
    place_id = fields.Integer(
        allow_none=True, metadata={"description": "The valued place it entered (a warehouse)"}
    )
    units = fields.Integer(metadata={"description": "Units the movement brought in"})
    figure = DecimalText(
        places=6,
        digits=16,
        dump_places=6,
        allow_none=True,
        metadata={
            "description": "Its basis figure (units, value, kg or m3) as read now; null when "
            "its weight or volume is no longer known"
        },
    )
    share = _money("Its part of the charge")
    on_hand_quantity = fields.Integer(
        metadata={"description": "Of its units, those still on hand when the charge was added"}
    )
    on_hand_amount = _money("The part added to the stock value (and its FIFO layer)")
    gone_amount = _money("The part for units already gone: to COGS")


class LandedCostSchema(ma.Schema):
    id = fields.Integer()
    charge_kind = fields.String()
    basis = fields.String()
    amount = _money()
    reference = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    charge_date = fields.Date()
    created_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    entry_id = fields.Integer(allow_none=True, metadata={"description": "Its journal entry"})
    receipt_ids = fields.List(fields.Integer())
    on_hand_amount = _money("The parts added to stock values")
    gone_amount = _money("The parts booked to COGS")


class LandedCostDetailSchema(LandedCostSchema):
    lines = fields.List(
        fields.Nested(LandedSpreadRowSchema),
        metadata={"description": "How it was spread, by receipt, receipt line and movement"},
    )


class LandedCostPageSchema(ma.Schema):
    landed_costs = fields.List(fields.Nested(LandedCostSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)
