"""Suggestion runs and their lines: what the reorder rules proposed, and why.

A run (console button, `scanfloor purchasing suggest`, or the schedule) looks at every item
with a reorder policy, computes its inventory position, demand and lead time, applies the
policy and, where it says order, writes a line. Lines are grouped by supplier into draft
POs. A line keeps every input and the arithmetic (`steps`, the policy's worked steps), so a
buyer can check a suggestion by hand; lines that did not order keep why (`outcome`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

RUN_TRIGGERS = ("console", "cli", "schedule", "api")
# ordered: on a draft PO; no_need: the policy says not yet; no_supplier: would order, no
# supplier item; no_demand: buy-to-order without confirmed demand.
LINE_OUTCOMES = ("ordered", "no_need", "no_supplier", "no_demand")
DEMAND_SOURCES = ("shipments", "allocated_lines", "none")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class SuggestionRun(db.Model):  # type: ignore[misc]
    __tablename__ = "suggestion_runs"
    __table_args__ = (CheckConstraint(f"trigger IN {_in(RUN_TRIGGERS)}", name="trigger"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    as_of: Mapped[date] = mapped_column()
    history_days: Mapped[int] = mapped_column()
    items_considered: Mapped[int] = mapped_column(default=0)
    lines_ordered: Mapped[int] = mapped_column(default=0)
    po_count: Mapped[int] = mapped_column(default=0)
    # The schedule's slot key (one run per slot), NULL for runs by hand.
    slot: Mapped[str | None] = mapped_column(String(40), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SuggestionLine(db.Model):  # type: ignore[misc]
    __tablename__ = "suggestion_lines"
    __table_args__ = (
        CheckConstraint(f"outcome IN {_in(LINE_OUTCOMES)}", name="outcome"),
        CheckConstraint(f"demand_source IN {_in(DEMAND_SOURCES)}", name="demand_source"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("suggestion_runs.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    policy: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(12))
    quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    on_hand: Mapped[int] = mapped_column(BigInteger)
    open_po: Mapped[int] = mapped_column(BigInteger)
    in_transit: Mapped[int] = mapped_column(BigInteger)
    reserved: Mapped[int] = mapped_column(BigInteger)
    backordered: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(BigInteger)
    demand_source: Mapped[str] = mapped_column(String(16))
    demand_method: Mapped[str | None] = mapped_column(String(16))
    demand_per_day: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    demand_sd: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    lead_time_days: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    lead_time_sd: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    lead_time_source: Mapped[str] = mapped_column(String(16))
    unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    po_line_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order_lines.id"))
