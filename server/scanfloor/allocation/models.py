"""Allocation tables: channels, orders, reservations, stock positions and the ATS feed
(channel webhooks go through the shared outbox, scanfloor/outbox).

Hot paths (allocation, the batch run, ATS) use these tables through Core statements; the
ORM classes serve reference data (channels) and pages.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
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
from .rules import CHANNEL_KINDS, LINE_STATUSES, RESERVATION_STATUSES

_BIGID = BigInteger().with_variant(db.Integer, "sqlite")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class Channel(db.Model):  # type: ignore[misc]
    __tablename__ = "channels"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(CHANNEL_KINDS)}", name="kind"),
        CheckConstraint("safety_buffer >= 0", name="buffer_not_negative"),
        CheckConstraint(
            "cap_fraction IS NULL OR (cap_fraction > 0 AND cap_fraction <= 1)", name="cap_fraction"
        ),
        CheckConstraint("min_shelf_life_days >= 0", name="shelf_life_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120))
    # Higher is served first when supply is short.
    priority: Mapped[int] = mapped_column(default=0)
    ship_within_hours: Mapped[int | None] = mapped_column()
    safety_buffer: Mapped[int] = mapped_column(default=0)
    cap_fraction: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    allow_partial_shipment: Mapped[bool] = mapped_column(default=True)
    min_shelf_life_days: Mapped[int] = mapped_column(default=0)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChannelWarehouse(db.Model):  # type: ignore[misc]
    """A warehouse a channel may ship from."""

    __tablename__ = "channel_warehouses"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)


class ChannelPool(db.Model):  # type: ignore[misc]
    """Stock of an item in a warehouse ring-fenced for one channel: no other may take it."""

    __tablename__ = "channel_pools"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(BigInteger)


class ChannelListing(db.Model):  # type: ignore[misc]
    """A channel's own listing id for one of our SKUs."""

    __tablename__ = "channel_listings"
    __table_args__ = (UniqueConstraint("channel_id", "listing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    listing_id: Mapped[str] = mapped_column(String(100))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))


class WarehouseRegion(db.Model):  # type: ignore[misc]
    """How near a warehouse is to a ship-to region (lower rank ships first)."""

    __tablename__ = "warehouse_regions"

    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    region: Mapped[str] = mapped_column(String(32), primary_key=True)
    rank: Mapped[int] = mapped_column(default=0)


class KitComponent(db.Model):  # type: ignore[misc]
    """A kit SKU sold as one unit is these components, each so many times."""

    __tablename__ = "kit_components"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("kit_item_id <> component_item_id", name="not_itself"),
    )

    kit_item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    component_item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column()


class Order(db.Model):  # type: ignore[misc]
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id"),
        CheckConstraint(f"status IN {_in(LINE_STATUSES)}", name="status"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    external_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), index=True)
    ship_to: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ship_to_region: Mapped[str | None] = mapped_column(String(32))
    # Indexed: the reports choose orders by when they were captured (migration 0021).
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderLine(db.Model):  # type: ignore[misc]
    """One item to allocate. A kit's ordered line becomes one row per component."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("reserved_qty >= 0 AND consumed_qty >= 0", name="counts_not_negative"),
        CheckConstraint("reserved_qty + consumed_qty <= quantity", name="not_over_allocated"),
        CheckConstraint(f"status IN {_in(LINE_STATUSES)}", name="status"),
        Index("ix_order_lines_waiting", "status", "item_id"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column()  # the ordered line; kit components share it
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    reserved_qty: Mapped[int] = mapped_column(BigInteger, default=0)
    consumed_qty: Mapped[int] = mapped_column(BigInteger, default=0)
    # Unit price of the ordered line (for kit components: of one kit).
    price: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    # The whole line's discount and sales tax as the channel charged them (money, the
    # order's currency): revenue is price x quantity - discount, tax goes to its own account.
    discount: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    tax: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    promised_ship_date: Mapped[date | None] = mapped_column(Date)
    listing_id: Mapped[str | None] = mapped_column(String(100))
    kit_item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    kit_quantity: Mapped[int | None] = mapped_column(BigInteger)  # kits ordered
    status: Mapped[str] = mapped_column(String(20))


class OrderEvent(db.Model):  # type: ignore[misc]
    """Every status transition of an order or one of its lines: when, who, from, to."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64))  # "user:3" or "system:allocation"
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(200))


class StockPosition(db.Model):  # type: ignore[misc]
    """Reserved units per item and warehouse: the ONE row every reservation serialises on."""

    __tablename__ = "stock_positions"
    __table_args__ = (CheckConstraint("reserved >= 0", name="reserved_not_negative"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reservation(db.Model):  # type: ignore[misc]
    """Units held for an order line. Never moves stock; resolves exactly once."""

    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(f"status IN {_in(RESERVATION_STATUSES)}", name="status"),
        CheckConstraint(
            "(status = 'active') = (resolved_at IS NULL)", name="resolved_iff_not_active"
        ),
        Index("ix_reservations_position", "item_id", "warehouse_id", "status"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A partial pick consumes part of a row: the rest lives on in a new row split from it.
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("reservations.id"))


class AtsChange(db.Model):  # type: ignore[misc]
    """Reservation-side ATS changes, one row per transaction (stock-side changes are the
    postings): with the posting id, the availability feed's cursor.

    item_ids NULL means every item (a channel's rules changed); channel_id NULL means every
    channel.
    """

    __tablename__ = "ats_changes"

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    item_ids: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
