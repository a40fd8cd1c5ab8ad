"""Runners of the two figures purchasing and finance already had (report_service.py): supplier
performance and gross margin. Each calls its context's service and shapes the answer into a
report; neither re-derives a figure (the definitions are supplier_rules' and margin_rules').

- Supplier performance: purchasing/performance_service.supplier_performance over the date
  range (its default without one: the last 12 calendar months to today), a row per
  supplier (narrowed to one by the supplier filter). Its records are the PO lines judged,
  as the service reads them (performance_sql.judged_line_rows), labelled by supplier.
  There is no total: each supplier is judged against its own tolerance and promise.
- Gross margin: finance/margin_service.margin_report by fulfilment path (channel x
  warehouse x carrier service) unless another breakdown is asked for; the date range
  selects the entries' dates (shipping cost: its ship day). Its records are the report's
  rows (by order line, each line's figures: break down by order_line for them).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..catalog.models import Location
from ..errors import NotFound
from ..extensions import db
from ..finance.margin_rules import ORDER_LINE, PATH, Summary
from ..finance.margin_service import MarginRow, margin_report
from ..purchasing.performance_service import SupplierPerformance, supplier_performance
from ..purchasing.performance_sql import judged_line_rows
from .filter_rules import Filters
from .report_service import DECIMAL, INTEGER, TEXT, Column, Report, Row, kpi_by_id, runner

# --- supplier performance ---------------------------------------------------------------

SUPPLIER_COLUMNS = (
    Column("supplier", "Supplier", TEXT),
    Column("name", "Name", TEXT),
    Column("lines_judged", "PO lines judged", INTEGER),
    Column("otif_rate", "On time in full", DECIMAL),
    Column("fill_rate", "Fill rate", DECIMAL),
    Column("otif", "Lines on time in full", INTEGER),
    Column("early", "Early", INTEGER),
    Column("late", "Late", INTEGER),
    Column("short", "Short", INTEGER),
    Column("over", "Over", INTEGER),
    Column("pending", "Pending (not judged)", INTEGER),
    Column("lead_time_samples", "Deliveries", INTEGER),
    Column("lead_time_mean", "Mean lead time (days)", DECIMAL),
    Column("lead_time_promised", "Promised lead time (days)", INTEGER),
    Column("lead_time_mean_delta", "Mean minus promised (days)", DECIMAL),
    Column("lead_time_within_rate", "Lead time adherence", DECIMAL),
)


def _supplier_cells(s: SupplierPerformance) -> dict[str, Any]:
    lt = s.lead_time
    return {
        "supplier": s.supplier.code, "name": s.supplier.name, "lines_judged": s.lines_judged,
        "otif_rate": s.otif_rate, "fill_rate": s.fill_rate, "otif": s.otif, "early": s.early,
        "late": s.late, "short": s.short, "over": s.over, "pending": s.pending,
        "lead_time_samples": lt.samples, "lead_time_mean": lt.mean,
        "lead_time_promised": lt.promised, "lead_time_mean_delta": lt.mean_delta,
        "lead_time_within_rate": lt.within_rate,
    }  # fmt: skip


@runner("supplier_performance")
def supplier_performance_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """On time in full, fill rate and lead-time adherence per supplier."""
    found = supplier_performance(filters.date_from, filters.date_to, as_of=as_of)
    suppliers = [
        s for s in found.suppliers if filters.supplier in (None, s.supplier.code)
    ]  # fmt: skip
    codes = {s.supplier.id: s.supplier.code for s in suppliers}
    lines = judged_line_rows(found.from_date, found.to_date, sorted(codes)) if codes else []
    return Report(
        kpi=kpi_by_id("supplier_performance"),
        filters=Filters(
            date_from=found.from_date, date_to=found.to_date, supplier=filters.supplier
        ),
        by=by,
        as_of=found.as_of,
        columns=SUPPLIER_COLUMNS,
        rows=tuple(Row(s.supplier.code, _supplier_cells(s)) for s in suppliers),
        total=None,
        notes=(
            "PO lines due in the period; pending lines (short, not yet late) are in no rate",
            "lead time: deliveries received in the period, against the supplier's promise",
        ),
        records=tuple((codes[r.supplier_id], r) for r in lines),
    )


# --- gross margin -----------------------------------------------------------------------

_LABELS = {
    ORDER_LINE: ("order_id", "external_id", "line_no", "sku", "channel", "warehouse",
                 "carrier", "service"),
    PATH: ("channel", "warehouse", "carrier", "service"),
}  # fmt: skip
_LABEL_TYPES = {"order_id": INTEGER, "line_no": INTEGER}
AMOUNTS = (
    ("revenue", "Revenue"),
    ("returns_credited", "Returns credited"),
    ("net_revenue", "Net revenue"),
    ("cogs", "Cost of goods sold"),
    ("returns_restocked", "Returns restocked at cost"),
    ("net_cogs", "Net cost of goods sold"),
    ("channel_fees", "Channel fees"),
    ("shipping_cost", "Shipping cost (known)"),
    ("gross_margin", "Gross margin"),
    ("margin_pct", "Margin %"),
)
_UNKNOWN = (
    Column("shipping_unknown_orders", "Orders with shipping cost unknown", INTEGER),
    Column("shipping_unknown_revenue", "Revenue with shipping cost unknown", DECIMAL),
)


def _label_names(group: str) -> tuple[str, ...]:
    return _LABELS.get(group, (group,))


def _margin_columns(group: str) -> tuple[Column, ...]:
    labels = tuple(
        Column(n, n.replace("_", " ").capitalize(), _LABEL_TYPES.get(n, TEXT))
        for n in _label_names(group)
    )
    return (*labels, *(Column(n, t, DECIMAL) for n, t in AMOUNTS), *_UNKNOWN)


def _figures(s: Summary) -> dict[str, Any]:
    """A row's amounts; shipping cost None (unknown) when every order it shipped has an
    unknown one (margin_rules.Summary)."""
    out: dict[str, Any] = {n: getattr(s.figures, n) for n, _ in AMOUNTS if n != "shipping_cost"}
    out["shipping_cost"] = s.shipping_cost
    out["shipping_unknown_orders"] = s.shipping_unknown_orders
    out["shipping_unknown_revenue"] = s.figures.shipping_unknown_revenue
    return out


def _margin_label(r: MarginRow, group: str) -> str:
    parts = [getattr(r, n) for n in _label_names(group)]
    if group == ORDER_LINE:
        line = "order" if r.line_no is None else f"line {r.line_no}"
        return f"{r.channel} {r.external_id} {line}"
    return " / ".join("none" if p is None else str(p) for p in parts)


def _warehouse(code: str | None) -> tuple[int, str] | None:
    if code is None:
        return None
    found = db.session.scalar(
        select(Location.id).where(Location.code == code, Location.level == "warehouse")
    )
    if found is None:
        raise NotFound("warehouse not found", {"warehouse": code})
    return int(found), code


@runner("gross_margin")
def gross_margin_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Gross margin per fulfilment path (or the breakdown asked for), with the total."""
    group = by or PATH
    found = margin_report(
        group, start=filters.date_from, end=filters.date_to, channel=filters.channel,
        warehouse=_warehouse(filters.warehouse),
    )  # fmt: skip
    labelled = [(_margin_label(r, group), r) for r in found.rows]
    notes = [
        "shipping cost is what the carriers quoted at ship confirm; no journal entry books it",
    ]
    if not found.shipping_cost_known:
        unknown = found.totals.shipping_unknown_orders
        notes.append(f"{unknown} order(s) with shipping cost unknown: none of it subtracted")
    return Report(
        kpi=kpi_by_id("gross_margin"),
        filters=filters,
        by=group,
        as_of=as_of,
        columns=_margin_columns(group),
        rows=tuple(
            Row(label, {**{n: getattr(r, n) for n in _label_names(group)}, **_figures(r.summary)})
            for label, r in labelled
        ),
        total=Row(None, _figures(found.totals)),
        notes=tuple(notes),
        records=tuple(labelled),
    )
