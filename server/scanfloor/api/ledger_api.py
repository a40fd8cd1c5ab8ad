"""The ledger check, over HTTP (admin only)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..ledger.verify import verify_ledger
from .ledger_schemas import VerifyOut

blp = Blueprint("ledger", __name__, url_prefix="/api/v1/ledger", description="Ledger integrity")


@blp.route("/verify")
class Verify(MethodView):
    @blp.response(200, VerifyOut)
    @requires("admin")
    def get(self) -> dict[str, Any]:
        """Recompute balances from the movements and report every difference."""
        return verify_ledger().to_dict()
