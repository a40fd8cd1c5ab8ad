"""Catalog tables: what an item, a pack, a location, a container and a lot are."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

TRACKING = ("none", "lot", "serial")
PACK_LEVELS = ("each", "inner", "case", "pallet")
LOCATION_LEVELS = ("warehouse", "zone", "bin")
LOCATION_TYPES = (
    "warehouse",
    "zone",
    "dock",
    "storage",
    "pick_face",
    "staging",
    "pack_station",
    "shipping",
    "returns",
    "quarantine",
    "refurbish",
    "rtv",
    "virtual",
)
CONTAINER_KINDS = ("tote", "carton", "pallet")
BARCODE_TARGETS = ("pack", "location", "container")

# The outside world, as locations (ARCHITECTURE rule 2). Created by the first migration.
VIRTUAL_LOCATIONS = (
    ("VENDOR", "Vendor"),
    ("CUSTOMER", "Customer"),
    ("INV-ADJ", "Inventory Loss/Gain"),
    ("SCRAP", "Scrap"),
    ("IN-TRANSIT", "In Transit"),
)


class Item(db.Model):  # type: ignore[misc]
    __tablename__ = "items"
    __table_args__ = (CheckConstraint("tracking IN ('none','lot','serial')", name="tracking"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    # Case- and whitespace-folded SKU: "ab-1", " AB-1 " and "Ab -1" are one SKU.
    sku_key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    base_unit: Mapped[str] = mapped_column(String(16), default="each")
    tracking: Mapped[str] = mapped_column(String(8), default="none")
    expiry_tracked: Mapped[bool] = mapped_column(default=False)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    packs: Mapped[list[PackLevel]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="PackLevel.quantity"
    )


class PackLevel(db.Model):  # type: ignore[misc]
    __tablename__ = "pack_levels"
    __table_args__ = (
        UniqueConstraint("item_id", "level"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("level IN ('each','inner','case','pallet')", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(8))
    quantity: Mapped[int] = mapped_column()

    item: Mapped[Item] = relationship(back_populates="packs")
    barcodes: Mapped[list[Barcode]] = relationship(
        back_populates="pack", cascade="all, delete-orphan"
    )


class Location(db.Model):  # type: ignore[misc]
    __tablename__ = "locations"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(12))
    type: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    is_virtual: Mapped[bool] = mapped_column(default=False)
    sellable: Mapped[bool] = mapped_column(default=False)
    walk_sequence: Mapped[int | None] = mapped_column()
    capacity: Mapped[int | None] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)


class Container(db.Model):  # type: ignore[misc]
    __tablename__ = "containers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Lot(db.Model):  # type: ignore[misc]
    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("item_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    expiry: Mapped[date | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Barcode(db.Model):  # type: ignore[misc]
    """Every barcode in one table, so one code can only ever mean one thing."""

    __tablename__ = "barcodes"
    __table_args__ = (
        CheckConstraint(
            "(target = 'pack' AND pack_id IS NOT NULL AND location_id IS NULL "
            "AND container_id IS NULL) OR "
            "(target = 'location' AND location_id IS NOT NULL AND pack_id IS NULL "
            "AND container_id IS NULL) OR "
            "(target = 'container' AND container_id IS NOT NULL AND pack_id IS NULL "
            "AND location_id IS NULL)",
            name="one_target",
        ),
        Index("ix_barcodes_pack_id", "pack_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # GTINs are stored as 14 digits, so GTIN-13 and its GTIN-14 form clash as they should.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    symbology: Mapped[str] = mapped_column(String(12))  # gtin | internal | sscc | lpn
    target: Mapped[str] = mapped_column(String(10))
    pack_id: Mapped[int | None] = mapped_column(ForeignKey("pack_levels.id", ondelete="CASCADE"))
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), index=True
    )
    container_id: Mapped[int | None] = mapped_column(
        ForeignKey("containers.id", ondelete="CASCADE"), index=True
    )

    pack: Mapped[PackLevel | None] = relationship(back_populates="barcodes")
