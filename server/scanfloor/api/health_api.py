"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text

from ..auth.guard import public
from ..extensions import db

blp = Blueprint("health", __name__, description="Health check")

_HEALTH = {
    "type": "object",
    "required": ["status", "database"],
    "properties": {
        "status": {"type": "string", "enum": ["ok", "degraded"]},
        "database": {"type": "string", "description": "sqlite, postgresql or unreachable"},
    },
}


@blp.route("/healthz")
class Health(MethodView):
    @public
    @blp.doc(
        responses={
            str(status): {"description": text, "content": {"application/json": {"schema": _HEALTH}}}
            for status, text in ((200, "Up"), (503, "The database does not answer"))
        }
    )
    def get(self) -> tuple[dict[str, Any], int]:
        """Say whether the server and its database answer."""
        try:
            db.session.execute(text("SELECT 1"))
            return {"status": "ok", "database": db.engine.dialect.name}, 200
        except Exception:  # a health probe reports, it does not raise
            db.session.rollback()
            return {"status": "degraded", "database": "unreachable"}, 503
