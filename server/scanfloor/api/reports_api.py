"""Reports: the KPI catalogue (every figure with its definition, and the dashboards the
caller's role sees) and each KPI's report as JSON, as CSV and as the records behind it (the
drill-down). Who reads which figure is reporting/dashboards.py's: the routes admit every
role that reads some dashboard, and a figure outside the caller's dashboards is a 403.

CSV (RFC 4180, CRLF, UTF-8, a header row): `group` (the row's label, empty for all) then
the report's columns by name, decimals as text; one row per row of the report, then a
`total` row where the report has one."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..reporting.catalogue import CATALOGUE
from ..reporting.dashboards import DASHBOARDS, dashboards_of, kpis_of
from ..reporting.filter_rules import Filters
from ..reporting.report_service import Report, Row, available, cell, run_report
from .finance_csv import MEDIA_TYPE, cell_text
from .reports_schemas import (
    CatalogueSchema,
    RecordArgs,
    RecordsSchema,
    ReportArgs,
    ReportSchema,
)

blp = Blueprint(
    "reports_api",
    __name__,
    url_prefix="/api/v1/reports",
    description="Reports: the KPI catalogue, each KPI as JSON and CSV, the records behind it",
)
READERS = ("supervisor", "manager", "admin")  # and finance (also=)
_CSV_DOC = {
    "200": {
        "description": "The CSV file (a header row first), with a Content-Disposition name",
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _kpi_dict(kpi_id: str) -> dict[str, Any]:
    kpi = next(k for k in CATALOGUE if k.id == kpi_id)
    boards = [name for name, ids in DASHBOARDS.items() if kpi_id in ids]
    return {**kpi.as_dict(), "dashboards": boards, "available": available(kpi_id)}


def _filters(args: dict[str, Any]) -> Filters:
    return Filters(
        date_from=args["date_from"], date_to=args["date_to"], warehouse=args["warehouse"],
        channel=args["channel"], zone=args["zone"], abc_class=args["abc_class"],
        supplier=args["supplier"], worker=args["worker"],
    )  # fmt: skip


def _report(kpi_id: str, args: dict[str, Any]) -> Report:
    return run_report(kpi_id, current_principal().role, _filters(args), args["by"])


def _row(row: Row) -> dict[str, Any]:
    return {"label": row.label, "cells": {k: cell(v) for k, v in row.cells.items()}}


def report_dict(report: Report) -> dict[str, Any]:
    used = {
        name: cell(getattr(report.filters, name))
        for name in ("date_from", "date_to", "warehouse", "channel", "zone", "abc_class",
                     "supplier", "worker")
        if getattr(report.filters, name) is not None
    }  # fmt: skip
    return {
        "kpi": _kpi_dict(report.kpi.id),
        "filters": used,
        "by": report.by,
        "as_of": report.as_of,
        "columns": [vars(c) for c in report.columns],
        "rows": [_row(r) for r in report.rows],
        "total": None if report.total is None else _row(report.total),
        "notes": list(report.notes),
    }


def report_csv(report: Report) -> str:
    """The report as CSV (module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [c.name for c in report.columns]
    writer.writerow(["group", *names])
    rows = list(report.rows) + ([] if report.total is None else [Row("total", report.total.cells)])
    for row in rows:
        cells = [cell(row.cells.get(n)) for n in names]
        writer.writerow([cell_text(row.label or ""), *("" if c is None else cell_text(str(c))
                                                       for c in cells)])  # fmt: skip
    return out.getvalue()


@blp.route("/kpis")
class Catalogue(MethodView):
    @blp.response(200, CatalogueSchema)
    @requires("supervisor", also=("finance",))
    def get(self) -> dict[str, Any]:
        """The figures the caller's role reads, each with its definition and dashboards."""
        role = current_principal().role
        boards = dashboards_of(role)
        return {
            "role": role,
            "dashboards": {b: list(DASHBOARDS[b]) for b in boards},
            "kpis": [_kpi_dict(k) for k in kpis_of(role)],
        }


@blp.route("/kpis/<string:kpi_id>")
class KpiReport(MethodView):
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, ReportSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any], kpi_id: str) -> dict[str, Any]:
        """One KPI under the filters and breakdown: typed columns, rows, total, notes."""
        return report_dict(_report(kpi_id, args))


@blp.route("/kpis/<string:kpi_id>/csv")
class KpiReportCsv(MethodView):
    @blp.arguments(ReportArgs, location="query")
    @blp.doc(responses=_CSV_DOC)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any], kpi_id: str) -> Response:
        """One KPI's report as CSV (module docstring: columns)."""
        report = _report(kpi_id, args)
        return Response(
            report_csv(report),
            content_type=MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{report.kpi.id}.csv"'},
        )


@blp.route("/kpis/<string:kpi_id>/records")
class KpiRecords(MethodView):
    @blp.arguments(RecordArgs, location="query")
    @blp.response(200, RecordsSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any], kpi_id: str) -> dict[str, Any]:
        """The records behind one row of the report (or all of them): the drill-down."""
        group = args.pop("group")
        report = _report(kpi_id, args)
        return {"kpi": kpi_id, "group": group, "records": report.records_of(group)}
