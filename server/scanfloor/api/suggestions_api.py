"""Purchase suggestions: runs (what to buy, explained, drafted as POs per supplier), the
inventory positions they start from and an item's demand (in total and per sales channel)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..access.rules import sees_every_warehouse
from ..auth.guard import current_principal, requires
from ..catalog.results import Page
from ..picking.errors import WarehouseNotAllowed
from ..picking.queries import require_rights, warehouse
from ..picking.views import Ref
from ..purchasing.demand_service import ItemDemandView, item_demand
from ..purchasing.suggest_service import run_suggestions
from ..purchasing.suggest_views import (
    ItemPositionView,
    SuggestionRunSummary,
    SuggestionRunView,
    list_positions,
    list_runs,
    run_view,
)
from ..purchasing.terms_service import item_by_ref
from ..purchasing.terms_views import WarehouseRef
from .demand_schemas import DemandArgsSchema, ItemDemandSchema
from .idempotency import idempotent
from .suggestion_schemas import (
    PositionArgs,
    PositionPageSchema,
    RunCreateSchema,
    RunGetArgs,
    RunListArgs,
    RunPageSchema,
    RunSchema,
)

blp = Blueprint(
    "suggestions_api", __name__, url_prefix="/api/v1", description="Purchase suggestions"
)


def _warehouse(ref: int | str) -> WarehouseRef:
    wh = warehouse(ref)
    require_rights(current_principal().user_id, wh)
    return WarehouseRef(wh.id, wh.code)


@blp.route("/purchasing/suggestion-runs")
class SuggestionRuns(MethodView):
    @blp.arguments(RunListArgs, location="query")
    @blp.response(200, RunPageSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> Page[SuggestionRunSummary]:
        """Suggestion runs, newest first (one warehouse's with `warehouse`)."""
        wh = None if args["warehouse"] is None else _warehouse(args["warehouse"])
        return list_runs(
            warehouse_id=None if wh is None else wh.id,
            limit=args.get("limit"),
            cursor=args.get("cursor"),
        )

    @idempotent
    @blp.arguments(RunCreateSchema)
    @blp.response(201, RunSchema)
    @requires("supervisor")
    def post(self, body: dict[str, Any]) -> SuggestionRunView:
        """Run the reorder policies (one warehouse's, or all) and draft POs per supplier; the
        answer lists the lines that order (GET the run for every line)."""
        principal = current_principal()
        if body["warehouse"] is not None:
            wh_id: int | None = _warehouse(body["warehouse"]).id
        elif sees_every_warehouse(principal.role):
            wh_id = None
        else:
            raise WarehouseNotAllowed(
                "name a warehouse: a run over every warehouse needs rights to all of them",
                {"field": "warehouse"},
            )
        return run_suggestions(
            trigger="api" if principal.token_kind == "api_key" else "console",
            actor_id=principal.user_id,
            warehouse_id=wh_id,
            line_outcome="ordered",
        )


@blp.route("/purchasing/suggestion-runs/<int:run_id>")
class SuggestionRunById(MethodView):
    @blp.arguments(RunGetArgs, location="query")
    @blp.response(200, RunSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any], run_id: int) -> SuggestionRunView:
        """A run with its draft POs and every line's explanation (`outcome` filters lines)."""
        run = run_view(run_id, args["outcome"])
        if run.warehouse is not None:
            require_rights(current_principal().user_id, Ref(run.warehouse.id, run.warehouse.code))
        return run


@blp.route("/purchasing/positions")
class Positions(MethodView):
    @blp.arguments(PositionArgs, location="query")
    @blp.response(200, PositionPageSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> Page[ItemPositionView]:
        """Inventory positions in a warehouse by item: on hand + open PO + in transit -
        reserved - backordered (`item`: one SKU)."""
        wh = _warehouse(args["warehouse"])
        item_id = None if args["item"] is None else item_by_ref(args["item"], None).id
        return list_positions(
            wh, item_id=item_id, limit=args.get("limit"), cursor=args.get("cursor")
        )


@blp.route("/purchasing/demand")
class ItemDemand(MethodView):
    @blp.arguments(DemandArgsSchema, location="query")
    @blp.response(200, ItemDemandSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> ItemDemandView:
        """An item's daily demand in a warehouse and its forecast, in total and per channel."""
        wh = _warehouse(args["warehouse"])
        return item_demand(args["item"], wh.id, args["days"])
