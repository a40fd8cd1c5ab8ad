"""Closing and reopening accounting months. A closed month refuses every posting whose
valuation would be dated in it (subscriber.py raises PeriodClosed); a correction then
posts dated now, in the open month (a reversal always is).

A month closes only while every finance check holds (verify.py): otherwise PeriodNotReady
names the failed checks. Only the current month or an earlier one closes. Both verbs are
idempotent: closing a closed month (or reopening an open one) changes nothing."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select

from ..database import write_transaction
from ..extensions import db
from ..ledger.chain import hold
from ..timeutil import utcnow
from .errors import InvalidPeriod, PeriodInFuture, PeriodNotReady
from .models import FiscalPeriod
from .period_rules import BadPeriod, check_period, period_of
from .queries import period_view
from .verify import verify
from .views import PeriodView


def _period(period: str) -> str:
    try:
        return check_period(period)
    except BadPeriod as exc:
        raise InvalidPeriod(str(exc), {"period": period}) from None


def _row(period: str) -> FiscalPeriod | None:
    return db.session.scalar(
        select(FiscalPeriod).where(FiscalPeriod.period == period).with_for_update()
    )


def close_period(period: str, actor_id: int | None) -> PeriodView:
    """Close a month once every finance check holds (PeriodNotReady names those failing)."""
    period = _period(period)
    current = period_of(utcnow().date())
    if period > current:
        raise PeriodInFuture(
            "only the current month or an earlier one can be closed",
            {"period": period, "current": current},
        )
    with write_transaction():
        # The ledger chain head's lock (what every posting takes first) keeps postings out
        # while the month closes: the checks see every posting committed before, and every
        # posting after reads the month as closed (SQLite's write lock does the same).
        hold(db.session.connection(), 0)
        row = _row(period)
        if row is not None and row.status == "closed":
            return period_view(period)
        failures = verify()
        if failures:
            raise PeriodNotReady(
                f"the period {period} cannot close while a finance check fails",
                {"period": period, "failures": [asdict(f) for f in failures]},
            )
        if row is None:
            row = FiscalPeriod(period=period)
            db.session.add(row)
        row.status, row.closed_at, row.closed_by = "closed", utcnow(), actor_id
        db.session.flush()
        return period_view(period)


def reopen_period(period: str, actor_id: int | None) -> PeriodView:
    """Open a closed month again (postings dated in it are accepted again)."""
    period = _period(period)
    with write_transaction():
        row = _row(period)
        if row is not None and row.status == "closed":
            row.status, row.closed_at, row.closed_by = "open", None, None
            db.session.flush()
        return period_view(period)
