"""Exchange rates: finance enters a foreign currency's rate for a day; a receipt on a PO in
that currency is costed at the rate of its business day (fx_rules.py has the policy).

`set_rate` enters or replaces one day's rate (one transaction); `list_rates` reads them;
`rate_on` is the one indexed read of the rate that applies on a day. `day_rate(...)
.conversion()` is the one way a receipt (receiving, and the demo's history) learns what
it converts at: nothing for the functional currency, ExchangeRateMissing when no rate is
known, so a foreign receipt is never posted at its foreign price."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from ..database import write_transaction
from ..errors import ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .fx_errors import (
    ExchangeRateMissing,
    FunctionalCurrency,
    InvalidCurrency,
    InvalidDate,
    InvalidExchangeRate,
)
from .fx_rules import (
    Conversion,
    FxRuleError,
    check_currency,
    check_day,
    check_rate,
    is_foreign,
)
from .models import ExchangeRate

_XR = ExchangeRate.__table__
# The primary key (currency, rate_date) serves it: one index probe, newest first.
_RATE_ON = (
    select(_XR.c.rate)
    .where(_XR.c.currency == bindparam("currency"), _XR.c.rate_date <= bindparam("day"))
    .order_by(_XR.c.rate_date.desc())
    .limit(1)
)
_ROW = select(_XR).where(_XR.c.currency == bindparam("c"), _XR.c.rate_date == bindparam("d"))
_SET = (
    update(_XR)
    .where(_XR.c.currency == bindparam("c"), _XR.c.rate_date == bindparam("d"))
    .values(rate=bindparam("rate"), created_by=bindparam("by"), created_at=bindparam("at"))
)
_ERRORS: dict[str, type[ValidationFailed]] = {
    "invalid_currency": InvalidCurrency,
    "functional_currency": FunctionalCurrency,
    "invalid_exchange_rate": InvalidExchangeRate,
    "invalid_date": InvalidDate,
}


@dataclass(frozen=True)
class RateView:
    """One day's rate: functional units for one unit of `currency`, from `rate_date` on."""

    currency: str
    rate_date: date
    rate: Decimal
    created_by: int | None
    created_at: datetime


@dataclass(frozen=True)
class DayRate:
    """A PO currency on a receipt's business day, as read: whether it is foreign and the
    rate that applies (None: none known)."""

    currency: str
    day: date
    foreign: bool
    rate: Decimal | None

    def conversion(self) -> Conversion | None:
        """None for the functional currency; the conversion otherwise; ExchangeRateMissing
        (a message a dock worker can act on) when no rate is known on the day."""
        if not self.foreign:
            return None
        if self.rate is None:
            raise ExchangeRateMissing(
                f"no {self.currency} exchange rate is known for {self.day.isoformat()}: ask "
                f"finance to enter the {self.currency} rate for {self.day.isoformat()}",
                {"currency": self.currency, "date": self.day.isoformat()},
            )
        return Conversion(self.currency, self.rate)


def functional_currency() -> str:
    """SCANFLOOR_CURRENCY, the currency the books are kept in."""
    return str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR").strip().upper()


def _named(exc: FxRuleError) -> ValidationFailed:
    return _ERRORS[exc.code](exc.message, exc.details)


def rate_on(conn: Connection, currency: str, day: date) -> Decimal | None:
    """The rate of `currency` that applies on `day` (latest dated on or before it), or None."""
    found = conn.execute(_RATE_ON, {"currency": currency, "day": day}).scalar()
    return None if found is None else Decimal(str(found))


def day_rate(conn: Connection, currency: str, day: date) -> DayRate:
    """What a receipt on `day` of a PO in `currency` converts at (read only when foreign)."""
    foreign = is_foreign(currency, functional_currency())
    return DayRate(currency, day, foreign, rate_on(conn, currency, day) if foreign else None)


def receipt_conversion(conn: Connection, currency: str, day: date) -> Conversion | None:
    """day_rate(...).conversion(): None, the conversion, or ExchangeRateMissing."""
    return day_rate(conn, currency, day).conversion()


def _view(r: Row[Any]) -> RateView:
    return RateView(str(r.currency), r.rate_date, Decimal(str(r.rate)), r.created_by, r.created_at)


def set_rate(currency: str, rate_date: date | str, rate: Decimal, actor_id: int | None) -> RateView:
    """Enter (or replace) the rate of a foreign currency from a day on; receipts already
    made keep the rate they were converted at."""
    try:
        code = check_currency(currency, functional_currency())
        day = rate_date if isinstance(rate_date, date) else check_day(rate_date)
        value = check_rate(rate)
    except FxRuleError as exc:
        raise _named(exc) from None
    params = {"c": code, "d": day, "rate": value, "by": actor_id, "at": utcnow()}
    for attempt in (1, 2):
        try:
            with write_transaction():
                conn = db.session.connection()
                if conn.execute(_SET, params).rowcount == 0:
                    conn.execute(
                        insert(_XR),
                        [{"currency": code, "rate_date": day, "rate": value,
                          "created_by": actor_id, "created_at": params["at"]}],
                    )  # fmt: skip
                return _view(conn.execute(_ROW, params).one())
        except IntegrityError:  # a concurrent first entry of the same day (PostgreSQL)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def list_rates(currency: str | None = None) -> list[RateView]:
    """Rates by currency, newest day first (only one currency's with `currency`)."""
    query = select(_XR).order_by(_XR.c.currency, _XR.c.rate_date.desc())
    if currency is not None:
        try:
            code = check_currency(currency, "")
        except FxRuleError as exc:
            raise _named(exc) from None
        query = query.where(_XR.c.currency == code)
    return [_view(r) for r in db.session.connection().execute(query)]
