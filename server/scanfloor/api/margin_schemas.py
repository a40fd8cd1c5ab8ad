"""Request and response schemas of the margin report (finance/margin_service.py; gross
margin is defined once, in finance/margin_rules.py): money as decimal strings to the cent."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..finance.margin_rules import GROUPS
from .contract_fields import DecimalText
from .fields import RequestSchema
from .picking_schemas import WarehouseRef


def _money(description: str, **kw: Any) -> DecimalText:
    return DecimalText(
        places=2, digits=16, dump_places=2, metadata={"description": description}, **kw
    )


class MarginArgs(RequestSchema):
    group_by = fields.String(
        load_default="channel",
        validate=validate.OneOf(GROUPS),
        metadata={"description": "order_line | channel | warehouse | path (channel x "
                  "warehouse x carrier service) | month; default channel"},
    )  # fmt: skip
    date_from = fields.Date(
        data_key="from",
        load_default=None,
        metadata={"description": "Entries dated on or after this day, YYYY-MM-DD"},
    )
    date_to = fields.Date(
        data_key="to",
        load_default=None,
        metadata={"description": "Entries dated on or before this day, YYYY-MM-DD"},
    )
    channel = fields.String(
        load_default=None,
        validate=validate.Length(1, 32),
        metadata={"description": "Channel code: only its orders"},
    )
    warehouse = WarehouseRef(
        load_default=None,
        metadata={"description": "id or code: only amounts placed in this warehouse"},
    )

    @ma.validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("date_from"), data.get("date_to")
        if start is not None and end is not None and start > end:
            raise ma.ValidationError("from is after to", "from")


class MarginFiguresSchema(ma.Schema):
    revenue = _money("Revenue booked at shipment, net of discounts, tax excluded")
    returns_credited = _money("Credits given to customers for returns")
    net_revenue = _money("revenue - returns_credited")
    cogs = _money("Cost of the goods shipped")
    returns_restocked = _money("Cost of returned units put back into stock")
    net_cogs = _money("cogs - returns_restocked")
    channel_fees = _money("What the channel's settlements kept")
    shipping_cost = _money(
        "What the carriers quoted at ship confirm for the cartons of the orders whose "
        "shipping cost is known, in the functional currency (subtracted); null: unknown, "
        "every order the row shipped has an unknown one and nothing is subtracted",
        allow_none=True,
    )
    gross_margin = _money("net_revenue - net_cogs - channel_fees - shipping_cost (where known)")
    margin_pct = DecimalText(
        places=2,
        digits=16,
        dump_places=2,
        allow_none=True,
        metadata={"description": "gross_margin / net_revenue x 100; null when net_revenue is 0"},
    )
    shipping_unknown_orders = fields.Integer(
        metadata={
            "description": "How many of the row's orders have an unknown shipping cost (a "
            "carton shipped without a rate, or in a currency with no exchange rate on its "
            "ship day): their shipping is not subtracted"
        }
    )
    shipping_unknown_revenue = _money("The revenue those orders booked in the row")


class MarginRowSchema(MarginFiguresSchema):
    order_id = fields.Integer(allow_none=True)
    external_id = fields.String(allow_none=True)
    line_no = fields.Integer(allow_none=True, metadata={"description": "The ordered line"})
    sku = fields.String(allow_none=True)
    channel = fields.String(allow_none=True, metadata={"description": "Channel code"})
    warehouse = fields.String(allow_none=True, metadata={"description": "Warehouse code"})
    carrier = fields.String(allow_none=True, metadata={"description": "Carrier code"})
    service = fields.String(allow_none=True, metadata={"description": "Carrier service"})
    month = fields.String(allow_none=True, metadata={"description": "YYYY-MM"})


class MarginReportSchema(ma.Schema):
    group_by = fields.String()
    date_from = fields.Date(data_key="from", allow_none=True)
    date_to = fields.Date(data_key="to", allow_none=True)
    channel = fields.String(allow_none=True, metadata={"description": "The channel filter"})
    warehouse = fields.String(allow_none=True, metadata={"description": "The warehouse filter"})
    shipping_cost_known = fields.Boolean(
        metadata={
            "description": "False: some order's shipping cost is unknown and not subtracted "
            "(totals.shipping_unknown_orders says how many)"
        }
    )
    rows = fields.List(fields.Nested(MarginRowSchema))
    totals = fields.Nested(MarginFiguresSchema)
