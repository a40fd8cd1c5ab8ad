"""Plain results the purchasing services return (built inside their transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class SupplierView:
    id: int
    code: str
    name: str
    over_receipt_tolerance_pct: str
    active: bool


@dataclass(frozen=True)
class ItemBrief:
    id: int
    sku: str
    name: str
    tracking: str
    expiry_tracked: bool


@dataclass(frozen=True)
class PoLineView:
    """ordered, received, damaged, open_quantity and variance are None for a worker on a
    blind-receipt PO."""

    id: int
    line_no: int
    item: ItemBrief
    ordered: int | None
    received: int | None
    damaged: int | None
    open_quantity: int | None
    variance: int | None
    unit_cost: str
    expected_date: date | None


@dataclass(frozen=True)
class PoSummary:
    id: int
    number: str
    supplier: SupplierView
    state: str
    blind_receipt: bool
    expected_date: date | None
    line_count: int
    ordered_total: int | None
    received_total: int | None
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class PoView(PoSummary):
    lines: list[PoLineView] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    created: list[PoSummary]
