"""Finance: the margin report (gross margin per order line, channel, warehouse, fulfilment
path or month; finance/margin_rules.py defines it), as JSON and as CSV. Read like the other
finance reads: supervisors and above, and finance.

CSV columns (RFC 4180, CRLF, UTF-8, a header row; one row per group, no totals row):
group_by, order_id, external_id, line_no, sku, channel, warehouse, carrier, service, month
(the labels the grouping uses, empty otherwise), revenue, returns_credited, net_revenue,
cogs, returns_restocked, net_cogs, channel_fees (decimal text to the cent), shipping_cost
(the carriers' cost of the row's orders whose shipping cost is known, subtracted; empty:
unknown, every order the row shipped has an unknown one, nothing subtracted),
gross_margin (to the cent), margin_pct (gross_margin / net_revenue x 100 to 2 places,
empty when net_revenue is 0), shipping_unknown_orders (how many of the row's orders have
an unknown shipping cost, not subtracted), shipping_unknown_revenue (the revenue those
orders booked in the row, to the cent)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..finance.margin_rules import Summary
from ..finance.margin_service import MarginReport, MarginRow, margin_report
from ..picking.queries import warehouse
from .finance_csv import MEDIA_TYPE, cell_amount, cell_text
from .margin_schemas import MarginArgs, MarginReportSchema

blp = Blueprint(
    "margin_api",
    __name__,
    url_prefix="/api/v1/finance",
    description="Finance: gross margin per order line, channel, warehouse, path, month",
)

LABELS = ("order_id", "external_id", "line_no", "sku", "channel", "warehouse", "carrier",
          "service", "month")  # fmt: skip
AMOUNTS = ("revenue", "returns_credited", "net_revenue", "cogs", "returns_restocked",
           "net_cogs", "channel_fees", "shipping_cost", "gross_margin", "margin_pct",
           "shipping_unknown_orders", "shipping_unknown_revenue")  # fmt: skip
CSV_COLUMNS = ("group_by", *LABELS, *AMOUNTS)
_CSV_DOC = {
    "200": {
        "description": "The CSV file (a header row first), with a Content-Disposition name",
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _report(args: dict[str, Any]) -> MarginReport:
    wh = None if args["warehouse"] is None else warehouse(args["warehouse"])
    return margin_report(
        args["group_by"],
        start=args["date_from"],
        end=args["date_to"],
        channel=args["channel"],
        warehouse=None if wh is None else (wh.id, wh.code),
    )


def _figures(s: Summary) -> dict[str, Decimal | int | None]:
    """The amounts of a row or the totals; shipping cost as the row shows it (None:
    unknown), the count of orders whose shipping is unknown beside it."""
    shown = {"shipping_cost": s.shipping_cost, "shipping_unknown_orders": s.shipping_unknown_orders}
    return {name: shown[name] if name in shown else getattr(s.figures, name) for name in AMOUNTS}


def _row(r: MarginRow) -> dict[str, Any]:
    return {**{name: getattr(r, name) for name in LABELS}, **_figures(r.summary)}


def margin_csv(group_by: str, rows: Iterable[MarginRow]) -> str:
    """The report's rows as CSV (module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        labels = ["" if getattr(r, n) is None else getattr(r, n) for n in LABELS]
        amounts = _figures(r.summary)
        cells = []
        for name in AMOUNTS:
            value = amounts[name]
            cells.append("" if value is None else str(value) if isinstance(value, int)
                         else cell_amount(value))  # fmt: skip
        writer.writerow(
            (group_by, *(cell_text(v) if isinstance(v, str) else v for v in labels), *cells)
        )
    return out.getvalue()


@blp.route("/margin")
class Margin(MethodView):
    @blp.arguments(MarginArgs, location="query")
    @blp.response(200, MarginReportSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Gross margin per group with its parts, the totals, and whether shipping is known."""
        report = _report(args)
        return {
            "group_by": report.group_by,
            "date_from": report.start,
            "date_to": report.end,
            "channel": report.channel,
            "warehouse": report.warehouse,
            "shipping_cost_known": report.shipping_cost_known,
            "rows": [_row(r) for r in report.rows],
            "totals": _figures(report.totals),
        }


@blp.route("/margin.csv")
class MarginCsv(MethodView):
    @blp.arguments(MarginArgs, location="query")
    @blp.doc(
        responses=_CSV_DOC,
        description=(
            "One row per group, no totals row. Columns: group_by, order_id, external_id, "
            "line_no, sku, channel, warehouse, carrier, service, month (the labels the "
            "grouping uses, empty otherwise), revenue, returns_credited, net_revenue, cogs, "
            "returns_restocked, net_cogs, channel_fees (decimal text to the cent), "
            "shipping_cost (the known carriers' cost, subtracted; empty: unknown for every "
            "order the row shipped, nothing subtracted), gross_margin, margin_pct "
            "(gross_margin / net_revenue x 100, empty when net_revenue is 0), "
            "shipping_unknown_orders (orders whose shipping cost is unknown, not "
            "subtracted), shipping_unknown_revenue (the revenue they booked in the row)."
        ),
    )
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> Response:
        """The margin report as CSV (grouping and filters as the report's)."""
        report = _report(args)
        return Response(
            margin_csv(report.group_by, report.rows),
            content_type=MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="margin-{report.group_by}.csv"'},
        )
