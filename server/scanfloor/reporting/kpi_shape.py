"""What the stock, labour and finance runners share about a report's shape: the period a
stock figure covers, the table of a one-figure-per-group KPI, and days as the databases
return them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from .filter_rules import Filters
from .report_service import Row
from .stats_rules import ReportingRuleError

DEFAULT_DAYS = 30


def period(
    filters: Filters, as_of: date, default_days: int = DEFAULT_DAYS
) -> tuple[Filters, list[str]]:
    """The days a stock figure covers: the range asked for, ending no later than `as_of`
    (days to come hold no stock yet); without a first day, the `default_days` days to the
    last one. With the notes that say so."""
    notes = []
    last = filters.date_to or as_of
    if last > as_of:
        notes.append(f"days after {as_of.isoformat()} are not counted yet")
        last = as_of
    first = filters.date_from or last - timedelta(days=default_days - 1)
    if filters.date_from is None:
        notes.append(f"no first day given: the {default_days} days to {last.isoformat()}")
    if first > last:
        raise ReportingRuleError(
            "period_in_future", "the period has not begun yet", {"date_from": first.isoformat()}
        )
    return replace(filters, date_from=first, date_to=last), notes


def table(by: str | None, rows: Iterable[Row], total: Row) -> tuple[tuple[Row, ...], Row | None]:
    """(rows, total) of a KPI with one figure per group: broken down, a row per group and
    the total beside them; not broken down, the total is the one row (and no total)."""
    return (tuple(rows), total) if by else ((total,), None)


def as_day(value: Any) -> date:
    """A DATE column's value: a date on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
