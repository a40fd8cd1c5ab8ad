"""The chart of accounts, which account plays which role (per warehouse where needed), the
cost method per item or category, and accounting periods.

Roles (finance/posting_rules.py maps a movement to roles, this table maps a role to an
account): an account role with a warehouse applies to that warehouse, the one without to
every other (a partial unique index each: one default, one per warehouse).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

ACCOUNT_KINDS = ("asset", "liability", "equity", "revenue", "expense")
ROLES = (
    "inventory",
    "in_transit",
    "grni",
    "accounts_payable",
    "price_variance",
    "cogs",
    "shrinkage",
    "scrap_expense",
    "rounding",
    "revenue",
    "channel_receivable",
    "tax_payable",
    "returns",
    "channel_clearing",
    "landed_cost",
    "channel_fees",
    "opening_balance",
    "tax_receivable",
)
COST_METHODS = ("moving_average", "fifo")
PERIOD_STATUSES = ("open", "closed")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class Account(db.Model):  # type: ignore[misc]
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint(f"kind IN {_in(ACCOUNT_KINDS)}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccountRole(db.Model):  # type: ignore[misc]
    __tablename__ = "account_roles"
    __table_args__ = (
        CheckConstraint(f"role IN {_in(ROLES)}", name="role"),
        Index(
            "uq_account_roles_default",
            "role",
            unique=True,
            sqlite_where=text("warehouse_id IS NULL"),
            postgresql_where=text("warehouse_id IS NULL"),
        ),
        Index(
            "uq_account_roles_warehouse",
            "role",
            "warehouse_id",
            unique=True,
            sqlite_where=text("warehouse_id IS NOT NULL"),
            postgresql_where=text("warehouse_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))


class CategoryCostMethod(db.Model):  # type: ignore[misc]
    """An item's cost method comes from its own row, else its category's (items.attributes
    'category'), else SCANFLOOR_COST_METHOD."""

    __tablename__ = "category_cost_methods"
    __table_args__ = (CheckConstraint(f"method IN {_in(COST_METHODS)}", name="method"),)

    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    method: Mapped[str] = mapped_column(String(16))


class ItemCostMethod(db.Model):  # type: ignore[misc]
    __tablename__ = "item_cost_methods"
    __table_args__ = (CheckConstraint(f"method IN {_in(COST_METHODS)}", name="method"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    method: Mapped[str] = mapped_column(String(16))


class FiscalPeriod(db.Model):  # type: ignore[misc]
    """A calendar month ('YYYY-MM'). A month with no row is open; a closed one refuses any
    entry dated in it (the posting that would need it is refused)."""

    __tablename__ = "fiscal_periods"
    __table_args__ = (CheckConstraint(f"status IN {_in(PERIOD_STATUSES)}", name="status"),)

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    status: Mapped[str] = mapped_column(String(8), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ExchangeRate(db.Model):  # type: ignore[misc]
    """What one unit of a foreign currency is worth in the functional currency from a day
    on (until the next row of that currency). A receipt on a PO in that currency converts
    its cost at the rate of its business day and records it on the receipt line."""

    __tablename__ = "exchange_rates"
    __table_args__ = (CheckConstraint("rate > 0", name="rate_positive"),)

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate_date: Mapped[date] = mapped_column(primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(18, 8))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
