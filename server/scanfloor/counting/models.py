"""Count tasks. Raised here by events (a short pick leaves a bin in doubt); the counting
workflow (a later issue) executes them. At most one open task per bin and item: raising
another for the same bin adds its reason to the open one (service)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

_BIGID = BigInteger().with_variant(db.Integer, "sqlite")
COUNT_STATUSES = ("open", "counted", "cancelled")
COUNT_REASONS = ("short_pick", "refused_putaway", "empty_bin", "abc", "adhoc")


class CountTask(db.Model):  # type: ignore[misc]
    __tablename__ = "count_tasks"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ",".join(f"'{s}'" for s in COUNT_STATUSES) + ")", name="status"
        ),
        Index("ix_count_tasks_open", "location_id", "status"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    reason: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="open")
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[str | None] = mapped_column(String(64))
    raised_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
