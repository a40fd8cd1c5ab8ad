"""The order answer of GET /orders/{id} with its money status (finance/order_money.py):
the timeline from capture to settlement and returns, and the stage it reached. Money is
decimal strings, never floats."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields

from ..finance.order_money import STAGES, STEPS
from .allocation_schemas import OrderSchema
from .contract_fields import DecimalText


def _money(description: str = "", **kw: Any) -> DecimalText:
    return DecimalText(places=4, digits=16, dump_places=2, metadata={"description": description},
                       **kw)  # fmt: skip


class OrderMoneyStepSchema(ma.Schema):
    step = fields.String(metadata={"description": " | ".join(STEPS)})
    on = fields.Date(metadata={"description": "The day it happened (UTC)"})
    amount = _money("captured: the order's total; shipped: receivable booked; settled, "
                    "refunded: the channel's amount; credited: the customer credit",
                    allow_none=True)  # fmt: skip
    fee = _money("What the channel kept on a settlement line", allow_none=True)
    kind = fields.String(allow_none=True, metadata={"description": "The settlement line's kind"})
    reference = fields.String(allow_none=True, metadata={"description": "Payout / settlement id"})
    deposit_date = fields.Date(allow_none=True)
    settlement_id = fields.Integer(allow_none=True)
    entry_id = fields.Integer(allow_none=True, metadata={"description": "Its journal entry"})


class OrderMoneySchema(ma.Schema):
    stage = fields.String(metadata={"description": " | ".join(STAGES)})
    currency = fields.String()
    ordered = _money("The priced lines' total, tax included", allow_none=True)
    invoiced = _money("Channel receivable its shipments booked")
    settled = _money("What the channel settled for it (order lines)")
    refunded = _money("What the channel refunded")
    fees = _money("What the channel kept")
    credited = _money("Customer credits of its returns")
    steps = fields.List(fields.Nested(OrderMoneyStepSchema))


class OrderDetailSchema(OrderSchema):
    finance = fields.Nested(
        OrderMoneySchema,
        allow_none=True,
        metadata={
            "description": "The order's money status; null for a role that does not read finance"
        },
    )
