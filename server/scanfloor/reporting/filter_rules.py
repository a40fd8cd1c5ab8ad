"""Pure filter and breakdown rules every KPI shares.

- Filters: a date range (both days included, UTC) and one value each of warehouse, channel,
  zone, ABC class, supplier and worker. A KPI takes only the filters that mean something for
  it (catalogue.py lists them); asking one for another filter is refused, not ignored, so a
  figure never claims a filter it did not apply.
- Which date the range selects is part of each KPI's definition (orders captured in it,
  shipments confirmed in it, ...): the KPI names the record's field.
- A breakdown groups records by one of their fields (channel, zone, worker, ...); groups come
  in label order with the records that have no value for it ("none") last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, TypeVar

from .stats_rules import ReportingRuleError

DATE_RANGE = "date_range"
DIMENSIONS = ("warehouse", "channel", "zone", "abc_class", "supplier", "worker")
FILTERS = (DATE_RANGE, *DIMENSIONS)

R = TypeVar("R")


@dataclass(frozen=True)
class Filters:
    """What a person narrowed a figure to; None is "all"."""

    date_from: date | None = None
    date_to: date | None = None
    warehouse: str | None = None
    channel: str | None = None
    zone: str | None = None
    abc_class: str | None = None
    supplier: str | None = None
    worker: str | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ReportingRuleError(
                "invalid_date_range",
                "the period ends before it starts",
                {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()},
            )

    def used(self) -> tuple[str, ...]:
        """The filters set, by name (date_range for either end of the range)."""
        names = [f.name for f in fields(self) if f.name in DIMENSIONS and getattr(self, f.name)]
        if self.date_from or self.date_to:
            names.insert(0, DATE_RANGE)
        return tuple(names)

    def in_range(self, day: date) -> bool:
        after_start = self.date_from is None or day >= self.date_from
        return after_start and (self.date_to is None or day <= self.date_to)


NO_FILTERS = Filters()


def check_filters(filters: Filters, allowed: Sequence[str]) -> None:
    """Refuse a filter the KPI does not take."""
    extra = [name for name in filters.used() if name not in allowed]
    if extra:
        raise ReportingRuleError(
            "unsupported_filter",
            "this figure cannot be filtered that way",
            {"filters": extra, "allowed": list(allowed)},
        )


def day_of(value: date | datetime) -> date:
    """The UTC day of a date or a UTC datetime."""
    return value.date() if isinstance(value, datetime) else value


def select(
    records: Iterable[R],
    filters: Filters,
    allowed: Sequence[str],
    dated_by: Callable[[R], date | datetime | None],
) -> list[R]:
    """The records a KPI counts under `filters`: each dimension filter equal to the record's
    field of that name; the date range on the day `dated_by` gives (a record without that
    date is outside any range)."""
    check_filters(filters, allowed)
    ranged = filters.date_from is not None or filters.date_to is not None
    wanted = {name: getattr(filters, name) for name in filters.used() if name != DATE_RANGE}
    out = []
    for record in records:
        if any(getattr(record, name) != value for name, value in wanted.items()):
            continue
        if ranged:
            when = dated_by(record)
            if when is None or not filters.in_range(day_of(when)):
                continue
        out.append(record)
    return out


def breakdown(records: Iterable[R], by: str | None, allowed: Sequence[str]) -> dict[Any, list[R]]:
    """Records grouped by their field `by` (None: one group, keyed None), in label order,
    the group without a value last."""
    if by is not None and by not in allowed:
        raise ReportingRuleError(
            "unsupported_breakdown",
            "this figure cannot be broken down that way",
            {"by": by, "allowed": list(allowed)},
        )
    groups: dict[Any, list[R]] = {}
    for record in records:
        groups.setdefault(None if by is None else getattr(record, by), []).append(record)
    return dict(sorted(groups.items(), key=lambda kv: label_order(kv[0])))


def label_order(key: Any) -> tuple[int, str]:
    """Sort key of a group label: values in text order, None last."""
    return (1, "") if key is None else (0, str(key))
