"""Request and response schemas for channel settlements (an upload's form fields, the list,
one settlement with its lines) and their exception queues. Money is decimal strings, never
floats."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..finance.document_models import SETTLEMENT_LINE_KINDS
from ..finance.settlement_rules import QUEUES
from ..finance.settlement_service import SOURCES
from .contract_fields import DecimalText
from .fields import Cursor, RequestSchema


def _money(description: str = "", **kw: Any) -> DecimalText:
    return DecimalText(places=4, digits=16, dump_places=2, metadata={"description": description},
                       **kw)  # fmt: skip


# --- requests ----------------------------------------------------------------------------


class SettlementUploadSchema(RequestSchema):
    """The form fields beside the file."""

    channel = fields.String(required=True, validate=validate.Length(1, 32),
                            metadata={"description": "The channel's code"})  # fmt: skip
    source = fields.String(
        required=True,
        validate=validate.OneOf(SOURCES),
        metadata={"description": "shopify_payouts (CSV or JSON) | amazon_v2 (flat file V2)"},
    )


class SettlementListArgs(RequestSchema):
    channel = fields.String(load_default=None, validate=validate.Length(1, 32))
    limit = fields.Integer(validate=validate.Range(1, 200))
    cursor = Cursor(metadata={"description": "next_cursor of the previous page"})


class ExceptionArgs(RequestSchema):
    kind = fields.String(load_default=None, validate=validate.OneOf(QUEUES),
                         metadata={"description": " | ".join(QUEUES)})  # fmt: skip
    channel = fields.String(load_default=None, validate=validate.Length(1, 32))


# --- answers -----------------------------------------------------------------------------


class SettlementLineSchema(ma.Schema):
    id = fields.Integer()
    line_no = fields.Integer()
    kind = fields.String(metadata={"description": " | ".join(SETTLEMENT_LINE_KINDS)})
    order_reference = fields.String(allow_none=True)
    order_id = fields.Integer(allow_none=True, metadata={"description": "null: not mapped"})
    posted_date = fields.Date(allow_none=True)
    amount = _money("+ the channel owes us, - we owe it")
    fee = _money("What the channel kept")
    description = fields.String(allow_none=True)
    raw = fields.Dict(keys=fields.String(), metadata={"description": "The file's row"})


class SettlementSchema(ma.Schema):
    id = fields.Integer()
    channel_id = fields.Integer()
    channel = fields.String()
    source = fields.String()
    reference = fields.String(metadata={"description": "Payout id / settlement id"})
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    deposit_date = fields.Date()
    currency = fields.String()
    total = _money("What the channel paid out, net")
    file_sha256 = fields.String()
    imported_by = fields.Integer(allow_none=True)
    imported_at = fields.DateTime()
    entry_id = fields.Integer(allow_none=True, metadata={"description": "Its journal entry"})
    line_count = fields.Integer()
    unmapped_count = fields.Integer(metadata={"description": "Lines naming no known order"})
    lines = fields.List(fields.Nested(SettlementLineSchema))


class SettlementBriefSchema(SettlementSchema):
    class Meta:
        exclude = ("lines",)


class SettlementPageSchema(ma.Schema):
    settlements = fields.List(fields.Nested(SettlementBriefSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class SettlementExceptionSchema(ma.Schema):
    queue = fields.String(metadata={"description": " | ".join(QUEUES)})
    channel = fields.String()
    order_id = fields.Integer(allow_none=True)
    order_reference = fields.String(allow_none=True)
    settlement_id = fields.Integer(allow_none=True)
    line_id = fields.Integer(allow_none=True)
    since = fields.Date(metadata={"description": "Shipped, refunded or settled on"})
    age_days = fields.Integer()
    amount = _money()
    detail = fields.Dict(keys=fields.String())


class SettlementExceptionsSchema(ma.Schema):
    exceptions = fields.List(fields.Nested(SettlementExceptionSchema))
