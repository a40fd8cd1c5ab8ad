"""Console page for printing labels. Like the console home page it is public HTML; the zones,
locations and label files come from the REST API with the bearer token the person signed in
for (kept in sessionStorage by the console)."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public

bp = Blueprint("console_labels", __name__, template_folder="templates")


@bp.get("/console/labels")
@public
def labels_page() -> str:
    """Print labels: every bin of a zone at once, or one location, item or container."""
    return render_template("console_labels.html", version=__version__)
