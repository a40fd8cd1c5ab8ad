"""Console page for landed costs: the charges (freight, duty, handling, insurance) added
against receipts, how much of each went to the stock on hand and how much to COGS for units
already gone, adding a charge, and one charge's spread over its receipt movements.

A public shell like the other finance pages: console_landed_costs.js fetches everything
from /api/v1/finance/landed-costs with the bearer token the person signed in for; the API
decides who may read and add, and the page shows its refusals as they are."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_landed", __name__, template_folder="templates")


@bp.get("/console/landed-costs")
@public
def page() -> str:
    """Landed cost charges, adding one, and a charge's spread (?charge=id)."""
    return render_template("console_landed_costs.html", version=__version__)
