"""Plain results the supplier-invoice services and reads return (built inside their
transaction). Money is Decimal to the functional currency's minor unit; prices to 6 places."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class InvoiceLineSpec:
    """One line as entered: a PO line, the units billed and the price of one."""

    po_line_id: int
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class InvoiceMatchView:
    """Units of one receipt movement an invoice line cleared from GRNI."""

    movement_id: int
    quantity: int
    received_value: Decimal
    invoiced_value: Decimal


@dataclass(frozen=True)
class InvoiceLineView:
    id: int
    line_no: int
    po_line_id: int
    po_id: int
    po_number: str
    item_id: int
    sku: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    match_status: str
    match_detail: dict[str, Any]
    matches: list[InvoiceMatchView] = field(default_factory=list)


@dataclass(frozen=True)
class InvoiceView:
    id: int
    supplier_id: int
    supplier_code: str
    number: str
    invoice_date: date
    due_date: date | None
    currency: str
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    status: str  # held | posted | rejected
    mismatched_lines: int
    entered_by: int | None
    entered_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    decision_note: str | None
    posted_at: datetime | None
    entry_id: int | None
    lines: list[InvoiceLineView] = field(default_factory=list)
