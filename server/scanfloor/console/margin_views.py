"""Console page for the margin report: gross margin (revenue net of returns credited,
less COGS net of restocked returns, less channel fees, less shipping cost where known) as a
bar chart by channel and a line by month, each with its table, and a table grouped by order
line, channel, warehouse, fulfilment path or month, with the CSV.

A public shell like the other finance pages: console_margin.js fetches everything from
/api/v1/finance/margin with the bearer token the person signed in for; the API decides who
may read it (supervisors and above, and finance) and the page shows its refusals as they are."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_margin", __name__, template_folder="templates")


@bp.get("/console/margin")
@public
def page() -> str:
    """Gross margin by channel and month (charts and tables) and per chosen group; CSV."""
    return render_template("console_margin.html", version=__version__)
