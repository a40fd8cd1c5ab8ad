"""Console page for the GRNI ageing report: what is received and not yet invoiced, per
purchase order (supplier, PO, warehouse, oldest open receipt), in 0-30 / 31-60 / 61-90 /
over 90 day buckets, the totals against the grni accounts' balance, and the CSV.

A public shell like the other finance pages: console_grni_ageing.js fetches everything
from /api/v1/finance/grni-ageing with the bearer token the person signed in for; the API
decides who may read it (supervisors and above, and finance) and the page shows its
refusals as they are."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_grni", __name__, template_folder="templates")


@bp.get("/console/grni-ageing")
@public
def page() -> str:
    """Open GRNI per purchase order by age, the totals and the grni balance; CSV."""
    return render_template("console_grni_ageing.html", version=__version__)
