"""Purchasing tables: suppliers, purchase orders and their lines.

A purchase order line keeps running totals (received, damaged) next to what was ordered, so
the PO answers "received vs ordered" without summing receipts; receiving updates them in the
same transaction as the receipt line and its ledger posting.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
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

PO_STATES = ("draft", "open", "partially_received", "received", "closed")


class Supplier(db.Model):  # type: ignore[misc]
    __tablename__ = "suppliers"
    __table_args__ = (
        CheckConstraint(
            "over_receipt_tolerance_pct >= 0 AND over_receipt_tolerance_pct <= 100",
            name="tolerance_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    over_receipt_tolerance_pct: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PurchaseOrder(db.Model):  # type: ignore[misc]
    __tablename__ = "purchase_orders"
    __table_args__ = (
        CheckConstraint(
            "state IN ('draft','open','partially_received','received','closed')", name="state"
        ),
        Index("ix_purchase_orders_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    blind_receipt: Mapped[bool] = mapped_column(default=False)
    expected_date: Mapped[date | None] = mapped_column()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PurchaseOrderLine(db.Model):  # type: ignore[misc]
    __tablename__ = "purchase_order_lines"
    __table_args__ = (
        UniqueConstraint("po_id", "line_no"),
        CheckConstraint("ordered > 0", name="ordered_positive"),
        CheckConstraint("received >= 0 AND damaged >= 0", name="received_not_negative"),
        CheckConstraint("damaged <= received", name="damaged_within_received"),
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    line_no: Mapped[int] = mapped_column()
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    ordered: Mapped[int] = mapped_column(BigInteger)
    # Everything received against the line, damaged units included (they were delivered).
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    damaged: Mapped[int] = mapped_column(BigInteger, default=0)
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    expected_date: Mapped[date | None] = mapped_column()
