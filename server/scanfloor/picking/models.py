"""Picking tables: waves, the orders in a wave (with their tote), pick tasks and pick lines.

Pick lines are written and read in bulk through Core statements (a 1,000-line batch pick
posts in one transaction); the ORM classes serve pages and tests.
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

WAVE_STATUSES = ("released", "picking", "picked", "cancelled")
WAVE_MODES = ("single", "cluster", "zone")
TASK_STATUSES = ("open", "claimed", "done", "cancelled")
LINE_STATUSES = ("open", "picked", "short", "cancelled")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class Wave(db.Model):  # type: ignore[misc]
    """A set of orders released together for picking, with the rules that chose them."""

    __tablename__ = "waves"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(WAVE_STATUSES)}", name="status"),
        CheckConstraint(f"mode IN {_in(WAVE_MODES)}", name="mode"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    mode: Mapped[str] = mapped_column(String(8))
    # The rules as chosen (caps, channels, cutoff): shown beside the wave, kept for audit.
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    order_count: Mapped[int] = mapped_column(default=0)
    line_count: Mapped[int] = mapped_column(default=0)
    unit_count: Mapped[int] = mapped_column(BigInteger, default=0)
    path_length: Mapped[int] = mapped_column(BigInteger, default=0)
    released_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # "user:3" or "schedule:<channel code>"
    released_via: Mapped[str] = mapped_column(String(64), default="console")
    released_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WaveOrder(db.Model):  # type: ignore[misc]
    """An order in a wave and the tote it is picked into (bound at the first tote scan).

    An order is in at most one open wave (released or picking) PER WAREHOUSE: a short
    re-reserved in another warehouse puts the rest of the order in a wave there, with a
    row (and a tote) of its own. Enforced by the release under the order's row lock, since
    a partial unique index differs per database.
    """

    __tablename__ = "wave_orders"
    __table_args__ = (Index("ix_wave_orders_tote", "tote_container_id", "open"),)

    wave_id: Mapped[int] = mapped_column(
        ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True, index=True)
    # The cluster cart's slot this order's tote sits in (1..n per task).
    slot: Mapped[int] = mapped_column(default=1)
    tote_container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    # True until the order ships or is cancelled: then its tote is free for another order.
    open: Mapped[bool] = mapped_column(default=True)


class PickTask(db.Model):  # type: ignore[misc]
    """One picker's work: one order (single), several orders (cluster) or one zone."""

    __tablename__ = "pick_tasks"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(TASK_STATUSES)}", name="status"),
        # The claim query: the next open task of a warehouse, in release order.
        Index("ix_pick_tasks_queue", "warehouse_id", "status", "priority", "id"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(String(10))
    # Lower is claimed first (the wave's urgency: cutoff, service level, promised date).
    priority: Mapped[int] = mapped_column(BigInteger, default=0)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    path_length: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PickLine(db.Model):  # type: ignore[misc]
    """Take `quantity` of an item (and lot) from a bin for an order line, into its tote.

    Bound to the reservation it consumes (reservation_id, as it was at release: a partial
    pick splits that row, so consumption goes by order line, warehouse and lot)."""

    __tablename__ = "pick_lines"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(LINE_STATUSES)}", name="status"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "picked_qty >= 0 AND short_qty >= 0 AND picked_qty + short_qty <= quantity",
            name="not_over_picked",
        ),
        Index("ix_pick_lines_task", "task_id", "seq"),
        Index("ix_pick_lines_order_line", "order_line_id"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("pick_tasks.id", ondelete="CASCADE"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservations.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    seq: Mapped[int] = mapped_column()  # position on the task's walk path
    quantity: Mapped[int] = mapped_column(BigInteger)
    picked_qty: Mapped[int] = mapped_column(BigInteger, default=0)
    short_qty: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(10))
    picked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    picked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FloorException(db.Model):  # type: ignore[misc]
    """Something a supervisor must see: a short pick, a replay the server refused, an
    over-receipt awaiting approval... who, where, when, and what was said."""

    __tablename__ = "floor_exceptions"
    __table_args__ = (Index("ix_floor_exceptions_open", "warehouse_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
