"""Console page for channel settlements: the imported settlements (channel, source,
reference, deposit date, total, lines, journal entry), an upload form (a Shopify payout's
transactions, an Amazon settlement report), one settlement's lines (?settlement=id), and the
exception queues (not settled, refund without return, settled not shipped, amount differs,
unmapped), filtered by channel.

A public shell like the other finance pages: console_settlements.js fetches everything from
/api/v1/finance/settlements and /api/v1/finance/settlement-exceptions with the bearer token
the person signed in for (the upload as multipart FormData); the API decides who may read
(supervisors and above, and finance) and import (finance and admins) and the page shows its
refusals as they are."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public
from ..finance.settlement_rules import QUEUES
from ..finance.settlement_service import SOURCES

bp = Blueprint("console_settlements", __name__, template_folder="templates")


@bp.get("/console/settlements")
@public
def page() -> str:
    """Imported settlements, the upload form, one settlement's lines, the exception queues."""
    return render_template(
        "console_settlements.html", version=__version__, sources=SOURCES, queues=QUEUES
    )
