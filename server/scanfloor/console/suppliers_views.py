"""Console pages for suppliers: the list, and one supplier in full: its contact, PO endpoint
and lead-time legs (managers edit them), the items it supplies on what terms, the reorder
policies of those items, its delivery performance with a monthly trend chart, and a seasonal
pre-buy plan (order-by date and containers). Public shells: console_suppliers.js and
console_supplier.js fetch everything from the REST API with the bearer token the person
signed in for."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_suppliers", __name__, template_folder="templates")


@bp.get("/console/suppliers")
@public
def suppliers() -> str:
    """Suppliers with their delivery performance; add one."""
    return render_template("console_suppliers.html", version=__version__)


@bp.get("/console/suppliers/<int:supplier_id>")
@public
def supplier(supplier_id: int) -> str:
    """One supplier: details, item terms, reorder policies, performance and pre-buy."""
    return render_template("console_supplier.html", version=__version__, supplier_id=supplier_id)
