"""Console page for waves: choose the rules, preview what a wave would hold and release it;
watch each wave's progress and give its pick tasks to people. A public shell like the other
console pages: console_waves.js fetches and sends everything through the REST API with the
bearer token the person signed in for, and the API refuses anyone below supervisor."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_waves", __name__, template_folder="templates")


@bp.get("/console/waves")
@public
def page() -> str:
    """Release waves by rules, and follow their pick tasks."""
    return render_template("console_waves.html", version=__version__)
