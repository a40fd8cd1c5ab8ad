"""The stock's value at the end of each day of a period (history_rules.py says how), for
the whole company or one warehouse (and in transit where that is its place): two reads,
the value now and the inventory accounts' changes per day from the period's first day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ..errors import ValidationFailed
from ..extensions import db
from .history_rules import HistoryRuleError, closing_values
from .journal_models import JournalEntry, JournalLine
from .models import AccountRole
from .period_rules import period_of
from .valuation_models import StockValue

INVENTORY_ROLES = ("inventory", "in_transit")
PLACES = Decimal("0.01")
_SV, _JE, _JL, _AR = (StockValue.__table__, JournalEntry.__table__, JournalLine.__table__,
                      AccountRole.__table__)  # fmt: skip


def _money(value: object) -> Decimal:
    # SQLite sums NUMERIC as REAL: back to the cent the books balance to.
    return Decimal(str(value or 0)).quantize(PLACES)


def value_history(start: date, end: date, place_id: int | None) -> list[tuple[date, Decimal]]:
    """(day, closing value) for each day from start to end; 422 for a bad range."""
    now = select(func.coalesce(func.sum(_SV.c.value), 0))
    accounts = select(_AR.c.account_id).where(_AR.c.role.in_(INVENTORY_ROLES))
    changes = (
        select(_JE.c.entry_date, func.sum(_JL.c.debit) - func.sum(_JL.c.credit))
        .join(_JE, _JE.c.id == _JL.c.entry_id)
        .where(
            _JE.c.period >= period_of(start),  # the entries' index, then the exact day
            _JE.c.entry_date >= start,
            _JL.c.account_id.in_(accounts),
        )
        .group_by(_JE.c.entry_date)
    )
    if place_id is not None:
        now = now.where(_SV.c.place_id == place_id)
        changes = changes.where(_JL.c.warehouse_id == place_id)
    session = db.session
    total = _money(session.scalar(now))
    by_day = {_day(d): _money(v) for d, v in session.execute(changes)}
    try:
        return [(d, v.quantize(PLACES)) for d, v in closing_values(total, by_day, start, end)]
    except HistoryRuleError as exc:
        raise ValidationFailed(str(exc), exc.details) from exc


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
