"""Console pages for purchase orders: a list with create and CSV import, and one PO's detail.

Like the landing page, the pages are public shells; their data comes from the REST API,
called by console_po.js with the bearer token the person signed in for on the console.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_po", __name__, template_folder="templates")


@bp.get("/console/purchase-orders")
@public
def purchase_orders() -> str:
    """Purchase orders: find, create, import from CSV."""
    return render_template("console_po_list.html", version=__version__)


@bp.get("/console/purchase-orders/<int:po_id>")
@public
def purchase_order(po_id: int) -> str:
    """One purchase order: received vs ordered, receipts, open and close."""
    return render_template("console_po_detail.html", version=__version__, po_id=po_id)
