"""Plain results the purchasing services return (built inside their transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class SupplierView:
    id: int
    code: str
    name: str
    over_receipt_tolerance_pct: str
    active: bool
    # Where a sent PO goes, the supplier's currency, promised lead time and import legs.
    email: str | None
    po_endpoint: str | None
    has_po_endpoint_secret: bool  # the secret itself is never read back
    currency: str
    lead_time_days: int
    production_days: int
    transit_days: int
    customs_days: int
    imports: bool
    invoice_qty_tolerance_pct: str
    invoice_price_tolerance_pct: str


@dataclass(frozen=True)
class ItemBrief:
    id: int
    sku: str
    name: str
    tracking: str
    expiry_tracked: bool


@dataclass(frozen=True)
class WarehouseBrief:
    id: int
    code: str


@dataclass(frozen=True)
class UserBrief:
    id: int
    username: str
    display_name: str


@dataclass(frozen=True)
class PoAmendmentView:
    """One amendment: `changes` is a list of {line_no, field, old, new}."""

    id: int
    revision: int
    actor: UserBrief | None
    reason: str
    changes: list[dict[str, Any]]
    created_at: datetime


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
    supplier_sku: str | None


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
    # The PO's lifecycle (purchasing/lifecycle_service.py); warehouse None: receivable anywhere.
    warehouse: WarehouseBrief | None
    currency: str
    revision: int
    value: str | None  # sum of ordered x unit cost; None where quantities are blind
    approved_by: UserBrief | None
    approved_at: datetime | None
    sent_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    suggestion_run_id: int | None


@dataclass(frozen=True)
class PoView(PoSummary):
    lines: list[PoLineView] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    created: list[PoSummary]
