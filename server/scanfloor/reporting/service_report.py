"""Runners of the service-level KPIs (report_service.py): line, unit and order fill, order
cycle time and backorder ageing. The orders are read by service_orders.py (a few
set-based queries narrowed by the filters in SQL); the rules (fill_rules.py,
service_rules.py) count them and apply the same filters again: the rule, not the query,
defines the figure. Every report's records are the rule's records, each labelled with the
row it counts in (the drill-down)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select as sql_select

from ..allocation.models import Order, OrderLine
from ..allocation.rules import WAITING
from . import fill_rules, order_figures_sql, service_rules
from .fill_rules import FILL_BREAKDOWNS, FILL_FILTERS, Fill, OrderRecord
from .filter_rules import Filters, breakdown, label_order, select
from .order_facts_store import live_records, order_records
from .report_service import DECIMAL, INTEGER, TEXT, Column, Report, Row, kpi_by_id, runner
from .service_orders import read_orders, scope, waiting_lines
from .service_rules import (
    AGEING_BREAKDOWNS,
    AGEING_FILTERS,
    CYCLE_BREAKDOWNS,
    CYCLE_FILTERS,
    Ageing,
    Timing,
    completed_at,
    open_to_ship,
)
from .stats_rules import rate

_O, _OL = Order.__table__, OrderLine.__table__
FillRule = Callable[..., tuple[list[Fill], Fill]]
PENDING_NOTE = (
    "Pending: {pending} {noun} not judged yet (nothing shipped or cancelled, promised ship "
    "date not passed) are left out of the rate; the rate of a recent period can still change."
)
KIT_NOTE = "A kit is one line; its units are kits, shipped once every component unit is."


@dataclass(frozen=True)
class Ask:
    """What a runner was asked: the KPI, its filters and breakdown, and the day."""

    kpi_id: str
    filters: Filters
    by: str | None
    as_of: date

    def report(
        self,
        columns: tuple[Column, ...],
        rows: Iterable[Row],
        total: Row | None,
        records: tuple[tuple[str | None, Any], ...],
        notes: Iterable[str] = (),
    ) -> Report:
        """The answer: the table, its total, notes and the records behind it."""
        return Report(
            kpi=kpi_by_id(self.kpi_id), filters=self.filters, by=self.by, as_of=self.as_of,
            columns=columns, rows=tuple(rows), total=total, notes=tuple(notes), records=records,
        )  # fmt: skip


def fill_columns(noun: str) -> tuple[Column, ...]:
    return (
        Column("judged", f"{noun.capitalize()} judged", INTEGER),
        Column("filled", f"{noun.capitalize()} filled", INTEGER),
        Column("pending", f"{noun.capitalize()} pending", INTEGER),
        Column("rate", "Fill rate", DECIMAL),
    )


def _fill_cells(f: Fill) -> dict[str, Any]:
    return {"judged": f.judged, "filled": f.filled, "pending": f.pending, "rate": f.rate}


def labelled(
    records: Iterable[Any], by: str | None, allowed: Sequence[str]
) -> tuple[tuple[str | None, Any], ...]:
    """The records, each with the label of the row it counts in (None: not broken down)."""
    if by is None:
        return tuple((None, r) for r in records)
    return tuple(
        (None if key is None else str(key), r)
        for key, group in breakdown(records, by, allowed).items()
        for r in group
    )


def _fill_report(ask: Ask, rule: FillRule, noun: str) -> Report:
    """Settled orders counted in SQL over their facts (order_figures_sql.py), the rest by
    the rule over their records; the two added per group. The records are read only when
    the drill-down asks for them."""
    filters, by = ask.filters, ask.by
    ids = scope(filters)
    settled = order_figures_sql.settled_fills(ids, by)
    live_rows, live_total = rule(live_records(ids), ask.as_of, filters, by)
    tallies: dict[str | None, list[int]] = {}
    for label, t in settled.items():
        tallies[label] = list(t.of(noun))
    for r in live_rows if by else [live_total]:
        got = tallies.setdefault(r.label, [0, 0, 0])
        for i, v in enumerate((r.judged, r.filled, r.pending)):
            got[i] += v
    fills = {k: Fill(k, j, f, p, rate(f, j)) for k, (j, f, p) in tallies.items()}
    judged, filled, pending = (sum(f[i] for f in tallies.values()) for i in range(3))
    total = Fill(None, judged, filled, pending, rate(filled, judged))
    notes = [KIT_NOTE]
    if total.pending:
        notes.insert(0, PENDING_NOTE.format(pending=total.pending, noun=noun))
    table = [Row(k, _fill_cells(fills[k])) for k in sorted(fills, key=label_order)] if by else []

    def records() -> tuple[tuple[str | None, Any], ...]:
        counted = select(order_records(ids), filters, FILL_FILTERS, _captured)
        return labelled(counted, by, FILL_BREAKDOWNS)

    return replace(
        ask.report(fill_columns(noun), table, Row(None, _fill_cells(total)), (), notes),
        load_records=records,
    )


@runner("line_fill")
def line_fill_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Lines shipped complete in their first shipment / lines ordered, of the orders
    captured in the period."""
    return _fill_report(Ask("line_fill", filters, by, as_of), fill_rules.line_fill, "lines")


@runner("unit_fill")
def unit_fill_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Units shipped by the promised date / units ordered, of the orders captured in the
    period."""
    return _fill_report(Ask("unit_fill", filters, by, as_of), fill_rules.unit_fill, "units")


@runner("order_fill")
def order_fill_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Orders shipped complete in one shipment / orders, of the orders captured in the
    period."""
    return _fill_report(Ask("order_fill", filters, by, as_of), fill_rules.order_fill, "orders")


TIMING_COLUMNS = (
    Column("count", "Timed", INTEGER),
    Column("p50_hours", "p50 (hours)", DECIMAL),
    Column("p90_hours", "p90 (hours)", DECIMAL),
    Column("waiting", "Still waiting", INTEGER),
    Column("clamped", "Ended before they started (counted as 0)", INTEGER),
)


def timing_cells(t: Timing) -> dict[str, Any]:
    d = t.durations
    return {
        "count": d.count, "p50_hours": d.p50_hours, "p90_hours": d.p90_hours,
        "waiting": t.waiting, "clamped": d.clamped,
    }  # fmt: skip


def timing_report(
    ask: Ask,
    figures: tuple[Sequence[Timing], Timing],
    records: Iterable[Any],
    allowed: Sequence[str],
    notes: Iterable[str],
) -> Report:
    """A duration figure's answer: its rows and total, and the records timed or waiting."""
    rows, total = figures
    table = [Row(r.label, timing_cells(r)) for r in rows]
    labels = labelled(records, ask.by, allowed)
    return ask.report(TIMING_COLUMNS, table, Row(None, timing_cells(total)), labels, notes)


@runner("order_cycle_time")
def order_cycle_time_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Hours from capture to the shipment that completed the order (p50, p90), of the
    orders completed in the period; open orders captured in it are shown as waiting."""
    # Only a settled order has a completion: those with facts come from them (one row
    # each); the rest (open, so waiting, or settled before the facts were built) are
    # assembled from their rows.
    settled = order_figures_sql.settled_completions(filters, warehouses=by == "warehouse")
    live = live_records(scope(filters, completed_in_range=True))
    live_done = [
        replace(o, completed_at=completed_at(o))
        for o in select(live, filters, CYCLE_FILTERS, completed_at)
        if completed_at(o) is not None
    ]
    waiting = [o for o in select(live, filters, CYCLE_FILTERS, _captured) if open_to_ship(o)]
    figures = service_rules.cycle_timings([*settled, *live_done], waiting, by)
    note = (
        "Timed: orders whose last shipment completed them in the period; waiting: open "
        "orders captured in it (their records have no completed_at)."
    )
    ask = Ask("order_cycle_time", filters, by, as_of)
    report = timing_report(ask, figures, [], CYCLE_BREAKDOWNS, [note])

    def records() -> tuple[tuple[str | None, Any], ...]:
        # Each timed order with its lines and shipments (from its facts), as the rule reads it.
        orders = order_records(scope(filters, completed_in_range=True))
        timed = [
            replace(o, completed_at=completed_at(o))
            for o in select(orders, filters, CYCLE_FILTERS, completed_at)
            if completed_at(o) is not None
        ]
        return labelled([*timed, *waiting], by, CYCLE_BREAKDOWNS)

    return replace(report, load_records=records)


def _captured(order: OrderRecord) -> Any:
    return order.ordered_at


AGEING_COLUMNS = (
    Column("bucket", "Age (days)", TEXT),
    Column("lines", "Lines", INTEGER),
    Column("units", "Units waiting", INTEGER),
    Column("value", "Value waiting", DECIMAL),
    Column("unpriced_units", "Units without a price", INTEGER),
)
AGEING_NOTES = (
    "Value: the waiting units at the line's net selling price, tax excluded; units without "
    "a price are counted apart, never valued at 0.",
    KIT_NOTE,
)


def _bucket_rows(a: Ageing) -> list[Row]:
    return [
        Row(a.label, {"bucket": b.label, "lines": b.lines, "units": b.units, "value": b.value,
                      "unpriced_units": b.unpriced_units})
        for b in a.buckets
    ]  # fmt: skip


def _all_buckets(a: Ageing) -> Row:
    lines = sum(b.lines for b in a.buckets)
    unpriced = sum(b.unpriced_units for b in a.buckets)
    return Row(None, {"bucket": "all", "lines": lines, "units": a.units, "value": a.value,
                      "unpriced_units": unpriced})  # fmt: skip


@runner("backorder_ageing")
def backorder_ageing_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Order lines waiting for stock now, by days since capture, in units and value; one
    row per bucket (per group when broken down)."""
    waiting = sql_select(_OL.c.order_id).where(_OL.c.status.in_(WAITING))
    found = read_orders(scope(filters).where(_O.c.id.in_(waiting)), shipments=False, money=True)
    lines = waiting_lines(found)
    rows, total = service_rules.backorder_ageing(lines, as_of, filters, by)
    chosen = [ln for ln in select(lines, filters, AGEING_FILTERS, _undated) if ln.waiting]
    table = [r for group in (rows if by else [total]) for r in _bucket_rows(group)]
    records = labelled(chosen, by, AGEING_BREAKDOWNS)
    ask = Ask("backorder_ageing", filters, by, as_of)
    return ask.report(AGEING_COLUMNS, table, _all_buckets(total), records, AGEING_NOTES)


def _undated(_record: Any) -> None:
    return None
