"""Runner of picks, lines and units per labour hour (report_service.py), from the workers'
quarter-hours of the daily facts (facts_models.WorkerQuarter, movement type `pick`): one
query narrowed in SQL by the date range and the worker. Zone and warehouse are left to the
rule (labour_rules.py): a quarter-hour a worker split between two zones counts half to
each, so the query must see both zones to split it, whichever zone is asked for.

What the facts hold, read as the rule's QuarterWork:
- picks = pick postings in the quarter-hour (one confirmation on the scanner, a batch
  confirmation of several rows included, and a short pick, even one that found nothing);
- lines = the postings' movement lines that moved units into the tote: one per pick row,
  so one per order line served; a short pick's write-off line (the units the bin did not
  have, posted in the pick itself) is not one;
- units = the units on those lines: picked, never written off.
- The warehouse of a quarter-hour is its zone's. A quarter-hour in no zone (picks from
  locations outside any zone) takes the warehouse the worker picked in that day (the daily
  facts' pick rows); one who picked in two warehouses that day, outside zones, leaves it
  unknown (warehouse "(unknown)" in the drill-down), and such quarter-hours drop out when a
  warehouse is asked for (a note counts them).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from ..auth.models import User
from ..catalog.models import Location
from ..extensions import db
from .facts_models import MovementDayFact, WorkerQuarter
from .filter_rules import Filters
from .filter_rules import select as chosen_by
from .kpi_shape import as_day, table
from .labour_rules import (
    LABOUR_FILTERS,
    SLOT_MINUTES,
    Productivity,
    QuarterWork,
    pick_productivity,
)
from .report_service import DECIMAL, INTEGER, Column, Report, Row, kpi_by_id, runner

PICK = "pick"
UNKNOWN_WAREHOUSE = "(unknown)"
_Q, _F = WorkerQuarter.__table__, MovementDayFact.__table__
_L, _U = Location.__table__, User.__table__

COLUMNS = (
    Column("picks", "Picks", INTEGER),
    Column("lines", "Lines", INTEGER),
    Column("units", "Units", INTEGER),
    Column("labour_hours", "Labour hours", DECIMAL),
    Column("picks_per_hour", "Picks per hour", DECIMAL),
    Column("lines_per_hour", "Lines per hour", DECIMAL),
    Column("units_per_hour", "Units per hour", DECIMAL),
)


def _quarters(filters: Filters) -> list[Any]:
    zone, wh = _L.alias("zone"), _L.alias("wh")
    query = (
        select(
            _Q.c.day, _Q.c.quarter, _Q.c.actor_id, _Q.c.postings, _Q.c.lines, _Q.c.units,
            _U.c.username, zone.c.code.label("zone"), zone.c.level.label("zone_level"),
            wh.c.code.label("warehouse"),
        )
        .join(_U, _U.c.id == _Q.c.actor_id)
        .join(zone, zone.c.id == _Q.c.zone_id, isouter=True)
        .join(wh, wh.c.id == zone.c.warehouse_id, isouter=True)
        .where(_Q.c.movement_type == PICK)
    )  # fmt: skip
    if filters.date_from:
        query = query.where(_Q.c.day >= filters.date_from)
    if filters.date_to:
        query = query.where(_Q.c.day <= filters.date_to)
    if filters.worker:
        query = query.where(_U.c.username == filters.worker)
    return list(db.session.execute(query))


def _picked_in(unzoned: list[Any]) -> dict[tuple[date, int], str]:
    """(day, worker id) -> the one warehouse the worker picked in that day, from the daily
    facts' pick rows (module docstring); absent when none or several."""
    if not unzoned:
        return {}
    days = [as_day(r.day) for r in unzoned]
    wh = _L.alias("wh")
    query = (
        select(_F.c.day, _F.c.actor_id, wh.c.code)
        .join(_L, _L.c.id == _F.c.location_id)
        .join(wh, wh.c.id == _L.c.warehouse_id)
        .where(
            _F.c.movement_type == PICK,
            _F.c.day >= min(days),
            _F.c.day <= max(days),
            _F.c.actor_id.in_(sorted({int(r.actor_id) for r in unzoned})),
        )
        .distinct()
    )
    found: dict[tuple[date, int], set[str]] = defaultdict(set)
    for day, actor, code in db.session.execute(query):
        found[(as_day(day), int(actor))].add(str(code))
    return {key: next(iter(codes)) for key, codes in found.items() if len(codes) == 1}


def _work(filters: Filters) -> tuple[list[QuarterWork], int]:
    """The quarter-hours as the rule reads them, and how many have no known warehouse."""
    rows = _quarters(filters)
    homes = _picked_in([r for r in rows if r.zone_level != "zone"])
    out, unknown = [], 0
    for r in rows:
        day, in_zone = as_day(r.day), r.zone_level == "zone"
        warehouse = r.warehouse if in_zone else homes.get((day, int(r.actor_id)))
        unknown += warehouse is None
        minutes = int(r.quarter) * SLOT_MINUTES
        out.append(
            QuarterWork(
                start=datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=UTC),
                warehouse=str(warehouse or UNKNOWN_WAREHOUSE),
                zone=str(r.zone) if in_zone else None,
                worker=str(r.username),
                picks=int(r.postings), lines=int(r.lines), units=int(r.units),
            )
        )  # fmt: skip
    return out, unknown


def _cells(p: Productivity) -> dict[str, Any]:
    return {c.name: getattr(p, c.name) for c in COLUMNS}


@runner("pick_productivity")
def pick_productivity_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Picks, lines and units per labour hour, in total or per worker or zone."""
    work, unknown = _work(filters)
    groups, total = pick_productivity(work, filters, by)
    counted = chosen_by([w for w in work if w.picks > 0], filters, LABOUR_FILTERS,
                        lambda w: w.start)  # fmt: skip
    records = tuple((None if by is None else getattr(w, by), w) for w in counted)
    rows, total_row = table(by, (Row(g.label, _cells(g)) for g in groups), Row(None, _cells(total)))
    notes = ["picks, lines and units include what short picks wrote off in the same posting"]
    if unknown and filters.warehouse:
        notes.append(f"{unknown} quarter-hour(s) outside any zone with no known warehouse left out")
    return Report(
        kpi=kpi_by_id("pick_productivity"),
        filters=filters,
        by=by,
        as_of=as_of,
        columns=COLUMNS,
        rows=rows,
        total=total_row,
        notes=tuple(notes),
        records=records,
    )
