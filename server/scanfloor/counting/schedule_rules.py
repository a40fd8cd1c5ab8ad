"""Which items a cycle-count plan counts today (pure).

Policy:
- An item is due when it was never counted in the warehouse, or when its last count plus
  its class's interval (A 30 days, B 91, C 182 by default) is today or earlier.
- Counts are spread over the interval rather than all falling on one day: each class gets
  a daily quota of ceil(items in the class / interval days), so counting every item of the
  class once per interval needs exactly that many a day. Items beyond the quota stay due
  and come first the next day.
- Within a class, the most overdue go first: never counted before anything counted, then
  the oldest due date, then item id (the same data always gives the same plan).
- The answer lists class A's items first, then B's, then C's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil
from typing import Protocol

CLASSES = ("A", "B", "C")


class HasInterval(Protocol):
    @property
    def interval_days(self) -> int: ...


@dataclass(frozen=True)
class Planned:
    item_id: int
    abc_class: str
    last_counted: date | None


def next_due(last_counted: date | None, interval_days: int) -> date | None:
    """When the item is next due; None: never counted, so due now."""
    return None if last_counted is None else last_counted + timedelta(days=interval_days)


def is_due(last_counted: date | None, interval_days: int, today: date) -> bool:
    due = next_due(last_counted, interval_days)
    return due is None or due <= today


def daily_quota(n_items: int, interval_days: int) -> int:
    """Counts a day that cover n items once per interval."""
    if interval_days <= 0:
        raise ValueError("a count interval is at least one day")
    return ceil(n_items / interval_days) if n_items > 0 else 0


def due_counts(
    items: Iterable[tuple[int, str, date | None]],
    policies: Mapping[str, HasInterval],
    today: date,
) -> list[int]:
    """The item ids to count today: due, most overdue first, at most each class's quota."""
    by_class: dict[str, list[Planned]] = {c: [] for c in CLASSES}
    for item_id, cls, last in items:
        if cls not in by_class:
            raise ValueError(f"unknown ABC class {cls!r} for item {item_id}")
        by_class[cls].append(Planned(item_id, cls, last))
    out: list[int] = []
    for cls in CLASSES:
        interval = policies[cls].interval_days
        members = by_class[cls]
        due = [p for p in members if is_due(p.last_counted, interval, today)]
        due.sort(key=lambda p: _overdue_key(p, interval))
        out.extend(p.item_id for p in due[: daily_quota(len(members), interval)])
    return out


def _overdue_key(p: Planned, interval: int) -> tuple[int, date, int]:
    due = next_due(p.last_counted, interval)
    if due is None:
        return (0, date.min, p.item_id)
    return (1, due, p.item_id)
