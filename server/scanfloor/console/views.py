"""Back-office console pages. The pages are public; their data comes from the REST API,
called by the page's script with the bearer token the person signed in for."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, render_template, send_from_directory

from .. import __version__
from ..auth.guard import public

STATIC_DIR = Path(__file__).with_name("static")
# Assets change with each release; the version in their URL lets browsers cache them long.
ASSET_MAX_AGE = 24 * 3600

bp = Blueprint("console", __name__, template_folder="templates")


@bp.get("/")
@public
def index() -> str:
    """The console's landing page: sign in, find an item, see its stock and movements."""
    return render_template("console_home.html", version=__version__)


# A view of our own rather than Blueprint(static_folder=...): every route is then marked
# @public like any other page, and the guard's walk of the URL map needs no exception.
@bp.get("/console/static/<path:filename>")
@public
def asset(filename: str) -> Response:
    """Serve the console's CSS and JavaScript (no sign-in: they hold no data)."""
    return send_from_directory(STATIC_DIR, filename, max_age=ASSET_MAX_AGE)
