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


@bp.get("/console/movements/<bigid:movement_id>")
@public
def movement(movement_id: int) -> str:
    """One movement's drill-down: who, device, when, its posting, reversal, source document
    and approvals (GET /api/v1/movements/<id>, supervisors and above and finance)."""
    return render_template("console_movement.html", version=__version__, movement_id=movement_id)


@bp.get("/console/items/<int:item_id>/history")
@public
def item_history(item_id: int) -> str:
    """An item's whole ledger, newest first, a page at a time (GET /api/v1/movements)."""
    return render_template("console_item_history.html", version=__version__, item_id=item_id)


# A view of our own rather than Blueprint(static_folder=...): every route is then marked
# @public like any other page, and the guard's walk of the URL map needs no exception.
@bp.get("/console/static/<path:filename>")
@public
def asset(filename: str) -> Response:
    """Serve the console's CSS and JavaScript (no sign-in: they hold no data)."""
    return send_from_directory(STATIC_DIR, filename, max_age=ASSET_MAX_AGE)
