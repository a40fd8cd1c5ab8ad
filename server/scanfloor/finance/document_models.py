"""Finance documents that change what received stock cost, and their trace in the book.

- supplier_invoices / supplier_invoice_lines: a supplier's invoice, each line against a
  purchase order line, matched three ways (PO line <-> receipts <-> invoice line) under the
  supplier's quantity and price tolerances. A line outside them holds the whole invoice in
  the approval queue until a person other than the one who entered it approves (or
  rejects) it; a matched or approved invoice posts one journal entry.
- supplier_invoice_matches: which receipt movements an invoice line cleared from GRNI, how
  many units, at what received value and at what invoiced value (append-only).
- landed_costs / landed_cost_receipts: a charge (freight, duty, handling, insurance) against
  one or more receipts, spread over their lines by quantity, value, weight or volume.
- cost_adjustments: every change of a receipt's cost after it was received (an invoice at
  another price, a landed cost), split into the part still on hand (stock value and its
  FIFO layer) and the part already gone (price variance or COGS). `after_movement_id` is
  the last movement when it was applied, so `finance rebuild` replays it at the same point
  (append-only).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

_BIGID = BigInteger().with_variant(db.Integer, "sqlite")
MONEY = Numeric(20, 4)
RATE = Numeric(18, 6)

INVOICE_STATUSES = ("held", "posted", "rejected")
MATCH_STATUSES = ("matched", "quantity", "price", "quantity_price", "no_receipt")
CHARGE_KINDS = ("freight", "duty", "handling", "insurance", "other")
SPREAD_BASES = ("quantity", "value", "weight", "volume")
ADJUSTMENT_KINDS = ("invoice_price", "landed_cost")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class SupplierInvoice(db.Model):  # type: ignore[misc]
    __tablename__ = "supplier_invoices"
    __table_args__ = (
        UniqueConstraint("supplier_id", "number", name="supplier_number"),
        CheckConstraint(f"status IN {_in(INVOICE_STATUSES)}", name="status"),
        CheckConstraint("subtotal >= 0 AND tax >= 0", name="money_not_negative"),
        Index("ix_supplier_invoices_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))  # the supplier's own invoice number
    invoice_date: Mapped[date] = mapped_column()
    due_date: Mapped[date | None] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(MONEY)  # sum of the lines
    tax: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    status: Mapped[str] = mapped_column(String(12))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # approve / reject
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(String(200))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))


class SupplierInvoiceLine(db.Model):  # type: ignore[misc]
    __tablename__ = "supplier_invoice_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="price_not_negative"),
        CheckConstraint(f"match_status IN {_in(MATCH_STATUSES)}", name="match_status"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("supplier_invoices.id"), index=True)
    line_no: Mapped[int] = mapped_column()
    po_line_id: Mapped[int] = mapped_column(ForeignKey("purchase_order_lines.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    unit_price: Mapped[Decimal] = mapped_column(RATE)
    amount: Mapped[Decimal] = mapped_column(MONEY)  # quantity x unit_price, to the cent
    match_status: Mapped[str] = mapped_column(String(16))
    # What the match compared: ordered, received, invoiced before, PO price, tolerances.
    match_detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SupplierInvoiceMatch(db.Model):  # type: ignore[misc]
    __tablename__ = "supplier_invoice_matches"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    invoice_line_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_invoice_lines.id"), index=True
    )
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    received_value: Mapped[Decimal] = mapped_column(MONEY)  # cleared from GRNI
    invoiced_value: Mapped[Decimal] = mapped_column(MONEY)


class LandedCost(db.Model):  # type: ignore[misc]
    __tablename__ = "landed_costs"
    __table_args__ = (
        CheckConstraint(f"charge_kind IN {_in(CHARGE_KINDS)}", name="charge_kind"),
        CheckConstraint(f"basis IN {_in(SPREAD_BASES)}", name="basis"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    charge_kind: Mapped[str] = mapped_column(String(12))
    basis: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(MONEY)  # functional currency
    reference: Mapped[str | None] = mapped_column(String(64))  # the carrier's or broker's bill
    description: Mapped[str | None] = mapped_column(String(200))
    charge_date: Mapped[date] = mapped_column()
    # Each receipt movement's basis figure when the charge was spread (movement id -> text):
    # the spread shown later is the one booked, whatever the supplier's terms become.
    figures: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))


class LandedCostReceipt(db.Model):  # type: ignore[misc]
    __tablename__ = "landed_cost_receipts"

    landed_cost_id: Mapped[int] = mapped_column(ForeignKey("landed_costs.id"), primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), primary_key=True)


class CostAdjustment(db.Model):  # type: ignore[misc]
    __tablename__ = "cost_adjustments"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(ADJUSTMENT_KINDS)}", name="kind"),
        Index("ix_cost_adjustments_after", "after_movement_id", "id"),
        Index("ix_cost_adjustments_source", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_type: Mapped[str] = mapped_column(String(32))  # supplier_invoice | landed_cost
    source_id: Mapped[str] = mapped_column(String(64))
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    # The valued place the receipt entered; NULL: it was never valued (all of it is gone).
    place_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    after_movement_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[Decimal] = mapped_column(MONEY)  # + the receipt cost more, - less
    quantity: Mapped[int] = mapped_column(BigInteger)  # the receipt movement's units
    on_hand_quantity: Mapped[int] = mapped_column(BigInteger)
    on_hand_amount: Mapped[Decimal] = mapped_column(MONEY)  # to stock value (and layer)
    gone_amount: Mapped[Decimal] = mapped_column(MONEY)  # to variance or COGS
    layer_id: Mapped[int | None] = mapped_column(ForeignKey("cost_layers.id"))
    method: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


SETTLEMENT_SOURCES = ("shopify_payouts", "amazon_v2")
SETTLEMENT_LINE_KINDS = ("order", "refund", "fee", "adjustment", "payout", "other")


class ChannelSettlement(db.Model):  # type: ignore[misc]
    """One settlement a channel paid (a Shopify payout, an Amazon settlement report), as
    imported: its lines map to orders by the channel's order reference."""

    __tablename__ = "channel_settlements"
    __table_args__ = (
        UniqueConstraint("channel_id", "reference", name="channel_reference"),
        CheckConstraint(f"source IN {_in(SETTLEMENT_SOURCES)}", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(100))  # payout id / settlement-id
    period_start: Mapped[date | None] = mapped_column()
    period_end: Mapped[date | None] = mapped_column()
    deposit_date: Mapped[date] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(MONEY)  # what the channel paid out, net
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))


class ChannelSettlementLine(db.Model):  # type: ignore[misc]
    __tablename__ = "channel_settlement_lines"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(SETTLEMENT_LINE_KINDS)}", name="kind"),
        Index("ix_channel_settlement_lines_order", "order_id"),
        Index("ix_channel_settlement_lines_reference", "order_reference"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("channel_settlements.id"), index=True)
    line_no: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(12))
    order_reference: Mapped[str | None] = mapped_column(String(100))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    posted_date: Mapped[date | None] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(MONEY)  # + the channel owes us, - we owe it
    fee: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))  # >= 0: the channel kept
    description: Mapped[str | None] = mapped_column(String(200))
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the file's row


class OpeningValue(db.Model):  # type: ignore[misc]
    """Stock that was on hand before valuation began, valued once (`scanfloor finance
    open-valuation`): per item, place and lot, the units the book did not hold and what
    they were valued at (append-only; finance rebuild replays it after `after_movement_id`)."""

    __tablename__ = "opening_values"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[Decimal] = mapped_column(MONEY)
    unit_cost: Mapped[Decimal] = mapped_column(RATE)
    cost_source: Mapped[str] = mapped_column(String(16))  # given | po | supplier_item
    correction: Mapped[Decimal] = mapped_column(MONEY)  # to COGS: units issued before it
    method: Mapped[str] = mapped_column(String(16))
    after_movement_id: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
