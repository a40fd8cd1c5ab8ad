"""Reorder policies: how each item is reordered in each warehouse.

Warehouse rights (access/) hold here as on every warehouse's data: a caller reads and writes
the policies of the warehouses they may see only, refused with warehouse_not_allowed (403)
as /purchasing/positions refuses, and a list without `warehouse` keeps to theirs.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..access.service import visible_warehouse_ids
from ..auth.guard import current_principal, requires
from ..catalog.results import Page
from ..picking.queries import require_rights
from ..picking.views import Ref
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


def _may_use(code: str) -> None:
    """Refuse a warehouse the caller has no rights to (a bin or an unknown code is refused
    as the service refuses it: 422 or 404)."""
    wh = reorder_policy_service.warehouse_by_code(code)
    require_rights(current_principal().user_id, Ref(wh.id, wh.code))


@blp.route("/reorder-policies")
class ReorderPolicies(MethodView):
    @blp.arguments(ReorderPolicyListArgs, location="query")
    @blp.response(200, ReorderPolicyPageSchema)
    @requires("worker")
    def get(self, args: dict[str, Any]) -> Page[ReorderPolicyView]:
        """List reorder policies (of the warehouses the caller may see); filter by
        warehouse, SKU, supplier, policy or active."""
        principal = current_principal()
        if args.get("warehouse") is not None:
            _may_use(args["warehouse"])
        return reorder_policy_service.list_reorder_policies(
            **args, warehouse_ids=visible_warehouse_ids(principal.user_id, principal.role)
        )

    @idempotent
    @blp.arguments(ReorderPolicyPutSchema)
    @blp.response(200, ReorderPolicySchema)
    @requires("supervisor")
    def put(self, args: dict[str, Any]) -> ReorderPolicyView:
        """Set an item's reorder policy in a warehouse (replacing the one there)."""
        _may_use(args["warehouse"])
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
        # A policy never changes warehouse (one per item and warehouse), so the warehouse
        # read here is the one the deactivation writes in.
        wh = reorder_policy_service.reorder_policy(policy_id).warehouse
        require_rights(current_principal().user_id, Ref(wh.id, wh.code))
        return reorder_policy_service.deactivate_reorder_policy(
            policy_id, actor_id=current_principal().user_id
        )
