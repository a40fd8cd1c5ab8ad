"""What the stock was worth at the end of each day, from what it is worth now (pure).

The books keep the value now (stock_values, equal to the inventory accounts: `finance
verify` holds them so) and every change to it as journal lines on the inventory and
in-transit accounts, dated by their entry date. So the value at the end of day d = the
value now - the changes dated after d: one read of the changes from the first day asked
gives every day, without replaying the ledger. Days are UTC; a day with no change keeps the
day before's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

MAX_DAYS = 366


class HistoryRuleError(ValueError):
    def __init__(self, message: str, details: dict[str, object]) -> None:
        super().__init__(message)
        self.details = details


def check_range(start: date, end: date) -> None:
    if end < start:
        raise HistoryRuleError("the period ends before it starts", {"from": start.isoformat()})
    if (end - start).days + 1 > MAX_DAYS:
        raise HistoryRuleError(
            f"at most {MAX_DAYS} days at a time", {"days": (end - start).days + 1}
        )


def closing_values(
    now: Decimal, changes: Mapping[date, Decimal], start: date, end: date
) -> list[tuple[date, Decimal]]:
    """(day, value at its end) for every day from start to end (module docstring).
    `changes` holds each day's net change (debits - credits) from `start` on, later days
    included: they are what separates the past from now."""
    check_range(start, end)
    after = sum((v for d, v in changes.items() if d > end), Decimal(0))
    value = now - after
    out: list[tuple[date, Decimal]] = []
    day = end
    while day >= start:
        out.append((day, value))
        value -= changes.get(day, Decimal(0))
        day -= timedelta(days=1)
    out.reverse()
    return out
