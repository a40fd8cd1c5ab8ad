"""Runners of the returns KPIs (report_service.py): return disposition time and the
uninspected queue's age, from the returns' own tables (one row per return, its lines'
received and inspected units summed in the query), narrowed in SQL by warehouse, channel
and, for disposition time, the period the returns completed in; the rules
(returns_rules.py) count them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..allocation.models import Channel, Order
from ..catalog.models import Location
from ..extensions import db
from ..returns.models import ReturnAuthorisation, ReturnLine
from ..timeutil import as_utc, utcnow
from . import filter_rules
from .filter_rules import Filters
from .report_service import DECIMAL, INTEGER, Column, Report, Row, runner
from .returns_rules import (
    QUEUE_FILTERS,
    RETURNS_BREAKDOWNS,
    RETURNS_FILTERS,
    DispositionTime,
    QueueAge,
    ReturnRecord,
    return_disposition_time,
    uninspected_queue_age,
)
from .service_orders import between, narrowed
from .service_report import Ask, labelled

_RA, _RL, _CH = ReturnAuthorisation.__table__, ReturnLine.__table__, Channel.__table__
_O, _WH = Order.__table__, Location.__table__


@dataclass(frozen=True)
class ReturnFacts(ReturnRecord):
    """A ReturnRecord with the return's id, its channel reference and its order's."""

    rma_id: int = 0
    reference: str | None = None
    order: str = ""


def return_records(filters: Filters, *, queue: bool) -> list[ReturnFacts]:
    """The returns of the filter's warehouse and channel: those completed in the period
    (disposition time), or those arrived and not yet completed (the queue)."""
    awaiting = func.coalesce(func.sum(_RL.c.received_qty - _RL.c.inspected_qty), 0)
    q = (
        select(_RA.c.id, _RA.c.external_id, _RA.c.status, _RA.c.arrived_at, _RA.c.completed_at,
               _CH.c.code.label("channel"), _WH.c.code.label("warehouse"),
               _O.c.external_id.label("order"), awaiting.label("awaiting"))
        .join(_CH, _CH.c.id == _RA.c.channel_id)
        .join(_WH, _WH.c.id == _RA.c.warehouse_id)
        .join(_O, _O.c.id == _RA.c.order_id)
        .join(_RL, _RL.c.rma_id == _RA.c.id, isouter=True)
        .group_by(_RA.c.id, _RA.c.external_id, _RA.c.status, _RA.c.arrived_at,
                  _RA.c.completed_at, _CH.c.code, _WH.c.code, _O.c.external_id)
        .order_by(_RA.c.id)
    )  # fmt: skip
    # The queue: arrived and not complete; disposition time: completed in the period.
    q = q.where(_RA.c.status == ("arrived" if queue else "completed"))
    dated = None if queue else between(_RA.c.completed_at, filters)
    codes = ((_WH.c.code, filters.warehouse), (_CH.c.code, filters.channel))
    return [
        ReturnFacts(
            channel=str(r.channel), warehouse=str(r.warehouse),
            arrived_at=None if r.arrived_at is None else as_utc(r.arrived_at),
            completed_at=None if r.completed_at is None else as_utc(r.completed_at),
            awaiting_units=int(r.awaiting), cancelled=r.status == "cancelled",
            rma_id=int(r.id), reference=r.external_id, order=str(r.order),
        )
        for r in db.session.execute(narrowed(q, dated, codes))
    ]  # fmt: skip


DISPOSITION_COLUMNS = (
    Column("count", "Returns completed", INTEGER),
    Column("p50_hours", "p50 (hours)", DECIMAL),
    Column("p90_hours", "p90 (hours)", DECIMAL),
    Column("clamped", "Completed before they arrived (counted as 0)", INTEGER),
)


def _disposition_cells(d: DispositionTime) -> dict[str, Any]:
    t = d.durations
    return {"count": t.count, "p50_hours": t.p50_hours, "p90_hours": t.p90_hours,
            "clamped": t.clamped}  # fmt: skip


@runner("return_disposition_time")
def return_disposition_time_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Hours from a return's arrival to its final disposition (p50, p90), of the returns
    completed in the period."""
    returns = return_records(filters, queue=False)
    rows, total = return_disposition_time(returns, filters, by)
    counted = [
        r
        for r in filter_rules.select(returns, filters, RETURNS_FILTERS, lambda r: r.completed_at)
        if r.arrived_at is not None and r.completed_at is not None
    ]
    ask = Ask("return_disposition_time", filters, by, as_of)
    table = [Row(r.label, _disposition_cells(r)) for r in rows]
    records = labelled(counted, by, RETURNS_BREAKDOWNS)
    return ask.report(DISPOSITION_COLUMNS, table, Row(None, _disposition_cells(total)), records)


QUEUE_COLUMNS = (
    Column("returns", "Returns waiting", INTEGER),
    Column("units", "Units waiting", INTEGER),
    Column("oldest_hours", "Oldest wait (hours)", DECIMAL),
    Column("p50_hours", "p50 wait (hours)", DECIMAL),
    Column("p90_hours", "p90 wait (hours)", DECIMAL),
)


def _queue_cells(a: QueueAge) -> dict[str, Any]:
    return {"returns": a.returns, "units": a.units, "oldest_hours": a.oldest_hours,
            "p50_hours": a.p50_hours, "p90_hours": a.p90_hours}  # fmt: skip


@runner("uninspected_queue_age")
def uninspected_queue_age_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """The returns with units received and not yet inspected, now: how many, and how long
    they have waited since their first unit arrived."""
    returns = return_records(filters, queue=True)
    rows, total = uninspected_queue_age(returns, utcnow(), filters, by)
    queue = [
        r
        for r in filter_rules.select(returns, filters, QUEUE_FILTERS, lambda r: None)
        if r.awaiting_units > 0 and r.arrived_at is not None
    ]
    ask = Ask("uninspected_queue_age", filters, by, as_of)
    table = [Row(r.label, _queue_cells(r)) for r in rows]
    records = labelled(queue, by, RETURNS_BREAKDOWNS)
    note = "A snapshot of now: ages run to this moment."
    return ask.report(QUEUE_COLUMNS, table, Row(None, _queue_cells(total)), records, [note])
