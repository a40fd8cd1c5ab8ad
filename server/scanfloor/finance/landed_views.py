"""Plain results of landed costs: a charge, the receipts it was entered against and how it
was spread over their receipt movements (built inside the reading transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class LandedSpreadRow:
    """One receipt movement's part of a charge."""

    receipt_id: int
    receipt_line_id: int
    movement_id: int
    item_id: int
    sku: str
    place_id: int | None  # the valued place the units entered (None: never valued)
    units: int  # units the movement brought in
    figure: Decimal | None  # its basis figure: units, value, kg or m3 (None: not known now)
    share: Decimal  # its part of the charge
    on_hand_quantity: int  # of its units, still on hand when the charge was entered
    on_hand_amount: Decimal  # to the stock value (and its FIFO layer)
    gone_amount: Decimal  # for units already gone: to COGS


@dataclass(frozen=True)
class LandedCostView:
    id: int
    charge_kind: str
    basis: str
    amount: Decimal
    reference: str | None
    description: str | None
    charge_date: date
    created_by: int | None
    created_at: datetime
    entry_id: int | None
    receipt_ids: list[int]
    on_hand_amount: Decimal  # the parts that went to stock values
    gone_amount: Decimal  # the parts that went to COGS
    lines: list[LandedSpreadRow] = field(default_factory=list)  # one charge's reads only
