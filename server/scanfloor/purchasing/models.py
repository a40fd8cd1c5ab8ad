"""Purchasing tables: suppliers, purchase orders and their lines.

A purchase order line keeps running totals (received, damaged) next to what was ordered, so
the PO answers "received vs ordered" without summing receipts; receiving updates them in the
same transaction as the receipt line and its ledger posting.

PO states: draft -> approved -> sent -> partially_received -> received -> closed, and
cancelled (from draft, approved or sent, before anything is received). `open` is a PO issued
outside Scanfloor (typed or imported, then opened by hand): receivable like `sent`, without
the approval and outbox steps. Every change to an approved or sent PO is an amendment
(po_amendments) that bumps its revision and keeps what changed.
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

PO_STATES = (
    "draft",
    "approved",
    "sent",
    "open",
    "partially_received",
    "received",
    "closed",
    "cancelled",
)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


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
    # Three-way match (finance/invoice_rules.py): an invoice line may bill up to this much
    # more than was received, and at up to this much above or below the PO price.
    invoice_qty_tolerance_pct: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    invoice_price_tolerance_pct: Mapped[Decimal] = mapped_column(
        Numeric(6, 2), default=Decimal("0")
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where a sent PO goes: an e-mail address for the PDF and an https endpoint that the
    # outbox posts the PO's JSON (with its CSV and PDF) to; neither set = send refused.
    email: Mapped[str | None] = mapped_column(String(254))
    po_endpoint: Mapped[str | None] = mapped_column(String(500))
    # The HMAC key the endpoint verifies our POSTs with (write-only, like a channel's).
    po_endpoint_secret: Mapped[str | None] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # Promised lead time when a supplier item gives none; pre-buy's legs for import suppliers.
    lead_time_days: Mapped[int] = mapped_column(default=14)
    production_days: Mapped[int] = mapped_column(default=0)
    transit_days: Mapped[int] = mapped_column(default=0)
    customs_days: Mapped[int] = mapped_column(default=0)
    imports: Mapped[bool] = mapped_column(default=False)  # ships by container


class PurchaseOrder(db.Model):  # type: ignore[misc]
    __tablename__ = "purchase_orders"
    __table_args__ = (
        CheckConstraint(f"state IN {_in(PO_STATES)}", name="state"),
        CheckConstraint("revision >= 0", name="revision_not_negative"),
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
    # NULL on POs from before warehouses were named on them: receivable at any dock.
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    revision: Mapped[int] = mapped_column(default=0)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    # The suggestion run that drafted it (NULL: typed, imported or created by the API).
    suggestion_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestion_runs.id"), index=True
    )


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
    supplier_sku: Mapped[str | None] = mapped_column(String(64))


class PoAmendment(db.Model):  # type: ignore[misc]
    """One change to an approved or sent PO: who, when, why, and each field's old and new
    value (`changes`: a list of {line_no, field, old, new}). The PO row holds the current
    state; these rows are its history and are never updated."""

    __tablename__ = "po_amendments"
    __table_args__ = (UniqueConstraint("po_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    revision: Mapped[int] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(200))
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
