"""Console page for cycle counting: the approval queue (approve or reject a confirmed
variance, with a reason code), the open and recount tasks, an ad-hoc count of a zone,
ABC classification and the due counts, the count policies (managers edit them) and the
inventory accuracy. A public shell like the other console pages: console_counts.js talks
to the REST API with the bearer token the person signed in for, and the API decides who
may do what (the page shows its refusals as they are)."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__
from ..auth.guard import public
from ..counting.models import ABC_CLASSES

bp = Blueprint("console_counts", __name__, template_folder="templates")


@bp.get("/console/counts")
@public
def page() -> str:
    """Approve counts, raise counts, set the policies and read the accuracy."""
    return render_template("console_counts.html", version=__version__, classes=ABC_CLASSES)
