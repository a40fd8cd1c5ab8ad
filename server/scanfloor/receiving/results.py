"""Plain results the receiving services return (built inside their transaction).

A PO as the dock reads it is purchasing's PoView with the receipts taken against it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..purchasing.results import PoView


@dataclass(frozen=True)
class PersonBrief:
    id: int
    username: str
    display_name: str


@dataclass(frozen=True)
class ReceiptLineView:
    id: int
    po_line_id: int
    line_no: int
    item_id: int
    sku: str
    quantity: int
    damaged_quantity: int
    damage_reason: str | None
    lot_id: int | None
    lot_code: str | None
    expiry: date | None
    variance: int | None
    location_id: int
    location_code: str
    container_id: int | None
    container_code: str | None
    approved_by: PersonBrief | None
    posting_id: int
    movement_ids: list[int]
    created_at: datetime


@dataclass(frozen=True)
class ReceiptView:
    id: int
    po_id: int
    actor: PersonBrief | None
    device_id: str | None
    business_date: date
    started_at: datetime
    last_at: datetime
    line_count: int
    quantity: int
    damaged_quantity: int
    lines: list[ReceiptLineView] = field(default_factory=list)


@dataclass(frozen=True)
class PoWithReceipts(PoView):
    receipts: list[ReceiptView] = field(default_factory=list)
