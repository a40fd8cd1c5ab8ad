"""Console pages for the KPI dashboards (issue 14): the dashboards of the signed-in role as
tabs, a card per figure (its headline, a chart where one reads better than a table, the
table, the definition behind a "?" toggle, the CSV, the notes), and the drill-down page
listing the records behind one row of a figure.

Public shells like the other console pages: console_reports.js and
console_reports_records.js fetch everything from /api/v1/reports with the bearer token the
person signed in for; reporting/dashboards.py, through the API, decides which dashboards a
role sees and refuses the rest, and the pages show its answers as they are."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_reports", __name__, template_folder="templates")


@bp.get("/console/dashboards")
@public
def dashboards() -> str:
    """The caller's dashboards as tabs, one card per figure, under one filter bar."""
    return render_template("console_reports.html", version=__version__)


@bp.get("/console/dashboards/<string:kpi_id>/records")
@public
def records(kpi_id: str) -> str:
    """The records behind one row of a figure (or all of them), under the same filters."""
    return render_template("console_reports_records.html", version=__version__, kpi_id=kpi_id)
