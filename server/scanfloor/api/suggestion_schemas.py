"""Request and response schemas for suggestion runs and inventory positions. Decimals
(demand, lead time, money) are strings, never floats."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..purchasing.suggestion_models import LINE_OUTCOMES
from .fields import RequestSchema
from .picking_schemas import WarehouseRef
from .receiving_schemas import PageArgs
from .terms_schemas import TermsItemRefSchema, TermsSupplierRefSchema, TermsWarehouseRefSchema

_WAREHOUSE = {"description": "id or code"}

# --- requests ----------------------------------------------------------------------------


class RunCreateSchema(RequestSchema):
    warehouse = WarehouseRef(
        load_default=None,
        metadata={"description": "id or code; none: every warehouse with reorder policies"},
    )


class RunListArgs(PageArgs):
    warehouse = WarehouseRef(load_default=None, metadata=_WAREHOUSE)


class RunGetArgs(RequestSchema):
    outcome = fields.String(
        load_default=None,
        validate=validate.OneOf(LINE_OUTCOMES),
        metadata={"description": "Only the lines with this outcome"},
    )


class PositionArgs(PageArgs):
    warehouse = WarehouseRef(required=True, metadata=_WAREHOUSE)
    item = fields.String(
        load_default=None, validate=validate.Length(1, 64), metadata={"description": "SKU"}
    )


# --- answers -----------------------------------------------------------------------------


class ActorSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()


class StepSchema(ma.Schema):
    label = fields.String()
    working = fields.String(metadata={"description": "The arithmetic, with the figures used"})
    value = fields.String(metadata={"description": "The result, as text"})


class LinePositionSchema(ma.Schema):
    on_hand = fields.Integer()
    open_po = fields.Integer()
    in_transit = fields.Integer()
    reserved = fields.Integer()
    backordered = fields.Integer()
    total = fields.Integer(
        metadata={"description": "on hand + open PO + in transit - reserved - backordered"}
    )


class LineDemandSchema(ma.Schema):
    source = fields.String(metadata={"description": "shipments | allocated_lines | none"})
    method = fields.String(
        allow_none=True,
        metadata={"description": "ses | croston_sba | no_history | no_demand | not_used"},
    )
    per_day = fields.String(metadata={"description": "Units a day"})
    sd = fields.String(metadata={"description": "Standard deviation of daily demand"})


class LineLeadTimeSchema(ma.Schema):
    days = fields.String()
    sd = fields.String()
    source = fields.String(
        metadata={"description": "receipts_item | receipts | promised | default"}
    )


class SuggestionLineSchema(ma.Schema):
    id = fields.Integer()
    item = fields.Nested(TermsItemRefSchema)
    warehouse = fields.Nested(TermsWarehouseRefSchema)
    supplier = fields.Nested(TermsSupplierRefSchema, allow_none=True)
    policy = fields.String()
    outcome = fields.String(metadata={"description": " | ".join(LINE_OUTCOMES)})
    quantity = fields.Integer(metadata={"description": "Base units the policy would order"})
    position = fields.Nested(LinePositionSchema)
    demand = fields.Nested(LineDemandSchema)
    lead_time = fields.Nested(LineLeadTimeSchema)
    unit_cost = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(StepSchema))
    po_id = fields.Integer(allow_none=True)
    po_number = fields.String(allow_none=True)


class RunPoSchema(ma.Schema):
    id = fields.Integer()
    number = fields.String()
    supplier = fields.Nested(TermsSupplierRefSchema)
    warehouse = fields.Nested(TermsWarehouseRefSchema, allow_none=True)
    state = fields.String()
    currency = fields.String()
    value = fields.String(metadata={"description": "sum(ordered x unit cost), in its currency"})
    line_count = fields.Integer()
    expected_date = fields.Date(allow_none=True)


class RunSummarySchema(ma.Schema):
    id = fields.Integer()
    trigger = fields.String()
    actor = fields.Nested(ActorSchema, allow_none=True)
    warehouse = fields.Nested(TermsWarehouseRefSchema, allow_none=True)
    as_of = fields.Date()
    history_days = fields.Integer()
    items_considered = fields.Integer()
    lines_ordered = fields.Integer()
    po_count = fields.Integer()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class RunSchema(RunSummarySchema):
    purchase_orders = fields.List(fields.Nested(RunPoSchema))
    lines = fields.List(fields.Nested(SuggestionLineSchema))


class RunPageSchema(ma.Schema):
    suggestion_runs = fields.List(fields.Nested(RunSummarySchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class PositionSchema(ma.Schema):
    item = fields.Nested(TermsItemRefSchema)
    warehouse = fields.Nested(TermsWarehouseRefSchema)
    on_hand = fields.Integer(metadata={"description": "Sellable and dock locations"})
    open_po = fields.Integer()
    in_transit = fields.Integer()
    reserved = fields.Integer()
    backordered = fields.Integer()
    position = fields.Integer()


class PositionPageSchema(ma.Schema):
    positions = fields.List(fields.Nested(PositionSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)
