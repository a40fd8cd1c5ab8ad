"""Console page for the live board: a public shell like the other pages. Its data comes from
GET /api/v1/board, then `board.update` events on the /live socket (console_board.js, with
the vendored Socket.IO client: no CDN, the console works with no internet)."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_board", __name__, template_folder="templates")


@bp.get("/console/board")
@public
def page() -> str:
    """The live board: queues, waves, exceptions, pickers' rates and the posting feed."""
    return render_template("console_board.html", version=__version__)
