"""What a supplier sells us on what terms, and how each item is reordered per warehouse.

Supplier items: one row per (supplier, item), several suppliers per item, at most one of them
preferred (a partial unique index). The buyer's purchase unit is `purchase_unit`, holding
`units_per_purchase_unit` base units; MOQ and case pack are in base units, so the reorder
rules never convert. Case cube and weight feed container planning for import suppliers.

Reorder policies: one per (item, warehouse); `policy` names the pure rule in
reorder_rules.py that turns the inventory position into a suggestion. Fields a policy does
not use stay NULL (min/max for min_max; service level for reorder_point and periodic_review; review
days for periodic_review).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

REORDER_POLICIES = ("min_max", "reorder_point", "periodic_review", "buy_to_order")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class SupplierItem(db.Model):  # type: ignore[misc]
    __tablename__ = "supplier_items"
    __table_args__ = (
        UniqueConstraint("supplier_id", "item_id"),
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
        CheckConstraint("moq >= 1", name="moq_positive"),
        CheckConstraint("case_pack >= 1", name="case_pack_positive"),
        CheckConstraint("units_per_purchase_unit >= 1", name="purchase_unit_positive"),
        CheckConstraint("lead_time_days >= 0", name="lead_time_not_negative"),
        CheckConstraint(
            "case_volume_m3 IS NULL OR case_volume_m3 > 0", name="case_volume_positive"
        ),
        CheckConstraint(
            "case_weight_kg IS NULL OR case_weight_kg > 0", name="case_weight_positive"
        ),
        # One preferred supplier per item.
        Index(
            "uq_supplier_items_preferred",
            "item_id",
            unique=True,
            sqlite_where=text("preferred"),
            postgresql_where=text("preferred"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    supplier_sku: Mapped[str | None] = mapped_column(String(64))
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    moq: Mapped[int] = mapped_column(BigInteger, default=1)
    case_pack: Mapped[int] = mapped_column(BigInteger, default=1)
    purchase_unit: Mapped[str] = mapped_column(String(16), default="each")
    units_per_purchase_unit: Mapped[int] = mapped_column(BigInteger, default=1)
    lead_time_days: Mapped[int] = mapped_column(default=14)
    case_volume_m3: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    case_weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    preferred: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReorderPolicy(db.Model):  # type: ignore[misc]
    __tablename__ = "reorder_policies"
    __table_args__ = (
        UniqueConstraint("item_id", "warehouse_id"),
        CheckConstraint(f"policy IN {_in(REORDER_POLICIES)}", name="policy"),
        CheckConstraint("min_qty IS NULL OR min_qty >= 0", name="min_not_negative"),
        CheckConstraint(
            "max_qty IS NULL OR min_qty IS NULL OR max_qty >= min_qty", name="max_at_least_min"
        ),
        CheckConstraint(
            "service_level IS NULL OR (service_level > 0 AND service_level < 1)",
            name="service_level_range",
        ),
        CheckConstraint("review_days IS NULL OR review_days >= 1", name="review_days_positive"),
        CheckConstraint("order_qty IS NULL OR order_qty >= 1", name="order_qty_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    policy: Mapped[str] = mapped_column(String(16))
    min_qty: Mapped[int | None] = mapped_column(BigInteger)
    max_qty: Mapped[int | None] = mapped_column(BigInteger)
    service_level: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    review_days: Mapped[int | None] = mapped_column()
    # Reorder point: a fixed order quantity, else the EOQ from these costs, else none.
    order_qty: Mapped[int | None] = mapped_column(BigInteger)
    order_cost: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    holding_rate: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    active: Mapped[bool] = mapped_column(default=True)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
