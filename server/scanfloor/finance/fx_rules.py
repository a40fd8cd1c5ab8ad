"""Exchange rates and what a purchase in another currency costs in the functional one, pure.

Policy:
- The functional currency (SCANFLOOR_CURRENCY) is what the books are kept in. A purchase
  order in any other currency is foreign: its receipts are costed in the functional
  currency at the rate of the receipt's business day; one in the functional currency is
  never converted (no rate, nothing recorded).
- A rate is how many functional units one unit of the foreign currency is worth (USD 0.92
  in a EUR company: one dollar is 0.92 euros). It is positive, with at most 8 decimals and
  at most 10 digits before the point (the column, NUMERIC(18, 8)).
- A rate entered for a day holds from that day until the next rate of that currency: the
  rate on a day is the one with the latest date on or before it (weekly rates cover the
  week, a weekend keeps Friday's). A rate dated after the day never applies backwards; no
  rate on or before the day means none is known (a receipt then waits for one).
- A converted unit cost is unit cost x rate, rounded half up to 6 places (money.RATE_PLACES,
  as the movement's unit_cost). The rate a receipt used is recorded with it, so a rate
  entered or changed later never changes what was received.
- A currency is named by its ISO 4217 code: exactly three capital letters A-Z.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .money import RATE_PLACES

RATE_DECIMALS = 8
RATE_DIGITS = 10  # before the point: NUMERIC(18, 8)
_CODE = re.compile(r"[A-Z]{3}")  # fullmatch: "$" would let "USD\n" pass
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Wide enough that cost x rate is exact before it is rounded, whatever the caller's context.
_EXACT = decimal.Context(prec=60, rounding=ROUND_HALF_UP)


class FxRuleError(ValueError):
    """A broken exchange-rate rule: `code` names it, `details` says what was given."""

    def __init__(self, code: str, message: str, details: dict[str, object]) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


@dataclass(frozen=True)
class Conversion:
    """A foreign currency and the rate one receipt is converted at."""

    currency: str
    rate: Decimal

    def unit_cost(self, cost: Decimal) -> Decimal:
        """`cost` (in `currency`) in the functional currency, to 6 places half up."""
        return convert(cost, self.rate)


def functional_cost(fx: Conversion | None, cost: Decimal) -> Decimal:
    """A PO line's unit cost as the books take it: converted when the PO is foreign (`fx`),
    as it stands when it is in the functional currency (None)."""
    return cost if fx is None else fx.unit_cost(cost)


def is_foreign(currency: str, functional: str) -> bool:
    """Whether a PO in `currency` must be converted (codes compared as written, trimmed and
    in capitals)."""
    return currency.strip().upper() != functional.strip().upper()


def convert(cost: Decimal, rate: Decimal) -> Decimal:
    """cost x rate to RATE_PLACES, half up."""
    exact = _EXACT.multiply(cost, rate)
    return exact.quantize(RATE_PLACES, rounding=ROUND_HALF_UP, context=_EXACT)


def rate_on(rates: Iterable[tuple[date, Decimal]], day: date) -> Decimal | None:
    """The rate with the latest date on or before `day` of (rate date, rate) pairs in any
    order; None when none is dated on or before it."""
    best: tuple[date, Decimal] | None = None
    for when, rate in rates:
        if when <= day and (best is None or when > best[0]):
            best = (when, rate)
    return None if best is None else best[1]


def check_currency(code: str, functional: str) -> str:
    """`code` when it is a foreign ISO 4217 code (three capitals); FxRuleError otherwise."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise FxRuleError(
            "invalid_currency",
            "a currency is its ISO 4217 code: three capital letters, e.g. USD",
            {"currency": str(code)[:16]},
        )
    if not is_foreign(code, functional):
        raise FxRuleError(
            "functional_currency",
            f"{code} is the functional currency: it needs no exchange rate (always 1)",
            {"currency": code, "functional_currency": functional},
        )
    return code


def check_rate(rate: Decimal) -> Decimal:
    """`rate` when above 0 with at most 8 decimals and 10 digits before the point."""
    details: dict[str, object] = {"rate": str(rate)[:40]}
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise FxRuleError("invalid_exchange_rate", "an exchange rate is above 0", details)
    if rate >= Decimal(10) ** RATE_DIGITS:
        raise FxRuleError(
            "invalid_exchange_rate",
            f"an exchange rate has at most {RATE_DIGITS} digits before the point",
            details,
        )
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_DECIMALS), context=_EXACT):
        raise FxRuleError(
            "invalid_exchange_rate",
            f"an exchange rate has at most {RATE_DECIMALS} decimals",
            details,
        )
    return rate


def check_day(text: str) -> date:
    """A day written YYYY-MM-DD (only that spelling); FxRuleError otherwise."""
    try:
        if isinstance(text, str) and _DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise FxRuleError(
        "invalid_date", "a day is written YYYY-MM-DD, e.g. 2026-12-07", {"date": str(text)[:16]}
    )
