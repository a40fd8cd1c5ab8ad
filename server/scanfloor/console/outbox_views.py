"""Console page for the outbox: dead letters (and the other states) with Retry now. A
public shell like the other console pages; console_outbox.js reads and retries through
the REST API (manager role) with the bearer token the person signed in for."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public
from ..outbox.rules import STATES

bp = Blueprint("console_outbox", __name__, template_folder="templates")


@bp.get("/console/outbox")
@public
def page() -> str:
    """Outbox messages by state, dead letters first, each dead one with Retry now."""
    return render_template("console_outbox.html", version=__version__, states=STATES)
