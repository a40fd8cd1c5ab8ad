"""Shipping tables: carriers (with the adapter that speaks for them) and shipments.

A shipment is a manifest: cartons scanned onto one carrier's service at one dock door,
confirmed together. The cartons point at it (packing/models.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

_BIGID = BigInteger().with_variant(db.Integer, "sqlite")
SHIPMENT_STATUSES = ("open", "confirmed", "cancelled")


class Carrier(db.Model):  # type: ignore[misc]
    """A carrier and its adapter. The built-in "manual" adapter (own fleet, or a carrier
    booked outside Scanfloor) issues tracking numbers from the configured range."""

    __tablename__ = "carriers"
    __table_args__ = (
        CheckConstraint(
            "tracking_next IS NULL OR tracking_last IS NULL OR tracking_next <= tracking_last + 1",
            name="tracking_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    adapter: Mapped[str] = mapped_column(String(32), default="manual")
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    tracking_prefix: Mapped[str] = mapped_column(String(16), default="")
    tracking_next: Mapped[int | None] = mapped_column(BigInteger)
    tracking_last: Mapped[int | None] = mapped_column(BigInteger)
    tracking_url_template: Mapped[str | None] = mapped_column(String(300))
    # Adapter settings that are not secrets (account numbers live in the environment).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)


class Shipment(db.Model):  # type: ignore[misc]
    __tablename__ = "shipments"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ",".join(f"'{s}'" for s in SHIPMENT_STATUSES) + ")", name="status"
        ),
        Index("ix_shipments_open", "warehouse_id", "status"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id"))
    service: Mapped[str] = mapped_column(String(40))
    dock_door_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
