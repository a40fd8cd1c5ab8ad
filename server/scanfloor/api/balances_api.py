"""Balances: stock on hand per item, location, lot and container."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import requires
from ..ledger import queries
from .ledger_schemas import BalancePageOut, BalanceQuery

blp = Blueprint(
    "balances",
    __name__,
    url_prefix="/api/v1/balances",
    description="Stock on hand (a projection of the ledger)",
)


@blp.route("")
class Balances(MethodView):
    @blp.arguments(BalanceQuery, location="query")
    @blp.response(200, BalancePageOut)
    @requires("worker", also=("finance",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List non-zero balances and on-hand totals per item (filter: item, location, lot)."""
        page, totals = queries.balances_report(**args)
        return {"balances": page.rows, "totals": totals, "next_cursor": page.next_cursor}
