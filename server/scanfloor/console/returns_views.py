"""Console pages for returns: the RMAs of a warehouse by status with their age, a form for
the back office to authorise a return, and one RMA in full (lines, inspections with the
credit due, photos). Public shells like the other console pages: console_returns.js and
console_return_detail.js fetch everything from the REST API with the bearer token the person
signed in for, photos too (fetched with that token and shown from a blob: URL, since an
<img src> cannot send it)."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public
from ..returns.models import RMA_STATUSES

bp = Blueprint("console_returns", __name__, template_folder="templates")


@bp.get("/console/returns")
@public
def returns() -> str:
    """Return authorisations by status and age; authorise a new one."""
    return render_template("console_returns.html", version=__version__, statuses=RMA_STATUSES)


@bp.get("/console/returns/<bigid:rma_id>")
@public
def return_detail(rma_id: int) -> str:
    """One return: lines, inspections with dispositions and credit, photos."""
    return render_template("console_return_detail.html", version=__version__, rma_id=rma_id)
