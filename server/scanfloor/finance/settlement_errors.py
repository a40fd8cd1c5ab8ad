"""Channel settlements' named errors (HTTP status and code; api/errors.py answers every
ScanfloorError with its own status)."""

from __future__ import annotations

from ..errors import Conflict, NotFound, ValidationFailed


class SettlementNotFound(NotFound):
    code = "settlement_not_found"


class DuplicateSettlement(Conflict):
    """A channel's settlement (payout id, settlement id) is imported once; details:
    channel, reference, settlement_id (the one imported before)."""

    code = "duplicate_settlement"


class InvalidSettlementFile(ValidationFailed):
    """A settlement file that cannot be read (details: row, 1 = the header, 0 = the file;
    column)."""

    code = "invalid_settlement_file"


class SettlementTotalMismatch(ValidationFailed):
    """A settlement's lines (amount - fee) do not sum to its total (details: total,
    lines_total)."""

    code = "settlement_total_mismatch"


class SettlementCurrencyRefused(ValidationFailed):
    """A settlement is in the functional currency (SCANFLOOR_CURRENCY) only, for now: there
    is no exchange rate to turn another one into the books' money."""

    code = "settlement_currency_refused"
