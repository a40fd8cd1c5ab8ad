"""Console page for purchase suggestions: a "Run suggestions" button (one warehouse or all),
the runs so far, and one run in full: its draft purchase orders by supplier and every
suggestion line with its explanation (policy, inventory position, demand, lead time and the
arithmetic, step by step). A public shell like the other console pages:
console_purchasing.js fetches everything from the REST API with the bearer token the person
signed in for, and the API decides who may run (the page shows its refusals as they are)."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_purchasing", __name__, template_folder="templates")


@bp.get("/console/purchasing")
@public
def page() -> str:
    """Run purchase suggestions and read why each line orders what it orders."""
    return render_template("console_purchasing.html", version=__version__)
