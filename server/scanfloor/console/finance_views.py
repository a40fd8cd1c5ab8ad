"""Console pages for finance: stock valuation by item and place with a drill-down to an
item's FIFO layers and how each of its movements was costed; the journal (entries with
their lines, by month, account or movement, and its CSV); the trial balance with its totals
and CSV; and the accounting months, which finance closes and an admin reopens.

Public shells like the other console pages: their scripts (console_valuation.js,
console_valuation_item.js, console_journal.js, console_trial_balance.js,
console_periods.js) fetch everything from /api/v1/finance with the bearer token the person
signed in for; the API decides who may read (supervisors and above, and finance) and who
may close or reopen, and the pages show its refusals as they are."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_finance", __name__, template_folder="templates")


@bp.get("/console/finance")
@public
def valuation() -> str:
    """What the stock is worth, by item and warehouse (or in transit)."""
    return render_template("console_valuation.html", version=__version__)


@bp.get("/console/finance/items/<int:item_id>")
@public
def item(item_id: int) -> str:
    """One item's value per place, its FIFO layers and its movements' costs."""
    return render_template("console_valuation_item.html", version=__version__, item_id=item_id)


@bp.get("/console/journal")
@public
def journal() -> str:
    """Journal entries with their lines; filter by month, account or movement; CSV."""
    return render_template("console_journal.html", version=__version__)


@bp.get("/console/trial-balance")
@public
def trial_balance() -> str:
    """Every account's debits, credits and balance, the totals, CSV."""
    return render_template("console_trial_balance.html", version=__version__)


@bp.get("/console/periods")
@public
def periods() -> str:
    """Accounting months: close one (finance), reopen one (admins)."""
    return render_template("console_periods.html", version=__version__)
