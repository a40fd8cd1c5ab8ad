"""Console page for the putaway queue: what waits on the docks, for how long, and where
each task should go. A public shell like the landing page: its data comes from the REST API,
called by console_putaway.js with the bearer token the person signed in for."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_putaway", __name__, template_folder="templates")


@bp.get("/console/putaway")
@public
def page() -> str:
    """The putaway queue: open tasks oldest first, units and age waiting per dock."""
    return render_template("console_putaway.html", version=__version__)
