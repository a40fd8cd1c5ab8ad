"""Runners of the stock KPIs (report_service.py): the records come from the daily facts
(facts_models.py), read with their codes in one query per report, narrowed in SQL by the
filters the KPI takes and then counted by its rule (stock_rules.py), which applies the same
filters again: the rule, not the query, defines the figure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select

from ..auth.models import User
from ..catalog.models import Item, Location
from ..extensions import db
from .facts_models import MovementDayFact
from .filter_rules import Filters
from .report_service import DECIMAL, INTEGER, TEXT, Column, Report, Row, kpi_by_id, runner
from .stock_rules import KINDS, StockChange, WeekFigures, adjustment_trend

_F = MovementDayFact.__table__
_L, _I, _U = Location.__table__, Item.__table__, User.__table__


def stock_changes(filters: Filters) -> list[StockChange]:
    """One stock change per side of each count, adjustment or scrap fact row (found units
    and lost units apart, as the rule counts them)."""
    wh = Location.__table__.alias("wh")
    zone = Location.__table__.alias("zone")
    query = (
        select(
            _F.c.day, _F.c.movement_type, _F.c.units_in, _F.c.units_out, _F.c.value_in,
            _F.c.value_out, _L.c.code.label("location"), wh.c.code.label("warehouse"),
            zone.c.code.label("zone"), zone.c.level.label("zone_level"),
            _U.c.username, _I.c.sku, _F.c.item_id, _F.c.location_id,
        )
        .join(_L, _L.c.id == _F.c.location_id)
        .join(wh, wh.c.id == _L.c.warehouse_id)
        .join(zone, zone.c.id == _L.c.parent_id, isouter=True)
        .join(_I, _I.c.id == _F.c.item_id)
        .join(_U, _U.c.id == _F.c.actor_id, isouter=True)
        .where(_F.c.movement_type.in_(KINDS))
    )  # fmt: skip
    conditions: list[Any] = []
    if filters.date_from:
        conditions.append(_F.c.day >= filters.date_from)
    if filters.date_to:
        conditions.append(_F.c.day <= filters.date_to)
    if filters.warehouse:
        conditions.append(wh.c.code == filters.warehouse)
    if filters.zone:
        conditions.append(and_(zone.c.code == filters.zone, zone.c.level == "zone"))
    if filters.worker:
        conditions.append(_U.c.username == filters.worker)
    out: list[StockChange] = []
    for r in db.session.execute(query.where(*conditions)):
        zone_code = r.zone if r.zone_level == "zone" else None
        for units, value in ((int(r.units_in), r.value_in), (-int(r.units_out), r.value_out)):
            if units == 0 or (r.movement_type == "scrap" and units > 0):
                continue
            out.append(
                StockChange(
                    on=_day(r.day), kind=str(r.movement_type), warehouse=str(r.warehouse),
                    location=str(r.location), zone=zone_code, worker=r.username,
                    item=str(r.sku), units=units,
                    value=Decimal(value) * (1 if units > 0 else -1) if value else Decimal(0),
                    item_id=int(r.item_id), location_id=int(r.location_id),
                )
            )  # fmt: skip
    return out


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


TREND_COLUMNS = (
    Column("week", "Week", TEXT),
    Column("lost_units", "Units lost", INTEGER),
    Column("found_units", "Units found", INTEGER),
    Column("shrink_units", "Shrink (units)", INTEGER),
    Column("shrink_value", "Shrink (value)", DECIMAL),
    Column("scrapped_units", "Units scrapped", INTEGER),
    Column("scrapped_value", "Scrapped (value)", DECIMAL),
    Column("uncosted_units", "Units not costed", INTEGER),
)


def _week_cells(w: WeekFigures) -> dict[str, Any]:
    return {
        "week": w.week, "lost_units": w.lost_units, "found_units": w.found_units,
        "shrink_units": w.shrink_units, "shrink_value": w.shrink_value,
        "scrapped_units": w.scrapped_units, "scrapped_value": w.scrapped_value,
        "uncosted_units": w.uncosted_units,
    }  # fmt: skip


@runner("adjustment_trend")
def adjustment_trend_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Adjustment and shrink per ISO week, in total or per location, zone, worker or item."""
    changes = stock_changes(filters)
    groups, total = adjustment_trend(changes, filters, by)
    rows: Sequence[Row] = [Row(g.label, _week_cells(w)) for g in groups for w in g.weeks]
    if by is None:
        rows = [Row(None, _week_cells(w)) for w in total.weeks]
    labelled = tuple(
        (None if by is None else _group_of(c, by), c) for c in changes if filters.in_range(c.on)
    )
    return Report(
        kpi=kpi_by_id("adjustment_trend"),
        filters=filters,
        by=by,
        as_of=as_of,
        columns=TREND_COLUMNS,
        rows=tuple(rows),
        total=None,
        records=labelled,
    )


def _group_of(change: StockChange, by: str) -> str | None:
    value = getattr(change, by)
    return None if value is None else str(value)
