"""Orders from sales channels: capture, read, cancel, change, CSV import, allocation run.

Channels call POST /orders with an API key (a user with role manager) and name themselves
by `channel` code in the body; (channel, external_id) identifies an order, so a retried
order answers 200 with the first one instead of 201 with a new one.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..allocation import changes_service, order_import, order_views, orders_service, realloc
from ..allocation.engine import AllocationSummary
from ..auth.guard import current_principal, requires
from ..finance.order_money import order_money
from ..picking.cancel_service import cancel_picking_order
from .allocation_schemas import (
    AllocationRunSchema,
    LineChangeSchema,
    OrderCreateSchema,
    OrderEventSchema,
    OrderImportResultSchema,
    OrderImportSchema,
    OrderListArgsSchema,
    OrderPageSchema,
    OrderSchema,
)
from .idempotency import idempotent, replay_header, request_key
from .order_money_schemas import OrderDetailSchema

blp = Blueprint("orders_api", __name__, url_prefix="/api/v1", description="Orders and allocation")


@blp.route("/orders")
class Orders(MethodView):
    @blp.arguments(OrderListArgsSchema, location="query")
    @blp.response(200, OrderPageSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> Any:
        """Orders, newest first, by channel, status or external id."""
        return order_views.list_orders(**args)

    @replay_header
    @blp.arguments(OrderCreateSchema)
    @blp.response(201, OrderSchema)
    @blp.alt_response(200, schema=OrderSchema, description="The order existed: the first one")
    @requires("manager")
    def post(self, body: dict[str, Any]) -> Any:
        """Capture an order from a channel and allocate it (200 if it was captured before)."""
        got = orders_service.capture_order(
            orders_service.OrderInput(**body), current_principal().user_id, key=request_key()
        )
        return got.order, 201 if got.created else 200


@blp.route("/orders/<bigid:order_id>")
class OrderById(MethodView):
    @blp.response(200, OrderDetailSchema)
    @requires("supervisor", also=("finance",))
    def get(self, order_id: int) -> dict[str, Any]:
        """One order with its lines, reservations and (finance readers) its money status."""
        view = order_views.order_view(order_id)
        # Finance reads: the roles of this route today, checked again so opening the route
        # to another role (a worker's scanner) never opens the money with it.
        reads_money = current_principal().has_role("supervisor", also=("finance",))
        money = order_money(order_id) if reads_money else None
        return {**vars(view), "finance": money}


@blp.route("/orders/<bigid:order_id>/events")
class OrderEvents(MethodView):
    @blp.response(200, OrderEventSchema(many=True))
    @requires("supervisor", also=("finance",))
    def get(self, order_id: int) -> list[order_views.EventView]:
        """Every status transition of the order and its lines: when, who, from, to."""
        return order_views.order_history(order_id)


@blp.route("/orders/<bigid:order_id>/cancel")
class OrderCancel(MethodView):
    @idempotent
    @blp.response(200, OrderSchema)
    @requires("manager")
    def post(self, order_id: int) -> order_views.OrderView:
        """Cancel the order; being picked, its picked units go back to stock via staging."""
        return cancel_picking_order(order_id, actor_id=current_principal().user_id)


@blp.route("/orders/<bigid:order_id>/lines/<int:line_no>")
class OrderLineChange(MethodView):
    @idempotent
    @blp.arguments(LineChangeSchema)
    @blp.response(200, OrderSchema)
    @requires("manager")
    def patch(self, body: dict[str, Any], order_id: int, line_no: int) -> order_views.OrderView:
        """Lower an ordered line's quantity (409 once picking has started)."""
        return changes_service.change_line_quantity(
            order_id, line_no, body["quantity"], current_principal().user_id
        )


@blp.route("/orders/<bigid:order_id>/lines/<int:line_no>/cancel")
class OrderLineCancel(MethodView):
    @idempotent
    @blp.response(200, OrderSchema)
    @requires("manager")
    def post(self, order_id: int, line_no: int) -> order_views.OrderView:
        """Cancel one ordered line (a kit's components with it)."""
        return changes_service.cancel_line(order_id, line_no, current_principal().user_id)


@blp.route("/orders/import")
class OrderImport(MethodView):
    @idempotent
    @blp.arguments(OrderImportSchema)
    @blp.response(200, OrderImportResultSchema)
    @requires("manager")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Import wholesale orders from CSV text: every order of the file, or none."""
        rows = order_import.import_orders_csv(
            body["channel"], body["csv"], current_principal().user_id
        )
        return {"orders": rows}


@blp.route("/allocation/run")
class AllocationRun(MethodView):
    @idempotent
    @blp.response(200, AllocationRunSchema)
    @requires("manager")
    def post(self) -> AllocationSummary:
        """Allocate every waiting line, by channel priority, promised date and age."""
        return realloc.run_allocation(current_principal().user_id)
