"""Console page for supplier invoices: the approval queue (held invoices, which lines do not
match and why), approving one (never by the person who entered it) or rejecting it with a
note; posted and rejected invoices by status; entering an invoice against a purchase
order's lines; one invoice's lines, match detail, receipts cleared and journal entry.

A public shell like the other finance pages: console_invoices.js fetches everything from
/api/v1/finance/invoices (and the purchase order an invoice is entered against) with the
bearer token the person signed in for; the API decides who may read and decide, and the
page shows its refusals as they are."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_invoices", __name__, template_folder="templates")


@bp.get("/console/invoices")
@public
def page() -> str:
    """The invoice approval queue, posted and rejected invoices, entering one; ?invoice=id."""
    return render_template("console_invoices.html", version=__version__)
