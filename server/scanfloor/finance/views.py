"""Plain results finance's reads and services return (built inside their transaction).

Money is Decimal to the functional currency's minor unit; unit costs to 6 places."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class ValuationRow:
    """What one item is worth at one place (a warehouse, or IN-TRANSIT)."""

    item_id: int
    sku: str
    name: str
    place_id: int
    place_code: str
    quantity: int
    value: Decimal
    unit_cost: Decimal | None  # value / quantity when quantity > 0, else the last known rate
    method: str  # moving_average | fifo


@dataclass(frozen=True)
class LayerRow:
    """What is left of one inbound movement (FIFO items); movement_id None: stock valued by
    the opening valuation."""

    id: int
    movement_id: int | None
    lot_id: int | None
    received_at: datetime
    quantity_in: int
    quantity_left: int
    unit_cost: Decimal
    value_left: Decimal


@dataclass(frozen=True)
class MovementValueRow:
    """How one valued movement was costed."""

    movement_id: int
    movement_type: str
    occurred_at: datetime
    item_id: int
    sku: str
    from_place_id: int | None
    from_place_code: str | None
    to_place_id: int | None
    to_place_code: str | None
    quantity: int
    value: Decimal
    unit_cost: Decimal
    method: str
    cost_source: str  # receipt | issue | transfer | original | last_rate | reversal | none


@dataclass(frozen=True)
class EntryLineView:
    id: int
    account_id: int
    account_code: str
    account_name: str
    debit: Decimal
    credit: Decimal
    warehouse_id: int | None
    warehouse_code: str | None
    item_id: int | None


@dataclass(frozen=True)
class EntryView:
    """A journal entry with its lines (debits == credits)."""

    id: int
    entry_date: date
    period: str
    kind: str
    movement_id: int | None
    posting_id: int | None
    source_type: str | None
    source_id: str | None
    memo: str
    reverses_entry_id: int | None
    created_by: int | None
    created_at: datetime
    lines: list[EntryLineView] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((ln.debit for ln in self.lines), Decimal(0))


@dataclass(frozen=True)
class AccountBalance:
    """One account's totals; balance = debit - credit (assets and expenses are positive)."""

    account_id: int
    code: str
    name: str
    kind: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class TrialBalance:
    period_to: str | None  # up to and including this month; None: everything
    accounts: list[AccountBalance]
    debit: Decimal
    credit: Decimal
    balanced: bool


@dataclass(frozen=True)
class PeriodView:
    """A month: closed ones refuse entries dated in them; a month with no row is open."""

    period: str
    status: str  # open | closed
    closed_at: datetime | None
    closed_by: int | None
    entries: int


@dataclass(frozen=True)
class Failure:
    """One failed check of `scanfloor finance verify`."""

    check: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self.details.items())
        return f"{self.check}: {self.message}" + (f" ({extra})" if extra else "")


@dataclass(frozen=True)
class Difference:
    """What `scanfloor finance rebuild --check` recomputed differently from what is stored."""

    kind: str  # movement_value | entry | position | layers
    key: str  # the movement id, or item/place
    stored: str
    rebuilt: str

    def line(self) -> str:
        return f"{self.kind} {self.key}: stored {self.stored}, rebuilt {self.rebuilt}"
