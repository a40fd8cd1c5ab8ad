"""Finance: the GRNI ageing report (goods received, not invoiced, per purchase order, aged
0-30 / 31-60 / 61-90 / over 90 days; finance/grni_service.py defines it), as JSON and as
CSV. Read like the other finance reads: supervisors and above, and finance.

CSV columns (RFC 4180, CRLF, UTF-8, a header row; one row per purchase order with GRNI
open, then the unassigned row if any, no totals row: the `total` column sums to the grni
accounts' balance when unfiltered): kind (purchase_order | unassigned), supplier_code,
po_number, warehouse (the PO's warehouse code, empty if none), oldest_receipt_date
(YYYY-MM-DD, empty if none is open), days_0_30, days_31_60, days_61_90, days_over_90,
total (decimal text to the cent, what is owed: credit - debit)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..finance.grni_service import GrniAgeing, GrniRow, grni_ageing
from ..picking.queries import warehouse
from .finance_csv import MEDIA_TYPE, cell_amount, cell_text
from .grni_schemas import GrniAgeingArgs, GrniAgeingSchema

blp = Blueprint(
    "grni_api",
    __name__,
    url_prefix="/api/v1/finance",
    description="Finance: GRNI ageing (received, not invoiced)",
)

CSV_COLUMNS = (
    "kind",
    "supplier_code",
    "po_number",
    "warehouse",
    "oldest_receipt_date",
    "days_0_30",
    "days_31_60",
    "days_61_90",
    "days_over_90",
    "total",
)
_CSV_DOC = {
    "200": {
        "description": "The CSV file (a header row first), with a Content-Disposition name",
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _report(args: dict[str, Any]) -> GrniAgeing:
    wh = None if args["warehouse"] is None else warehouse(args["warehouse"])
    return grni_ageing(
        as_of=args["as_of"],
        supplier=args["supplier"],
        warehouse=None if wh is None else (wh.id, wh.code),
    )


def grni_csv(rows: Iterable[GrniRow]) -> str:
    """The report's rows as CSV (module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            (
                r.kind,
                cell_text(r.supplier_code),
                cell_text(r.po_number),
                cell_text(r.warehouse_code),
                "" if r.oldest_receipt_date is None else r.oldest_receipt_date.isoformat(),
                cell_amount(r.days_0_30),
                cell_amount(r.days_31_60),
                cell_amount(r.days_61_90),
                cell_amount(r.days_over_90),
                cell_amount(r.total),
            )
        )
    return out.getvalue()


@blp.route("/grni-ageing")
class GrniAgeingView(MethodView):
    @blp.arguments(GrniAgeingArgs, location="query")
    @blp.response(200, GrniAgeingSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> GrniAgeing:
        """Open GRNI per purchase order in age buckets, the totals and the grni balance."""
        return _report(args)


@blp.route("/grni-ageing.csv")
class GrniAgeingCsv(MethodView):
    @blp.arguments(GrniAgeingArgs, location="query")
    @blp.doc(
        responses=_CSV_DOC,
        description=(
            "One row per purchase order with GRNI open (by supplier code, then PO number), "
            "then the unassigned row; no totals row. Columns: kind (purchase_order | "
            "unassigned), supplier_code, po_number, warehouse (code, empty if none), "
            "oldest_receipt_date (YYYY-MM-DD, empty if none open), days_0_30, days_31_60, "
            "days_61_90, days_over_90, total (decimal text to the cent, credit - debit)."
        ),
    )
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> Response:
        """The GRNI ageing as CSV (filters as the report's)."""
        report = _report(args)
        return Response(
            grni_csv(report.rows),
            content_type=MEDIA_TYPE,
            headers={
                "Content-Disposition": f'attachment; filename="grni-ageing-{report.as_of}.csv"'
            },
        )
