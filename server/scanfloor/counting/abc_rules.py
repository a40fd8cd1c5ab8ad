"""ABC classification of items by a metric taken from the ledger (pure).

Policy (what a warehouse team signs off):
- Items are ranked by their metric, highest first; equal metrics rank by item id, so the
  same ledger always gives the same classes.
- An item's class is decided by the share of the total metric held by the items ranked
  BEFORE it: A while that share is below A's cumulative share (default 0.80), B while it is
  below B's (0.95), C after. So the first item is always A (if anything moved), and an item
  that takes the total across a boundary still belongs to the class it started in.
- An item whose metric is zero (nothing left for a customer in the window, or, by value,
  no known unit value) is C: it is the cheapest to count least often.
- The metric is either velocity (units that left for customers in the window) or value
  (velocity times the unit value): counting effort follows what is lost when the count is
  wrong. The metric itself comes from one SQL aggregate (counting/abc_sql.py).

A higher metric never gives a lower class (A < B < C): classes are monotone in the metric.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

CLASSES = ("A", "B", "C")
DEFAULT_SHARES: Mapping[str, Decimal] = {
    "A": Decimal("0.80"),
    "B": Decimal("0.95"),
    "C": Decimal("1"),
}
_ZERO = Decimal(0)
_ONE = Decimal(1)


class ShareError(ValueError):
    """Cumulative shares that cannot split a ranking into A, B, C."""


@dataclass(frozen=True)
class Ranked:
    item_id: int
    rank: int  # 1 = the highest metric
    metric: Decimal
    abc_class: str


def check_shares(shares: Mapping[str, Decimal]) -> None:
    """Shares must be 0 < A <= B <= C = 1 (C ends the ranking: everything left is C)."""
    missing = [c for c in CLASSES if c not in shares]
    if missing:
        raise ShareError(f"a cumulative share is needed for class {', '.join(missing)}")
    a, b, c = (Decimal(shares[k]) for k in CLASSES)
    if not (_ZERO < a <= b <= c):
        raise ShareError("cumulative shares must rise: 0 < A <= B <= C")
    if c != _ONE:
        raise ShareError("class C's cumulative share is 1: it takes every item left")


def rank(metrics: Mapping[int, Decimal], shares: Mapping[str, Decimal]) -> list[Ranked]:
    """Every item with its rank and class, highest metric first (ties by item id)."""
    check_shares(shares)
    a_share, b_share = Decimal(shares["A"]), Decimal(shares["B"])
    ordered = sorted(metrics.items(), key=lambda kv: (-_positive(kv[1]), kv[0]))
    total = sum((_positive(m) for _, m in ordered), _ZERO)
    out: list[Ranked] = []
    before = _ZERO
    for n, (item_id, raw) in enumerate(ordered, start=1):
        metric = _positive(raw)
        if metric == _ZERO:
            cls = "C"
        else:
            # Compared as before < share * total: exact in Decimal, no division.
            if before < a_share * total:
                cls = "A"
            elif before < b_share * total:
                cls = "B"
            else:
                cls = "C"
        out.append(Ranked(item_id=item_id, rank=n, metric=metric, abc_class=cls))
        before += metric
    return out


def classify(metrics: Mapping[int, Decimal], shares: Mapping[str, Decimal]) -> dict[int, str]:
    """item id -> "A" | "B" | "C" (see the module docstring)."""
    return {r.item_id: r.abc_class for r in rank(metrics, shares)}


def _positive(value: Decimal) -> Decimal:
    # A metric below zero (more came back than left) ranks as nothing moved.
    return value if value > _ZERO else _ZERO
