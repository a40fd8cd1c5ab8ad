"""Finance's named errors (HTTP status and code; api/errors.py answers every ScanfloorError
with its own status)."""

from __future__ import annotations

from ..errors import Conflict, ValidationFailed


class PeriodClosed(Conflict):
    """A posting whose valuation would be dated in a closed month: the whole posting is
    refused (details: period). Post it dated now, or reopen the month first."""

    code = "period_closed"


class PeriodNotReady(Conflict):
    """A month cannot close while a finance check fails (details: period, failures)."""

    code = "period_not_ready"


class PeriodInFuture(ValidationFailed):
    """Only the current month or an earlier one can be closed."""

    code = "period_in_future"


class InvalidPeriod(ValidationFailed):
    """A period is a month written YYYY-MM."""

    code = "invalid_period"
