"""Console page for replenishment on the floor: the pick faces of a warehouse with their
min/max (add or change them), the open and claimed replenishment tasks (release or cancel
them), and what runs low: items at or below their reorder level and pick faces below their
min. A public shell: console_replenishment.js talks to the REST API with the bearer token the
person signed in for."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_replenishment", __name__, template_folder="templates")


@bp.get("/console/replenishment")
@public
def page() -> str:
    """Pick faces, replenishment tasks and low stock of a warehouse."""
    return render_template("console_replenishment.html", version=__version__)
