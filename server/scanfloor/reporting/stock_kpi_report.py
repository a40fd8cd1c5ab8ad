"""Runners of stock-out days and inventory record accuracy (report_service.py).

Stock-out days read purchasing's daily demand projection (purchasing/demand_models.py:
demand_days.net is the change of a warehouse's sellable stock on a day), never the
movements, in three set-based reads:
- the net sellable change of each day from the period's first day until today;
- the sellable stock now (balances in the warehouses' sellable bins);
- the first day each item's sellable stock rose in each warehouse (MIN(day) where net > 0):
  stock starts at nothing and cannot go below it, so that is the first day it held
  sellable stock (stock received and shipped within one day, never left over a night,
  does not count as stocked).
The sellable stock before the period = now - every day's change from the period's first day
on; each day's start follows from it (stock_rules.stockout_days counts the days). An item
is read when it was stocked before the period's last day. Rows are per item and warehouse:
labelled by SKU under a warehouse filter, `SKU @ WAREHOUSE` without one.

Inventory record accuracy reads count lines: each bin x item's first count (attempt 1) of a
task whose first count was finished (not open, not cancelled before it), as the counting
accuracy report reads them (counting/accuracy.py). Its tolerance is the count policy of
the class the line was counted under, as the policy stands now (counting/policies.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, not_, select

from ..auth.models import User
from ..catalog.models import Item, Location
from ..counting.models import CountLine, CountTask
from ..counting.policies import Policy, policies_for
from ..extensions import db
from ..ledger.models import Balance
from ..purchasing.demand_models import DailyDemand
from ..timeutil import as_utc
from .accuracy_rules import (
    ACCURACY_BREAKDOWNS,
    ACCURACY_FILTERS,
    Accuracy,
    CountRecord,
    inventory_record_accuracy,
)
from .filter_rules import Filters, breakdown
from .filter_rules import select as chosen_by
from .kpi_shape import as_day, period, table
from .report_service import DECIMAL, INTEGER, TEXT, Column, Report, Row, kpi_by_id, runner
from .stock_rules import SellableHistory, StockOut, stockout_days

_DD, _B, _I, _U = DailyDemand.__table__, Balance.__table__, Item.__table__, User.__table__
_L, _CL, _CT = Location.__table__, CountLine.__table__, CountTask.__table__


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# --- stock-out days ---------------------------------------------------------------------


def _histories(filters: Filters) -> list[SellableHistory]:
    """Each stocked item's sellable history in each warehouse (module docstring)."""
    assert filters.date_from is not None and filters.date_to is not None
    wh = _L.alias("wh")
    first_rise = (
        select(_DD.c.warehouse_id, _DD.c.item_id, func.min(_DD.c.day).label("first"))
        .where(_DD.c.net > 0, _DD.c.day < filters.date_to)
        .group_by(_DD.c.warehouse_id, _DD.c.item_id)
        .subquery()
    )
    stocked = (
        select(
            first_rise.c.warehouse_id, first_rise.c.item_id, first_rise.c.first, _I.c.sku,
            _I.c.attributes["category"].as_string().label("category"), wh.c.code,
        )
        .join(_I, _I.c.id == first_rise.c.item_id)
        .join(wh, wh.c.id == first_rise.c.warehouse_id)
    )  # fmt: skip
    changes = select(_DD.c.warehouse_id, _DD.c.item_id, _DD.c.day, _DD.c.net).where(
        _DD.c.day >= filters.date_from, _DD.c.net != 0
    )
    now = (
        select(_L.c.warehouse_id, _B.c.item_id, func.sum(_B.c.quantity))
        .join(_L, _L.c.id == _B.c.location_id)
        .where(_L.c.sellable.is_(True), _L.c.is_virtual.is_(False))
        .group_by(_L.c.warehouse_id, _B.c.item_id)
    )
    if filters.warehouse:
        wanted = select(wh.c.id).where(wh.c.code == filters.warehouse).scalar_subquery()
        stocked = stocked.where(wh.c.code == filters.warehouse)
        changes = changes.where(_DD.c.warehouse_id == wanted)
        now = now.where(_L.c.warehouse_id == wanted)
    session = db.session
    on_hand = {(int(w), int(i)): int(q or 0) for w, i, q in session.execute(now)}
    daily: dict[tuple[int, int], list[tuple[date, int]]] = defaultdict(list)
    for w, i, day, net in session.execute(changes):
        daily[(int(w), int(i))].append((as_day(day), int(net)))
    out = []
    for r in session.execute(stocked):
        key = (int(r.warehouse_id), int(r.item_id))
        days = daily.get(key, [])
        out.append(
            SellableHistory(
                item=str(r.sku), category=r.category, warehouse=str(r.code),
                opening=on_hand.get(key, 0) - sum(n for _, n in days),
                changes=tuple(sorted((d, n) for d, n in days if d <= filters.date_to)),
                first_stocked_on=as_day(r.first),
            )
        )  # fmt: skip
    return out


STOCKOUT_COLUMNS = (
    Column("item", "Item", TEXT),
    Column("warehouse", "Warehouse", TEXT),
    Column("category", "Category", TEXT),
    Column("days", "Days carried", INTEGER),
    Column("stockout_days", "Stock-out days", INTEGER),
    Column("rate", "Share of days out", DECIMAL),
)


def _stockout_cells(s: StockOut, h: SellableHistory | None) -> dict[str, Any]:
    """A row's cells (h: the item's history; None for the total)."""
    return {
        "item": None if h is None else h.item, "warehouse": None if h is None else h.warehouse,
        "category": None if h is None else h.category, "days": s.days,
        "stockout_days": s.stockout_days, "rate": s.rate,
    }  # fmt: skip


@runner("stockout_days")
def stockout_days_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Stock-out days per item (and warehouse), or in total."""
    filters, notes = period(filters, as_of)
    histories = _histories(filters)

    def label(h: SellableHistory) -> str:
        return h.item if filters.warehouse else f"{h.item} @ {h.warehouse}"

    _, total = stockout_days(histories, filters)
    rows: list[tuple[StockOut, SellableHistory]] = []
    for h in histories:  # one history at a time: its row keeps its warehouse
        (row,), _ = stockout_days([h], filters)
        rows.append((replace(row, label=label(h)), h))
    rows.sort(key=lambda rh: (-rh[0].stockout_days, rh[0].label or ""))
    shown, total_row = table(
        by,
        (Row(s.label, _stockout_cells(s, h)) for s, h in rows),
        Row(None, _stockout_cells(total, None)),
    )
    return Report(
        kpi=kpi_by_id("stockout_days"),
        filters=filters,
        by=by,
        as_of=as_of,
        columns=STOCKOUT_COLUMNS,
        rows=shown,
        total=total_row,
        notes=tuple(notes),
        records=tuple((label(h) if by else None, h) for h in histories),
    )


# --- inventory record accuracy ----------------------------------------------------------


def _count_records(filters: Filters) -> list[CountRecord]:
    zone, wh = _L.alias("zone"), _L.alias("wh")
    query = (
        select(
            _CL.c.counted_at, _CL.c.warehouse_id, _CL.c.system_qty, _CL.c.counted_qty,
            _CL.c.unit_value, _CL.c.abc_class, _L.c.code.label("location"),
            zone.c.code.label("zone"), zone.c.level.label("zone_level"),
            wh.c.code.label("warehouse"), _I.c.sku, _U.c.username,
        )
        .join(_CT, _CT.c.id == _CL.c.task_id)
        .join(_L, _L.c.id == _CL.c.location_id)
        .join(zone, zone.c.id == _L.c.parent_id, isouter=True)
        .join(wh, wh.c.id == _CL.c.warehouse_id)
        .join(_I, _I.c.id == _CL.c.item_id)
        .join(_U, _U.c.id == _CL.c.counted_by, isouter=True)
        .where(
            _CL.c.attempt == 1,
            _CT.c.status != "open",
            not_(and_(_CT.c.status == "cancelled", _CT.c.attempt == 1)),
        )
    )  # fmt: skip
    if filters.date_from:
        query = query.where(_CL.c.counted_at >= _start(filters.date_from))
    if filters.date_to:
        query = query.where(_CL.c.counted_at < _start(filters.date_to + timedelta(days=1)))
    for column, value in ((wh.c.code, filters.warehouse), (_CL.c.abc_class, filters.abc_class),
                          (_U.c.username, filters.worker)):  # fmt: skip
        if value:
            query = query.where(column == value)
    if filters.zone:
        query = query.where(zone.c.code == filters.zone, zone.c.level == "zone")
    policies: dict[int, dict[str, Policy]] = {}
    out = []
    for r in db.session.execute(query):
        wh_id = int(r.warehouse_id)
        if wh_id not in policies:
            policies[wh_id] = policies_for(db.session.connection(), wh_id)
        policy = policies[wh_id][str(r.abc_class)]
        out.append(
            CountRecord(
                counted_on=as_utc(r.counted_at).date(), warehouse=str(r.warehouse),
                location=str(r.location), zone=r.zone if r.zone_level == "zone" else None,
                abc_class=r.abc_class, item=str(r.sku), worker=r.username,
                system_qty=int(r.system_qty), counted_qty=int(r.counted_qty),
                tolerance_units=policy.tolerance_units, tolerance_value=policy.tolerance_value,
                unit_value=r.unit_value,
            )
        )  # fmt: skip
    return out


ACCURACY_COLUMNS = (
    Column("records", "Records counted", INTEGER),
    Column("matched", "Matched", INTEGER),
    Column("rate", "Accuracy", DECIMAL),
    Column("value_counted", "Value counted", DECIMAL),
    Column("value_matched", "Value matched", DECIMAL),
    Column("value_rate", "Value-weighted accuracy", DECIMAL),
)


def _accuracy_cells(a: Accuracy) -> dict[str, Any]:
    return {c.name: getattr(a, c.name) for c in ACCURACY_COLUMNS}


@runner("inventory_record_accuracy")
def inventory_record_accuracy_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Inventory record accuracy, in total or per location, zone, ABC class, item or worker."""
    records = _count_records(filters)
    groups, total = inventory_record_accuracy(records, filters, by)
    chosen = chosen_by(records, filters, ACCURACY_FILTERS, lambda r: r.counted_on)
    labelled = breakdown(chosen, by, ACCURACY_BREAKDOWNS)
    rows, total_row = table(
        by, (Row(g.label, _accuracy_cells(g)) for g in groups), Row(None, _accuracy_cells(total))
    )
    return Report(
        kpi=kpi_by_id("inventory_record_accuracy"),
        filters=filters,
        by=by,
        as_of=as_of,
        columns=ACCURACY_COLUMNS,
        rows=rows,
        total=total_row,
        notes=("each record is judged by its class's count policy as it stands now",),
        records=tuple((label, r) for label, rs in labelled.items() for r in rs),
    )
