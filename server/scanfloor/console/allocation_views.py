"""Console pages for sales channels and orders: channels with their rules and pools, an
item's available-to-sell across channels, the webhook delivery log, order search, one
order in full, and the lines waiting for stock by age. Public shells like the other
console pages: console_alloc.js fetches their data from the REST API with the bearer
token the person signed in for."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..allocation.rules import LINE_STATUSES
from ..auth.guard import public

bp = Blueprint("console_alloc", __name__, template_folder="templates")


@bp.get("/console/orders")
@public
def orders() -> str:
    """Orders by external id, channel or status, newest first."""
    return render_template("console_orders.html", version=__version__, statuses=LINE_STATUSES)


@bp.get("/console/orders/<bigid:order_id>")
@public
def order(order_id: int) -> str:
    """One order: status, lines, reservations and every transition."""
    return render_template("console_order_detail.html", version=__version__, order_id=order_id)


@bp.get("/console/backorders")
@public
def backorders() -> str:
    """Order lines waiting for stock, oldest first."""
    return render_template("console_backorders.html", version=__version__)


@bp.get("/console/channels")
@public
def channels() -> str:
    """Channels with their rules, buffers and pools; an item's ATS; the webhook log."""
    return render_template("console_channels.html", version=__version__)
