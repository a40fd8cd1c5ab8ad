"""Count policies per ABC class: how often a class is counted, the variance that posts
without a recount (units AND value), and where the class ends in the ABC ranking.

A warehouse may have its own row for a class; a class without one uses the row of
warehouse_key 0 (every warehouse), and a class with neither uses the defaults the migration
seeds, so a deleted default can never leave a class without a policy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from .models import ABC_CLASSES, CountPolicy


@dataclass(frozen=True)
class Policy:
    abc_class: str
    interval_days: int
    tolerance_units: int
    tolerance_value: Decimal
    cumulative_share: Decimal


# The migration's seeded defaults (0013): A monthly with no variance allowed, B quarterly,
# C twice a year.
DEFAULT_POLICIES: dict[str, Policy] = {
    "A": Policy("A", 30, 0, Decimal("0.00"), Decimal("0.80")),
    "B": Policy("B", 91, 1, Decimal("25.00"), Decimal("0.95")),
    "C": Policy("C", 182, 2, Decimal("50.00"), Decimal("1.00")),
}

_CP = CountPolicy.__table__
_ROWS = (
    select(
        _CP.c.warehouse_key,
        _CP.c.abc_class,
        _CP.c.interval_days,
        _CP.c.tolerance_units,
        _CP.c.tolerance_value,
        _CP.c.cumulative_share,
    )
    .where(_CP.c.warehouse_key.in_([0, bindparam("wh")]))
    .order_by(_CP.c.warehouse_key)  # 0 first: the warehouse's own rows override it
)


def policies_for(conn: Connection, warehouse_id: int) -> dict[str, Policy]:
    """The policy of each class A, B, C for this warehouse (its own row, else the
    every-warehouse row, else the seeded default)."""
    found = dict(DEFAULT_POLICIES)
    for key, cls, interval, units, value, share in conn.execute(_ROWS, {"wh": warehouse_id}):
        if cls in ABC_CLASSES and (key == 0 or key == warehouse_id):
            found[cls] = Policy(
                abc_class=cls,
                interval_days=int(interval),
                tolerance_units=int(units),
                tolerance_value=Decimal(value),
                cumulative_share=Decimal(share),
            )
    return found
