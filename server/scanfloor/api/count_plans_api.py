"""Count plans: ABC classification, scheduled and ad-hoc counts, policies, accuracy."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..counting import plans_service
from ..counting.accuracy import Accuracy, accuracy
from ..counting.plan_queries import list_item_classes
from ..picking.queries import require_rights, warehouse
from ..picking.views import Ref
from .count_plan_schemas import (
    AccuracyArgsSchema,
    AccuracyOutSchema,
    AdhocInSchema,
    AdhocOutSchema,
    ClassifyInSchema,
    ClassifyOutSchema,
    GenerateInSchema,
    ItemClassArgsSchema,
    ItemClassListSchema,
    PlanOutSchema,
    PoliciesInSchema,
    PoliciesOutSchema,
    PolicyArgsSchema,
)

blp = Blueprint("count_plans_api", __name__, url_prefix="/api/v1", description="Count plans")


def _warehouse(ref: int | str) -> Ref:
    wh = warehouse(ref)
    require_rights(current_principal().user_id, wh)
    return wh


@blp.route("/count-plans/classify")
class Classify(MethodView):
    @blp.arguments(ClassifyInSchema)
    @blp.response(200, ClassifyOutSchema)
    @requires("manager")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Rank the warehouse's items by value or velocity from the ledger into A, B, C."""
        wh = _warehouse(body["warehouse"])
        r = plans_service.classify_warehouse(
            wh.id, body["basis"], body["window_days"], current_principal().user_id
        )
        return {**r.__dict__, "warehouse": wh}


@blp.route("/item-classes")
class ItemClasses(MethodView):
    @blp.arguments(ItemClassArgsSchema, location="query")
    @blp.response(200, ItemClassListSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The warehouse's classified items by rank, with their last count and next due date."""
        wh = _warehouse(args["warehouse"])
        rows = list_item_classes(wh.id, args.get("abc_class"))
        return {
            "items": [
                {**r.__dict__, "item": {"id": r.item_id, "sku": r.sku, "name": r.name}}
                for r in rows
            ]
        }


@blp.route("/count-plans/generate")
class Generate(MethodView):
    @blp.arguments(GenerateInSchema)
    @blp.response(200, PlanOutSchema)
    @requires("supervisor")
    def post(self, body: dict[str, Any]) -> plans_service.PlanResult:
        """Raise the day's scheduled counts: one task per bin holding an item due."""
        wh = _warehouse(body["warehouse"])
        return plans_service.generate_counts(wh.id, body["on"], current_principal().user_id)


@blp.route("/count-plans/adhoc")
class Adhoc(MethodView):
    @blp.arguments(AdhocInSchema)
    @blp.response(200, AdhocOutSchema)
    @requires("supervisor")
    def post(self, body: dict[str, Any]) -> plans_service.PlanResult:
        """Raise a whole-bin count of every bin in a zone, or of the bins named."""
        wh = _warehouse(body["warehouse"])
        return plans_service.count_zone(
            wh.id, body["zone"], body["locations"], current_principal().user_id
        )


@blp.route("/count-policies")
class Policies(MethodView):
    @blp.arguments(PolicyArgsSchema, location="query")
    @blp.response(200, PoliciesOutSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Each class's interval, tolerances and share (a warehouse's, or the defaults)."""
        wh = None if args["warehouse"] is None else _warehouse(args["warehouse"])
        return {
            "warehouse": wh,
            "policies": plans_service.get_policies(None if wh is None else wh.id),
        }

    @blp.arguments(PoliciesInSchema)
    @blp.response(200, PoliciesOutSchema)
    @requires("manager")
    def put(self, body: dict[str, Any]) -> dict[str, Any]:
        """Set the classes given, for a warehouse or as the defaults of every warehouse."""
        wh = None if body["warehouse"] is None else _warehouse(body["warehouse"])
        changes = [plans_service.PolicyChange(**p) for p in body["policies"]]
        views = plans_service.set_policies(
            None if wh is None else wh.id, changes, current_principal().user_id
        )
        return {"warehouse": wh, "policies": views}


@blp.route("/counts/accuracy")
class CountAccuracy(MethodView):
    @blp.arguments(AccuracyArgsSchema, location="query")
    @blp.response(200, AccuracyOutSchema)
    @requires("supervisor")
    def get(self, args: dict[str, Any]) -> Accuracy:
        """First-count accuracy (by lines and by value) per bin, zone or ABC class."""
        wh = _warehouse(args["warehouse"])
        return accuracy(wh.id, args["date_from"], args["date_to"], args["by"])
