"""What the returns services answer: an RMA with its lines, inspections and photos, a
summary row for lists, an order a return can be made from, and the board's queue rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Ref:
    id: int
    code: str


@dataclass(frozen=True)
class UserRef:
    id: int
    username: str


@dataclass(frozen=True)
class OrderRef:
    id: int
    external_id: str


@dataclass(frozen=True)
class BarcodeRef:
    code: str
    quantity: int


@dataclass(frozen=True)
class ItemRef:
    id: int
    sku: str
    name: str
    barcodes: list[BarcodeRef] = field(default_factory=list)


@dataclass(frozen=True)
class LineView:
    id: int
    line_no: int
    order_line_id: int | None
    item: ItemRef
    lot: Ref | None
    expected_qty: int
    received_qty: int
    inspected_qty: int
    awaiting_inspection: int
    flag: str | None
    reason: str | None
    unit_price: Decimal | None


@dataclass(frozen=True)
class InspectionView:
    id: int
    return_line_id: int
    quantity: int
    disposition: str
    to_location: Ref
    reason_code: str
    credit: str
    restocking_fee: Decimal
    credit_amount: Decimal
    supplier: Ref | None
    photo_id: int | None
    posting_id: int
    inspected_by: UserRef | None
    inspected_at: datetime
    note: str | None


@dataclass(frozen=True)
class PhotoView:
    id: int
    return_line_id: int | None
    content_type: str
    byte_size: int
    url: str
    created_at: datetime


@dataclass(frozen=True)
class RmaHead:
    """What an RMA view and an RMA summary share."""

    id: int
    number: str
    channel: Ref
    external_id: str | None
    order: OrderRef
    warehouse: Ref
    source: str
    status: str
    reason: str | None
    customer_name: str | None
    customer_email: str | None
    note: str | None
    created_at: datetime
    arrived_at: datetime | None
    receipt_closed_at: datetime | None
    completed_at: datetime | None
    age_minutes: int | None
    disposition_seconds: int | None
    credit_due: Decimal


@dataclass(frozen=True)
class RmaView(RmaHead):
    lines: list[LineView] = field(default_factory=list)
    inspections: list[InspectionView] = field(default_factory=list)
    photos: list[PhotoView] = field(default_factory=list)


@dataclass(frozen=True)
class RmaSummary(RmaHead):
    units_expected: int = 0
    units_received: int = 0
    units_awaiting: int = 0


@dataclass(frozen=True)
class OrderLineForReturn:
    line_no: int
    item: ItemRef
    ordered_qty: int
    shipped_qty: int


@dataclass(frozen=True)
class OrderForReturn:
    id: int
    external_id: str
    channel: Ref
    customer_name: str | None
    customer_email: str | None
    ordered_at: datetime
    lines: list[OrderLineForReturn]


@dataclass(frozen=True)
class Lookup:
    rma: RmaView | None
    order: OrderForReturn | None


@dataclass(frozen=True)
class QueueRow:
    """One RMA with units waiting for inspection (the board's queue)."""

    rma_id: int
    number: str
    order_external_id: str
    units_awaiting: int
    arrived_at: datetime | None


@dataclass(frozen=True)
class RestockBin:
    id: int
    code: str
    barcode: str | None


@dataclass(frozen=True)
class Suggestion:
    """Where the putaway rules would restock a line's sellable units."""

    location: RestockBin
    rule: str
