"""Request and response schemas for finance: valuation, FIFO layers, how movements were
costed, the journal, the trial balance and accounting periods. Money and unit costs are
decimal strings, never floats (money to the cent, unit costs to 6 places)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from .contract_fields import DecimalText
from .fields import BigId, Cursor, Id, RequestSchema
from .picking_schemas import WarehouseRef
from .receiving_schemas import PageArgs

# A month as YYYY-MM (\A and \Z: a trailing newline is not a month).
PERIOD_PATTERN = r"\A[0-9]{4}-(0[1-9]|1[0-2])\Z"
_PERIOD_TEXT = "A month, YYYY-MM (UTC calendar months)"


def _period(description: str) -> fields.String:
    return fields.String(
        load_default=None,
        validate=validate.Regexp(PERIOD_PATTERN, error="a period is a month written YYYY-MM"),
        metadata={"description": description},
    )


# Written at the columns' scale whatever the driver hands back (SQLite's NUMERIC may come
# back as 75.0000): money to the cent, unit costs to 6 places.
def _money(description: str = "", **kw: Any) -> DecimalText:
    return DecimalText(
        places=2, digits=16, dump_places=2, metadata={"description": description}, **kw
    )


def _rate(description: str = "", **kw: Any) -> DecimalText:
    return DecimalText(
        places=6, digits=12, dump_places=6, metadata={"description": description}, **kw
    )


# --- requests ----------------------------------------------------------------------------


class ValuationArgs(RequestSchema):
    warehouse = WarehouseRef(
        load_default=None, metadata={"description": "id or code: one warehouse's values"}
    )
    item = Id(strict=False, load_default=None, metadata={"description": "One item's values"})
    limit = fields.Integer(validate=validate.Range(1, 200))
    # Valuation pages by (item, place): the cursor is "ITEM-PLACE" as the last page gave it.
    cursor = fields.String(
        validate=validate.Regexp(r"\A[0-9]{1,18}-[0-9]{1,18}\Z"),
        metadata={"description": "next_cursor of the previous page"},
    )


class ValueHistoryArgs(RequestSchema):
    date_from = fields.Date(
        data_key="from", load_default=None,
        metadata={"description": "First day, YYYY-MM-DD (default: 29 days before `to`)"},
    )  # fmt: skip
    date_to = fields.Date(
        data_key="to", load_default=None,
        metadata={"description": "Last day, YYYY-MM-DD (default: today, UTC)"},
    )  # fmt: skip
    warehouse = WarehouseRef(
        load_default=None, metadata={"description": "id or code: one warehouse's value"}
    )


class LayerArgs(RequestSchema):
    place = Id(
        strict=False,
        required=True,
        metadata={"description": "The place's location id: a warehouse, or IN-TRANSIT"},
    )


class MovementValueArgs(PageArgs):
    place = Id(
        strict=False,
        load_default=None,
        metadata={"description": "Only movements into or out of this place (location id)"},
    )


class JournalArgs(RequestSchema):
    period = _period(f"{_PERIOD_TEXT}: only entries dated in it")
    account = Id(
        strict=False, load_default=None, metadata={"description": "Account id: its entries"}
    )
    movement = BigId(
        strict=False, load_default=None, metadata={"description": "The movement's entries"}
    )
    entry = BigId(strict=False, load_default=None, metadata={"description": "One entry, by id"})
    limit = fields.Integer(validate=validate.Range(1, 200))
    cursor = Cursor(metadata={"description": "next_cursor of the previous page"})


class JournalCsvArgs(RequestSchema):
    period = _period(f"{_PERIOD_TEXT}: only entries dated in it")
    account = Id(
        strict=False, load_default=None, metadata={"description": "Account id: its entries"}
    )
    movement = BigId(
        strict=False, load_default=None, metadata={"description": "The movement's entries"}
    )
    entry = BigId(strict=False, load_default=None, metadata={"description": "One entry, by id"})


class TrialBalanceArgs(RequestSchema):
    period = _period(f"{_PERIOD_TEXT}: entries up to the end of it (none: every entry)")


# --- answers -----------------------------------------------------------------------------


class FinanceItemRefSchema(ma.Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()


class FinancePlaceRefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()


class StockValueSchema(ma.Schema):
    item_id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    place_id = fields.Integer(metadata={"description": "A warehouse, or IN-TRANSIT"})
    place_code = fields.String()
    quantity = fields.Integer(metadata={"description": "Base units (below 0: issued uncosted)"})
    value = _money("What the units are worth, in the functional currency")
    unit_cost = _rate(
        "value / quantity when quantity > 0, else the last known rate", allow_none=True
    )
    method = fields.String(metadata={"description": "moving_average | fifo"})


class StockValuePageSchema(ma.Schema):
    stock_values = fields.List(fields.Nested(StockValueSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class CostLayerSchema(ma.Schema):
    id = fields.Integer()
    movement_id = fields.Integer(metadata={"description": "The inbound movement"})
    lot_id = fields.Integer(allow_none=True)
    received_at = fields.DateTime()
    quantity_in = fields.Integer()
    quantity_left = fields.Integer()
    unit_cost = _rate()
    value_left = _money()


class ItemLayersSchema(ma.Schema):
    item = fields.Nested(FinanceItemRefSchema)
    place = fields.Nested(FinancePlaceRefSchema)
    layers = fields.List(
        fields.Nested(CostLayerSchema),
        metadata={"description": "Layers with units left, oldest first (FIFO items only)"},
    )


class MovementValueSchema(ma.Schema):
    movement_id = fields.Integer()
    movement_type = fields.String()
    occurred_at = fields.DateTime()
    item_id = fields.Integer()
    sku = fields.String()
    from_place_id = fields.Integer(allow_none=True)
    from_place_code = fields.String(allow_none=True)
    to_place_id = fields.Integer(allow_none=True)
    to_place_code = fields.String(allow_none=True)
    quantity = fields.Integer()
    value = _money("The value that moved (>= 0)")
    unit_cost = _rate()
    method = fields.String(metadata={"description": "moving_average | fifo"})
    cost_source = fields.String(
        metadata={
            "description": "receipt | issue | transfer | original | last_rate | reversal | none"
        }
    )


class MovementValuePageSchema(ma.Schema):
    movement_values = fields.List(fields.Nested(MovementValueSchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class JournalLineSchema(ma.Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    account_code = fields.String()
    account_name = fields.String()
    debit = _money()
    credit = _money()
    warehouse_id = fields.Integer(allow_none=True)
    warehouse_code = fields.String(allow_none=True)
    item_id = fields.Integer(allow_none=True)


class JournalEntrySchema(ma.Schema):
    id = fields.Integer()
    entry_date = fields.Date()
    period = fields.String()
    kind = fields.String(metadata={"description": "The posting rule: receipt, shipment..."})
    movement_id = fields.Integer(allow_none=True)
    posting_id = fields.Integer(allow_none=True)
    source_type = fields.String(allow_none=True)
    source_id = fields.String(allow_none=True)
    memo = fields.String()
    reverses_entry_id = fields.Integer(allow_none=True)
    created_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    total = _money("The entry's debits (= its credits)")
    lines = fields.List(fields.Nested(JournalLineSchema))


class JournalPageSchema(ma.Schema):
    entries = fields.List(fields.Nested(JournalEntrySchema), attribute="rows")
    next_cursor = fields.String(allow_none=True)


class AccountBalanceSchema(ma.Schema):
    account_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"description": "asset | liability | equity | revenue | expense"})
    debit = _money("Debits in total")
    credit = _money("Credits in total")
    balance = _money("debit - credit (assets and expenses are positive)")


class TrialBalanceSchema(ma.Schema):
    period_to = fields.String(
        allow_none=True, metadata={"description": "Up to and including this month; null: all"}
    )
    accounts = fields.List(fields.Nested(AccountBalanceSchema))
    debit = _money("Debits of every account")
    credit = _money("Credits of every account")
    balanced = fields.Boolean(metadata={"description": "debit == credit"})


class FiscalPeriodSchema(ma.Schema):
    period = fields.String(metadata={"description": "YYYY-MM"})
    status = fields.String(metadata={"description": "open | closed"})
    closed_at = fields.DateTime(allow_none=True)
    closed_by = fields.Integer(allow_none=True, metadata={"description": "User id"})
    entries = fields.Integer(metadata={"description": "Journal entries dated in the month"})


class FiscalPeriodListSchema(ma.Schema):
    periods = fields.List(
        fields.Nested(FiscalPeriodSchema),
        metadata={"description": "Months with entries or a status, and this month; newest first"},
    )


class ValueDaySchema(ma.Schema):
    day = fields.Date(required=True)
    value = _money("The stock's value at the end of the day (UTC)", required=True)


class ValueHistorySchema(ma.Schema):
    warehouse = fields.String(
        allow_none=True, required=True, metadata={"description": "Its code; null: every place"}
    )
    days = fields.List(fields.Nested(ValueDaySchema), required=True)
