"""Packing tables: carton types and the cartons an order is packed into.

A carton is a container (kind carton, coded with its SSCC) holding the packed stock on the
ledger; this row adds what the ledger does not say: which order, which type, n of m, the
weight, and the shipment it leaves on.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

_BIGID = BigInteger().with_variant(db.Integer, "sqlite")
CARTON_STATUSES = ("open", "closed", "shipped")


class CartonType(db.Model):  # type: ignore[misc]
    __tablename__ = "carton_types"
    __table_args__ = (
        CheckConstraint(
            "length_mm > 0 AND width_mm > 0 AND height_mm > 0 AND tare_g >= 0", name="sizes"
        ),
        CheckConstraint("max_weight_g IS NULL OR max_weight_g > 0", name="max_weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # also its barcode
    name: Mapped[str] = mapped_column(String(120))
    length_mm: Mapped[int] = mapped_column()
    width_mm: Mapped[int] = mapped_column()
    height_mm: Mapped[int] = mapped_column()
    tare_g: Mapped[int] = mapped_column(default=0)
    max_weight_g: Mapped[int | None] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)


class Carton(db.Model):  # type: ignore[misc]
    __tablename__ = "cartons"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ",".join(f"'{s}'" for s in CARTON_STATUSES) + ")", name="status"
        ),
        CheckConstraint("weight_g IS NULL OR weight_g > 0", name="weight_positive"),
        CheckConstraint(
            "shipping_cost IS NULL OR shipping_cost >= 0", name="shipping_cost_not_negative"
        ),
        Index("ix_cartons_order", "order_id", "seq"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    container_id: Mapped[int] = mapped_column(ForeignKey("containers.id"), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))  # the pack station
    seq: Mapped[int] = mapped_column()  # carton n of the order's m
    carton_type_id: Mapped[int | None] = mapped_column(ForeignKey("carton_types.id"))
    weight_g: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(8), default="open")
    packed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"), index=True)
    tracking_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What the carrier charges to carry this carton, as quoted when its shipment was
    # confirmed; NULL when unknown (an own fleet, a service with no rate, or shipped before
    # migration 0018). Margin reads it (finance/margin_sql.py).
    shipping_cost: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    shipping_currency: Mapped[str | None] = mapped_column(String(3))
