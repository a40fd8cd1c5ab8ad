"""Request and response schemas for exchange rates: a foreign currency's rate from a day on,
in functional units for one unit of it. Rates are decimal strings, never floats."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..finance.fx_rules import RATE_DECIMALS, RATE_DIGITS
from .contract_fields import DecimalText
from .fields import RequestSchema

_RATE_TEXT = (
    "How many units of the functional currency (SCANFLOOR_CURRENCY) one unit of the "
    "currency is worth: above 0, at most 8 decimals"
)


class ExchangeRateListArgs(RequestSchema):
    currency = fields.String(
        load_default=None,
        validate=validate.Length(max=16),
        metadata={"description": "Only this currency's rates (ISO 4217 code, e.g. USD)"},
    )


class ExchangeRatePutSchema(RequestSchema):
    rate = DecimalText(
        required=True,
        places=RATE_DECIMALS,
        digits=RATE_DIGITS,
        minimum=0,
        metadata={"description": _RATE_TEXT},
    )


class ExchangeRateSchema(ma.Schema):
    currency = fields.String(metadata={"description": "ISO 4217 code"})
    rate_date = fields.Date(
        metadata={"description": "The day it applies from (until the currency's next rate)"}
    )
    rate = DecimalText(places=RATE_DECIMALS, dump_places=RATE_DECIMALS,
                       metadata={"description": _RATE_TEXT})  # fmt: skip
    created_by = fields.Integer(allow_none=True, metadata={"description": "Who entered it"})
    created_at = fields.DateTime()


class ExchangeRateListSchema(ma.Schema):
    rates = fields.List(
        fields.Nested(ExchangeRateSchema),
        metadata={"description": "By currency, newest day first"},
    )
