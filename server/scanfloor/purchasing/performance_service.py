"""Supplier performance: on time in full per PO line, fill rate and lead-time adherence.

The rules are supplier_rules' (judge_line, score_supplier, lead_time_stats,
lead_time_adherence); this module feeds them what performance_sql read, per supplier:

- Which lines: issued PO lines falling DUE inside the window (performance_sql says which POs
  count and how a due date is found), judged with what is known today (`as_of`): a line
  due in the window but still short is late once its due date has passed, else pending.
  Pending lines are left out of every rate (they are only counted).
- Tolerance: none in days (a day early is early, a day late is late: the rules' default);
  over-delivery within the supplier's agreed over-receipt tolerance is in full (receiving
  accepted it without approval), beyond it is over.
- Lead time: the deliveries RECEIVED inside the window, PO date to receipt date; the promise
  they are held to is the supplier's lead time. A receipt dated before its PO is bad data
  and left out rather than failing the whole report.
- Windows: `from`/`to` inclusive, at most MAX_WINDOW_DAYS; the detail's window is whole
  calendar months, the current one included, up to `as_of`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..errors import ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .models import Supplier
from .performance_sql import JudgedLineRow, LeadTimeSample, judged_line_rows, lead_time_samples
from .supplier_rules import (
    PoLineDelivery,
    Tolerance,
    judge_line,
    lead_time_adherence,
    lead_time_stats,
    score_supplier,
)
from .suppliers_service import load_supplier

MAX_WINDOW_DAYS = 5 * 366
MAX_MONTHS = 60
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class SupplierBrief:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class LeadTimeView:
    """Receipts' lead time (days) against the promise; mean etc. None without receipts."""

    samples: int
    mean: Decimal | None
    sd: Decimal | None
    promised: int
    mean_delta: Decimal | None  # mean minus promised: positive is slower than promised
    within_rate: Decimal | None


@dataclass(frozen=True)
class SupplierPerformance:
    supplier: SupplierBrief
    lines_judged: int
    otif_rate: Decimal | None
    fill_rate: Decimal | None
    otif: int
    early: int
    late: int
    short: int
    over: int
    pending: int
    lead_time: LeadTimeView


@dataclass(frozen=True)
class PerformanceReport:
    from_date: date
    to_date: date
    as_of: date
    suppliers: list[SupplierPerformance]


@dataclass(frozen=True)
class TrendPoint:
    month: str  # YYYY-MM of the lines' due date
    lines: int  # lines judged
    otif_rate: Decimal | None
    fill_rate: Decimal | None


@dataclass(frozen=True)
class JudgedLine:
    po_id: int
    po_number: str
    line_no: int
    sku: str
    ordered: int
    received: int
    due: date
    received_on: date | None
    timing: str
    fullness: str
    days_off: int
    units_off: int


@dataclass(frozen=True)
class SupplierPerformanceDetail(SupplierPerformance):
    from_date: date
    to_date: date
    as_of: date
    months: int
    trend: list[TrendPoint]
    lines: list[JudgedLine]


@dataclass(frozen=True)
class _Terms:
    brief: SupplierBrief
    promised_days: int
    tolerance: Tolerance


def _today() -> date:
    return utcnow().date()


def _check_window(from_date: date, to_date: date) -> None:
    if from_date > to_date:
        raise ValidationFailed(
            "from must be on or before to",
            {"from": from_date.isoformat(), "to": to_date.isoformat()},
        )
    if (to_date - from_date).days >= MAX_WINDOW_DAYS:
        raise ValidationFailed(
            f"a window is at most {MAX_WINDOW_DAYS} days",
            {"from": from_date.isoformat(), "to": to_date.isoformat()},
        )


def _terms(supplier: Supplier) -> _Terms:
    return _Terms(
        SupplierBrief(supplier.id, supplier.code, supplier.name),
        int(supplier.lead_time_days),
        Tolerance(over_pct=Decimal(supplier.over_receipt_tolerance_pct)),
    )


def _delivery(row: JudgedLineRow) -> PoLineDelivery:
    return PoLineDelivery(row.ordered, row.received, row.due, row.received_on, row.closed)


def _lead_time(samples: Iterable[LeadTimeSample], terms: _Terms) -> LeadTimeView:
    pairs = [(s.ordered_on, s.received_on) for s in samples if s.received_on >= s.ordered_on]
    stats = lead_time_stats(pairs)
    adherence = lead_time_adherence(pairs, terms.promised_days, terms.tolerance)
    return LeadTimeView(
        samples=len(pairs),
        mean=None if stats is None else stats.mean_days,
        sd=None if stats is None else stats.sd_days,
        promised=terms.promised_days,
        mean_delta=adherence.mean_delta_days,
        within_rate=adherence.within_rate,
    )


def _performance(
    terms: _Terms,
    lines: Sequence[JudgedLineRow],
    samples: Sequence[LeadTimeSample],
    as_of: date,
) -> SupplierPerformance:
    score = score_supplier((_delivery(r) for r in lines), as_of, terms.tolerance)
    return SupplierPerformance(
        supplier=terms.brief,
        lines_judged=score.lines_judged,
        otif_rate=score.otif_rate,
        fill_rate=score.fill_rate,
        otif=score.counts["otif"],
        early=score.counts["early"],
        late=score.counts["late"],
        short=score.counts["short"],
        over=score.counts["over"],
        pending=score.counts["pending"],
        lead_time=_lead_time(samples, terms),
    )


def supplier_performance(
    from_date: date | None = None, to_date: date | None = None, *, as_of: date | None = None
) -> PerformanceReport:
    """One row per supplier with PO lines due, or deliveries received, in the window
    (default: the last DEFAULT_MONTHS calendar months, this one included, to today)."""
    today = as_of or _today()
    to_date = to_date or today
    from_date = from_date or _month_start(to_date, DEFAULT_MONTHS - 1)
    _check_window(from_date, to_date)
    lines: dict[int, list[JudgedLineRow]] = defaultdict(list)
    for row in judged_line_rows(from_date, to_date):
        lines[row.supplier_id].append(row)
    samples: dict[int, list[LeadTimeSample]] = defaultdict(list)
    for sample in lead_time_samples(from_date, to_date):
        samples[sample.supplier_id].append(sample)
    ids = set(lines) | set(samples)
    suppliers = db.session.scalars(
        select(Supplier).where(Supplier.id.in_(ids)).order_by(Supplier.code)
    ).all()
    return PerformanceReport(
        from_date=from_date,
        to_date=to_date,
        as_of=today,
        suppliers=[_performance(_terms(s), lines[s.id], samples[s.id], today) for s in suppliers],
    )


def _month_start(day: date, back: int) -> date:
    """The first day of the month `back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _trend(
    rows: Sequence[JudgedLineRow], start: date, months: int, as_of: date, terms: _Terms
) -> list[TrendPoint]:
    by_month: dict[str, list[JudgedLineRow]] = defaultdict(list)
    for row in rows:
        by_month[row.due.strftime("%Y-%m")].append(row)
    points = []
    for n in range(months):
        month = _month_start(start, -n).strftime("%Y-%m")
        score = score_supplier((_delivery(r) for r in by_month[month]), as_of, terms.tolerance)
        points.append(TrendPoint(month, score.lines_judged, score.otif_rate, score.fill_rate))
    return points


def _judged_lines(rows: Sequence[JudgedLineRow], as_of: date, terms: _Terms) -> list[JudgedLine]:
    out = []
    for row in rows:
        result = judge_line(_delivery(row), as_of, terms.tolerance)
        if not result.judged:
            continue
        out.append(
            JudgedLine(
                po_id=row.po_id,
                po_number=row.po_number,
                line_no=row.line_no,
                sku=row.sku,
                ordered=row.ordered,
                received=row.received,
                due=row.due,
                received_on=row.received_on,
                timing=result.timing,
                fullness=result.fullness,
                days_off=result.days_off,
                units_off=result.units_off,
            )
        )
    return out


def supplier_performance_detail(
    supplier_id: int, months: int = DEFAULT_MONTHS, as_of: date | None = None
) -> SupplierPerformanceDetail:
    """One supplier over the last `months` calendar months (this one included): the totals,
    a trend point per month of the due date, and every judged line."""
    if isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
        raise ValidationFailed(f"months is 1-{MAX_MONTHS}", {"months": months})
    today = as_of or _today()
    terms = _terms(load_supplier(supplier_id))
    start = _month_start(today, months - 1)
    rows = judged_line_rows(start, today, [supplier_id])
    samples = lead_time_samples(start, today, [supplier_id])
    total = _performance(terms, rows, samples, today)
    return SupplierPerformanceDetail(
        **total.__dict__,
        from_date=start,
        to_date=today,
        as_of=today,
        months=months,
        trend=_trend(rows, start, months, today, terms),
        lines=_judged_lines(rows, today, terms),
    )
