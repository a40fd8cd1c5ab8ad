"""Reorder policies: how each item is reordered in each warehouse."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..catalog.results import Page
from ..purchasing import reorder_policy_service
from ..purchasing.terms_views import ReorderPolicyView
from .idempotency import idempotent
from .terms_schemas import (
    ReorderPolicyListArgs,
    ReorderPolicyPageSchema,
    ReorderPolicyPutSchema,
    ReorderPolicySchema,
)

blp = Blueprint(
    "reorder_policies_api", __name__, url_prefix="/api/v1", description="Reorder policies"
)


@blp.route("/reorder-policies")
class ReorderPolicies(MethodView):
    @blp.arguments(ReorderPolicyListArgs, location="query")
    @blp.response(200, ReorderPolicyPageSchema)
    @requires("worker")
    def get(self, args: dict[str, Any]) -> Page[ReorderPolicyView]:
        """List reorder policies; filter by warehouse, SKU, supplier, policy or active."""
        return reorder_policy_service.list_reorder_policies(**args)

    @idempotent
    @blp.arguments(ReorderPolicyPutSchema)
    @blp.response(200, ReorderPolicySchema)
    @requires("supervisor")
    def put(self, args: dict[str, Any]) -> ReorderPolicyView:
        """Set an item's reorder policy in a warehouse (replacing the one there)."""
        return reorder_policy_service.upsert_reorder_policy(
            **args, actor_id=current_principal().user_id
        )


@blp.route("/reorder-policies/<int:policy_id>")
class ReorderPolicyById(MethodView):
    @idempotent
    @blp.response(200, ReorderPolicySchema)
    @requires("supervisor")
    def delete(self, policy_id: int) -> ReorderPolicyView:
        """Deactivate a reorder policy (it is kept; PUT revives it)."""
        return reorder_policy_service.deactivate_reorder_policy(
            policy_id, actor_id=current_principal().user_id
        )
