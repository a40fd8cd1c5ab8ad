"""Pick faces with their min/max, and the replenishment tasks that refill them.

A pick face is a (bin, item) with a min and a max in base units. When what the bin holds of
the item drops below its min (a pick, a move out, a count), one task is raised to bring it
back to its max from reserve bins of the same warehouse (FEFO, full cases first). At most
one task per face is live (open or claimed): a partial unique index.

Task statuses: open -> claimed (a worker holds it) -> done | cancelled; a claimed task
released by a supervisor goes back to open. A task moves stock only through the ledger
(`posting_id` of each confirmation lives on the movements' source: replenishment/<id>).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

TASK_STATUSES = ("open", "claimed", "done", "cancelled")
LIVE_STATUSES = ("open", "claimed")
TRIGGERS = ("below_min", "manual")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class PickFace(db.Model):  # type: ignore[misc]
    __tablename__ = "pick_faces"
    __table_args__ = (
        UniqueConstraint("location_id", "item_id"),
        CheckConstraint("min_qty >= 0", name="min_not_negative"),
        CheckConstraint("max_qty > min_qty", name="max_above_min"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    min_qty: Mapped[int] = mapped_column(BigInteger)
    max_qty: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReplenishmentTask(db.Model):  # type: ignore[misc]
    __tablename__ = "replenishment_tasks"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(TASK_STATUSES)}", name="status"),
        CheckConstraint(f"trigger IN {_in(TRIGGERS)}", name="trigger"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("moved >= 0 AND moved <= quantity", name="moved_within_quantity"),
        Index("ix_replenishment_tasks_queue", "warehouse_id", "status"),
        # One live task per face.
        Index(
            "uq_replenishment_tasks_live",
            "pick_face_id",
            unique=True,
            sqlite_where=text("status IN ('open','claimed')"),
            postgresql_where=text("status IN ('open','claimed')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_face_id: Mapped[int] = mapped_column(ForeignKey("pick_faces.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    to_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    # Suggested source; the worker may take from another reserve bin of the item.
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    moved: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(10), default="open")
    trigger: Mapped[str] = mapped_column(String(10), default="below_min")
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
