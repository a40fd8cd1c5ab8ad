"""Return tables. An RMA names the order it returns from; its lines are what is expected
(from the channel, the back office, or for an unannounced return what the order shipped)
plus what arrived that nobody expected (flagged). Units arrive Customer -> Returns through
the ledger; each inspection moves some of them Returns -> their disposition's location and
records the credit due. Photos are kept with the return, in the database."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

_BIGID = BigInteger().with_variant(db.Integer, "sqlite")

# authorised: nothing has arrived; arrived: units are in, inspection not finished (or more
# may come); completed: receipt closed and every unit received has its final disposition;
# cancelled: withdrawn before anything arrived.
RMA_STATUSES = ("authorised", "arrived", "completed", "cancelled")
RMA_SOURCES = ("channel", "back_office", "unannounced")
LINE_FLAGS = ("not_on_order", "over_return")
DISPOSITIONS = ("sellable", "damaged", "refurbish", "rtv", "scrap")
CREDITS = ("full", "partial", "none")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class ReturnAuthorisation(db.Model):  # type: ignore[misc]
    __tablename__ = "return_authorisations"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id"),
        CheckConstraint(f"status IN {_in(RMA_STATUSES)}", name="status"),
        CheckConstraint(f"source IN {_in(RMA_SOURCES)}", name="source"),
        Index("ix_return_authorisations_queue", "warehouse_id", "status"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    external_id: Mapped[str | None] = mapped_column(String(100))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), default="authorised")
    reason: Mapped[str | None] = mapped_column(String(64))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    customer_email: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReturnLine(db.Model):  # type: ignore[misc]
    __tablename__ = "return_lines"
    __table_args__ = (
        UniqueConstraint("rma_id", "line_no"),
        CheckConstraint("expected_qty >= 0", name="expected_not_negative"),
        CheckConstraint(
            "received_qty >= 0 AND inspected_qty >= 0 AND inspected_qty <= received_qty",
            name="inspected_within_received",
        ),
        CheckConstraint(f"flag IS NULL OR flag IN {_in(LINE_FLAGS)}", name="flag"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    rma_id: Mapped[int] = mapped_column(
        ForeignKey("return_authorisations.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int] = mapped_column()
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    expected_qty: Mapped[int] = mapped_column(BigInteger, default=0)
    received_qty: Mapped[int] = mapped_column(BigInteger, default=0)
    inspected_qty: Mapped[int] = mapped_column(BigInteger, default=0)
    # Why this line is not what was expected (an item not on the order, more than the order
    # sent); set when a worker accepted it knowingly, never silently.
    flag: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))


class ReturnInspection(db.Model):  # type: ignore[misc]
    __tablename__ = "return_inspections"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(f"disposition IN {_in(DISPOSITIONS)}", name="disposition"),
        CheckConstraint(f"credit IN {_in(CREDITS)}", name="credit"),
        CheckConstraint("restocking_fee >= 0 AND credit_amount >= 0", name="money_not_negative"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("return_authorisations.id"), index=True)
    return_line_id: Mapped[int] = mapped_column(ForeignKey("return_lines.id"), index=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    disposition: Mapped[str] = mapped_column(String(12))
    to_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    reason_code: Mapped[str] = mapped_column(String(32))
    credit: Mapped[str] = mapped_column(String(8))
    restocking_fee: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=Decimal("0"))
    credit_amount: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=Decimal("0"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("return_photos.id"))
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id"))
    note: Mapped[str | None] = mapped_column(Text)
    inspected_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReturnPhoto(db.Model):  # type: ignore[misc]
    __tablename__ = "return_photos"
    __table_args__ = (CheckConstraint("byte_size > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("return_authorisations.id"), index=True)
    return_line_id: Mapped[int | None] = mapped_column(ForeignKey("return_lines.id"))
    content_type: Mapped[str] = mapped_column(String(32))
    byte_size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
