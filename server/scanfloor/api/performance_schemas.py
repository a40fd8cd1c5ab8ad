"""Request and response schemas for supplier performance and seasonal pre-buy.

Rates are fractions 0-1 as decimal strings ("0.9500"), null when there is nothing to rate;
days of lead time likewise (means and deviations are not whole days).
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..purchasing.performance_service import MAX_MONTHS
from .contract_fields import DecimalText
from .fields import RequestSchema


def _rate(description: str) -> DecimalText:
    return DecimalText(places=4, allow_none=True, metadata={"description": description})


# --- requests ----------------------------------------------------------------------------


class PerformanceArgsSchema(RequestSchema):
    date_from = fields.Date(
        data_key="from",
        metadata={"description": "First due/receipt date (default: 12 months back)"},
    )
    date_to = fields.Date(data_key="to", metadata={"description": "Last date (default: today)"})


class PerformanceDetailArgsSchema(RequestSchema):
    months = fields.Integer(
        load_default=12,
        validate=validate.Range(1, MAX_MONTHS),
        metadata={"description": f"Calendar months back, this one included (1-{MAX_MONTHS})"},
    )


class PreBuyArgsSchema(RequestSchema):
    season_start = fields.Date(required=True, metadata={"description": "First day of the season"})
    warehouse = fields.String(
        validate=validate.Length(1, 64),
        metadata={"description": "Warehouse code (default: the first warehouse)"},
    )


# --- performance -------------------------------------------------------------------------


class PerformanceSupplierSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class SupplierLeadTimeSchema(ma.Schema):
    samples = fields.Integer(metadata={"description": "Deliveries received in the window"})
    mean = DecimalText(places=4, allow_none=True, metadata={"description": "Mean days"})
    sd = DecimalText(places=4, allow_none=True, metadata={"description": "Sample deviation"})
    promised = fields.Integer(metadata={"description": "The supplier's promised days"})
    mean_delta = DecimalText(
        places=4, allow_none=True, metadata={"description": "Mean minus promised days"}
    )
    within_rate = _rate("Share of deliveries that took the promised time")


class SupplierPerformanceSchema(ma.Schema):
    supplier = fields.Nested(PerformanceSupplierSchema)
    lines_judged = fields.Integer()
    otif_rate = _rate("On-time-in-full lines / lines judged")
    fill_rate = _rate("Units received (capped at ordered) / units ordered")
    otif = fields.Integer()
    early = fields.Integer()
    late = fields.Integer()
    short = fields.Integer()
    over = fields.Integer()
    pending = fields.Integer(metadata={"description": "Lines not judged yet (not rated)"})
    lead_time = fields.Nested(SupplierLeadTimeSchema)


class PerformanceReportSchema(ma.Schema):
    from_date = fields.Date(data_key="from")
    to_date = fields.Date(data_key="to")
    as_of = fields.Date()
    suppliers = fields.List(fields.Nested(SupplierPerformanceSchema))


class PerformanceTrendPointSchema(ma.Schema):
    month = fields.String(metadata={"description": "YYYY-MM of the lines' due date"})
    lines = fields.Integer(metadata={"description": "Lines judged"})
    otif_rate = _rate("On-time-in-full lines / lines judged")
    fill_rate = _rate("Units received (capped at ordered) / units ordered")


class JudgedPoLineSchema(ma.Schema):
    po_id = fields.Integer()
    po_number = fields.String()
    line_no = fields.Integer()
    sku = fields.String()
    ordered = fields.Integer()
    received = fields.Integer()
    due = fields.Date()
    received_on = fields.Date(allow_none=True)
    timing = fields.String(metadata={"description": "early | on_time | late"})
    fullness = fields.String(metadata={"description": "short | in_full | over"})
    days_off = fields.Integer(metadata={"description": "Receipt (or today) minus due date"})
    units_off = fields.Integer(metadata={"description": "Received minus ordered"})


class SupplierPerformanceDetailSchema(SupplierPerformanceSchema):
    from_date = fields.Date(data_key="from")
    to_date = fields.Date(data_key="to")
    as_of = fields.Date()
    months = fields.Integer()
    trend = fields.List(fields.Nested(PerformanceTrendPointSchema))
    lines = fields.List(fields.Nested(JudgedPoLineSchema))


# --- pre-buy -----------------------------------------------------------------------------


class PreBuyWarehouseSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class PreBuyLegSchema(ma.Schema):
    leg = fields.String(metadata={"description": "production | transit | customs | dock to stock"})
    days = fields.Integer()


class DockToStockSchema(ma.Schema):
    days = fields.Integer()
    source = fields.String(metadata={"description": "ledger (median of recent receipts) | default"})
    samples = fields.Integer(metadata={"description": "Receipts measured"})


class PreBuyItemSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()


class ContainerPlanLineSchema(ma.Schema):
    item = fields.Nested(PreBuyItemSchema)
    case_pack = fields.Integer()
    case_volume_m3 = DecimalText(places=6, dump_places=6)
    case_weight_kg = DecimalText(places=3, dump_places=3)
    position = fields.Integer(metadata={"description": "Inventory position before this order"})
    demand_per_day = DecimalText(places=4)
    suggested = fields.Integer(metadata={"description": "Units on the draft POs, whole cases"})
    topped_up = fields.Integer(metadata={"description": "Units added to fill the containers"})
    quantity = fields.Integer()
    cases = fields.Integer()
    days_of_cover = DecimalText(
        places=1, allow_none=True, metadata={"description": "After the order; null: no demand"}
    )


class ContainerPlanSchema(ma.Schema):
    container = fields.String(metadata={"description": "20ft | 40ft | 40HC"})
    cube_capacity_m3 = DecimalText(
        places=3, dump_places=3, metadata={"description": "Usable cube per box"}
    )
    payload_kg = DecimalText(places=3, dump_places=3)
    containers = fields.Integer()
    cube_m3 = DecimalText(places=3, dump_places=3)
    weight_kg = DecimalText(places=3, dump_places=3)
    cube_used = _rate("Share of the usable cube filled")
    weight_used = _rate("Share of the payload used")
    lines = fields.List(fields.Nested(ContainerPlanLineSchema))
    skipped = fields.List(
        fields.String(), metadata={"description": "SKUs without a case cube or weight"}
    )


class PreBuySchema(ma.Schema):
    supplier = fields.Nested(PerformanceSupplierSchema)
    warehouse = fields.Nested(PreBuyWarehouseSchema)
    season_start = fields.Date()
    order_by = fields.Date(metadata={"description": "The last day to send the order"})
    total_days = fields.Integer()
    days_left = fields.Integer(metadata={"description": "Until the order-by date; < 0: late"})
    legs = fields.List(fields.Nested(PreBuyLegSchema))
    dock_to_stock = fields.Nested(DockToStockSchema)
    container_plan = fields.Nested(
        ContainerPlanSchema,
        allow_none=True,
        metadata={"description": "Import suppliers only (null otherwise)"},
    )
