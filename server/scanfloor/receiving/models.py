"""Receiving tables: receipts and receipt lines against purchasing's purchase orders.

Receipt lines are the documents behind a PO line's received and damaged totals: every
confirmation adds one, in the same transaction as its ledger posting.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

_BIG = BigInteger().with_variant(db.Integer, "sqlite")


class Receipt(db.Model):  # type: ignore[misc]
    """One person's receiving at one PO from one device on one day: the receipt document."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    business_date: Mapped[date] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReceiptLine(db.Model):  # type: ignore[misc]
    """One confirmation at the scanner, and what it posted."""

    __tablename__ = "receipt_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "damaged_quantity >= 0 AND damaged_quantity <= quantity", name="damaged_within"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), index=True)
    po_line_id: Mapped[int] = mapped_column(ForeignKey("purchase_order_lines.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    # quantity counts every unit confirmed; damaged_quantity of them went to quarantine.
    quantity: Mapped[int] = mapped_column(BigInteger)
    damaged_quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    damage_reason: Mapped[str | None] = mapped_column(String(32))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    lot_code: Mapped[str | None] = mapped_column(String(40))
    expiry: Mapped[date | None] = mapped_column()
    # Units beyond the ordered quantity that this confirmation brought in (0 if none).
    variance: Mapped[int] = mapped_column(BigInteger, default=0)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    posting_id: Mapped[int] = mapped_column(_BIG, ForeignKey("postings.id"))
    # A PO in another currency than the functional one: the PO's currency and the rate
    # (functional units for one unit of it) its cost was converted at when received.
    currency: Mapped[str | None] = mapped_column(String(3))
    exchange_rate: Mapped[Decimal | None] = mapped_column(Numeric(18, 8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
