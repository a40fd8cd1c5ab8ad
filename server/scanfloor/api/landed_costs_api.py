"""Landed costs: freight, duty, handling or insurance entered against receipts, spread over
their lines by quantity, value, weight or volume (docs/landed-cost.md). Read by supervisors
and above and finance; added by finance and admins, like the rest of finance."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..catalog.results import Page
from ..finance import landed_queries
from ..finance.landed_service import add_landed_cost
from ..finance.landed_views import LandedCostView
from .idempotency import idempotent
from .landed_costs_schemas import (
    LandedCostCreateSchema,
    LandedCostDetailSchema,
    LandedCostListArgs,
    LandedCostPageSchema,
)

blp = Blueprint(
    "landed_costs_api",
    __name__,
    url_prefix="/api/v1/finance/landed-costs",
    description="Finance: landed costs spread over receipts",
)


@blp.route("")
class LandedCosts(MethodView):
    @blp.arguments(LandedCostListArgs, location="query")
    @blp.response(200, LandedCostPageSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> Page[LandedCostView]:
        """Landed costs, newest first (only one receipt's with `receipt`)."""
        return landed_queries.landed_costs(
            args["receipt"], limit=args.get("limit"), cursor=args.get("cursor")
        )

    @idempotent
    @blp.arguments(LandedCostCreateSchema)
    @blp.response(201, LandedCostDetailSchema)
    @requires("admin", also=("finance",))
    def post(self, body: dict[str, Any]) -> LandedCostView:
        """Add a charge against receipts: spread, booked, and added to the stock's cost."""
        return add_landed_cost(
            body["charge_kind"],
            body["basis"],
            body["amount"],
            body["receipt_ids"],
            body["reference"],
            body["description"],
            body["charge_date"],
            current_principal().user_id,
        )


@blp.route("/<int:landed_cost_id>")
class LandedCostOne(MethodView):
    @blp.response(200, LandedCostDetailSchema)
    @requires("supervisor", also=("finance",))
    def get(self, landed_cost_id: int) -> LandedCostView:
        """One landed cost and how it was spread over each receipt movement."""
        return landed_queries.landed_cost(landed_cost_id)
