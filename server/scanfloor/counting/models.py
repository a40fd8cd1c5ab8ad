"""Count tasks, what was counted, the policies per ABC class, and the classes.

A task counts one bin (every item in it) or one item in one bin. It is raised by a plan
(ABC schedule), by an event that left a bin in doubt (a short pick, a refused putaway, a
bin that went empty) or ad hoc from the console. At most one open task per bin and item:
raising another for the same bin adds nothing (service).

Statuses: open (waiting for its first count) -> counted (closed: matched, or adjusted) |
recount (a line was beyond tolerance; a different worker counts it again) -> counted |
approval (the recount confirmed a variance beyond tolerance; a supervisor or manager who
counted neither decides) -> counted | rejected. cancelled: withdrawn before counting.

Count lines keep, per attempt (1 = count, 2 = recount), the quantity counted and the
ledger's quantity at the moment it was entered (the freeze rule: picks between release and
count are already in it), so a busy pick face is counted without stopping picking."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

_BIGID = BigInteger().with_variant(db.Integer, "sqlite")
COUNT_STATUSES = ("open", "recount", "approval", "counted", "rejected", "cancelled")
# Statuses in which a task still holds its bin in doubt.
OPEN_STATUSES = ("open", "recount", "approval")
COUNT_REASONS = ("short_pick", "refused_putaway", "empty_bin", "abc", "adhoc")
ABC_CLASSES = ("A", "B", "C")
ABC_BASES = ("value", "velocity")
# A line's fate: matched (no variance), adjusted (posted), recount, approval (waiting),
# approved (posted after approval), rejected (not posted), superseded (its recount decides).
LINE_OUTCOMES = ("matched", "adjusted", "recount", "approval", "approved", "rejected", "superseded")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class CountTask(db.Model):  # type: ignore[misc]
    __tablename__ = "count_tasks"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(COUNT_STATUSES)}", name="status"),
        CheckConstraint("attempt IN (1, 2)", name="attempt"),
        Index("ix_count_tasks_open", "location_id", "status"),
        Index("ix_count_tasks_queue", "warehouse_id", "status", "assigned_to"),
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
    # The attempt being counted now: 1 the count, 2 the recount.
    attempt: Mapped[int] = mapped_column(SmallInteger, default=1)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recounted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recounted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(64))
    decision_note: Mapped[str | None] = mapped_column(Text)
    # The adjustment posting (count or recount within tolerance, or an approved variance).
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id"))


class CountLine(db.Model):  # type: ignore[misc]
    __tablename__ = "count_lines"
    __table_args__ = (
        UniqueConstraint("task_id", "attempt", "item_id", "lot_key"),
        CheckConstraint("attempt IN (1, 2)", name="attempt"),
        CheckConstraint("counted_qty >= 0 AND system_qty >= 0", name="not_negative"),
        CheckConstraint(f"outcome IN {_in(LINE_OUTCOMES)}", name="outcome"),
        Index("ix_count_lines_counted", "location_id", "counted_at"),
        Index("ix_count_lines_item", "item_id", "counted_at"),
    )

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("count_tasks.id"), index=True)
    attempt: Mapped[int] = mapped_column(SmallInteger)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    lot_key: Mapped[int] = mapped_column(default=0)  # lot_id or 0: NULLs are never equal
    counted_qty: Mapped[int] = mapped_column(BigInteger)
    # The ledger's quantity of this item and lot in the bin when the count was entered.
    system_qty: Mapped[int] = mapped_column(BigInteger)
    variance: Mapped[int] = mapped_column(BigInteger)  # counted - system
    unit_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    variance_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    abc_class: Mapped[str] = mapped_column(String(1), default="C")
    within_tolerance: Mapped[bool] = mapped_column(default=True)
    unexpected: Mapped[bool] = mapped_column(default=False)  # not in the bin by the ledger
    outcome: Mapped[str] = mapped_column(String(12), default="matched")
    counted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CountPolicy(db.Model):  # type: ignore[misc]
    """Per ABC class (and warehouse; warehouse_key 0 = every warehouse without its own):
    how often it is counted, what variance posts without a recount, and where the class
    ends in the cumulative share of the ranking."""

    __tablename__ = "count_policies"
    __table_args__ = (
        UniqueConstraint("warehouse_key", "abc_class"),
        CheckConstraint(f"abc_class IN {_in(ABC_CLASSES)}", name="abc_class"),
        CheckConstraint("interval_days > 0", name="interval_positive"),
        CheckConstraint("tolerance_units >= 0 AND tolerance_value >= 0", name="tolerance"),
        CheckConstraint("cumulative_share > 0 AND cumulative_share <= 1", name="share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_key: Mapped[int] = mapped_column(default=0)
    abc_class: Mapped[str] = mapped_column(String(1))
    interval_days: Mapped[int] = mapped_column()
    tolerance_units: Mapped[int] = mapped_column(BigInteger)
    tolerance_value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    cumulative_share: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ItemClass(db.Model):  # type: ignore[misc]
    """An item's ABC class in a warehouse, from the last classification run."""

    __tablename__ = "item_classes"
    __table_args__ = (
        CheckConstraint(f"abc_class IN {_in(ABC_CLASSES)}", name="abc_class"),
        CheckConstraint(f"basis IN {_in(ABC_BASES)}", name="basis"),
    )

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    abc_class: Mapped[str] = mapped_column(String(1))
    basis: Mapped[str] = mapped_column(String(8))
    metric: Mapped[Decimal] = mapped_column(Numeric(24, 4))
    rank: Mapped[int] = mapped_column()
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
