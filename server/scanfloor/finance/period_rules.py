"""Accounting periods are calendar months named 'YYYY-MM' (UTC), pure helpers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")  # fullmatch: "$" would let "2024-01\n" pass


class BadPeriod(ValueError):
    """Not a month written as YYYY-MM."""


def check_period(text: str) -> str:
    """The period itself when it is a month written YYYY-MM; BadPeriod otherwise."""
    if not isinstance(text, str) or not _PERIOD.fullmatch(text) or text < "1900-01":
        raise BadPeriod(f"a period is a month written YYYY-MM, not {text!r}")
    return text


def utc_date(at: datetime) -> date:
    """The UTC calendar day of a moment (a naive time is taken as UTC already)."""
    return (at.astimezone(UTC) if at.tzinfo else at).date()


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
