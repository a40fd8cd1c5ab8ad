"""Exchange rates' named errors (HTTP status and code; api/errors.py answers every
ScanfloorError with its own status)."""

from __future__ import annotations

from ..errors import Conflict, ValidationFailed


class ExchangeRateMissing(Conflict):
    """A receipt on a PO in a foreign currency needs that currency's rate on (or before) its
    business day, and none is entered: the confirmation is refused and nothing is written
    (details: currency, date). Finance enters the rate; the same confirmation then goes."""

    code = "exchange_rate_missing"


class InvalidCurrency(ValidationFailed):
    """A currency is its ISO 4217 code, three capital letters."""

    code = "invalid_currency"


class FunctionalCurrency(ValidationFailed):
    """The functional currency (SCANFLOOR_CURRENCY) has no rate: it is the books' own."""

    code = "functional_currency"


class InvalidExchangeRate(ValidationFailed):
    """A rate is above 0, with at most 8 decimals and 10 digits before the point."""

    code = "invalid_exchange_rate"


class InvalidDate(ValidationFailed):
    """A rate's day is written YYYY-MM-DD."""

    code = "invalid_date"
