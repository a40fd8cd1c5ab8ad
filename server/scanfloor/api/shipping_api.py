"""Carriers and shipments: manifests per carrier and dock door, cartons scanned on, confirm.

Roles: managers add carriers; every floor role reads them, opens a shipment, scans cartons
on and off and confirms it (the dock loader closes the truck: the server refuses what may
not ship, and every confirm names its worker; docs/decisions/0015).
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..shipping import service
from ..shipping.queries import ShipmentView
from .idempotency import idempotent, replay_header, request_key
from .shipping_schemas import (
    CarrierCreateSchema,
    CarrierListSchema,
    CarrierSchema,
    CartonScanSchema,
    ShipmentConfirmSchema,
    ShipmentCreateSchema,
    ShipmentListArgsSchema,
    ShipmentListSchema,
    ShipmentSchema,
)

blp = Blueprint(
    "shipping_api", __name__, url_prefix="/api/v1", description="Carriers and shipments"
)


@blp.route("/carriers")
class Carriers(MethodView):
    @blp.response(200, CarrierListSchema)
    @requires("worker")
    def get(self) -> dict[str, Any]:
        """Every carrier with its services and what is left of its tracking range."""
        return {"carriers": service.list_carriers()}

    @idempotent
    @blp.arguments(CarrierCreateSchema)
    @blp.response(201, CarrierSchema)
    @requires("manager")
    def post(self, body: dict[str, Any]) -> service.CarrierView:
        """Add a carrier (adapter "manual": tracking numbers from the range given)."""
        return service.create_carrier(**body)


@blp.route("/shipments")
class Shipments(MethodView):
    @blp.arguments(ShipmentListArgsSchema, location="query")
    @blp.response(200, ShipmentListSchema)
    @requires("worker", also=("finance",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Shipments, newest first, by warehouse and status."""
        return {"shipments": service.list_shipments(**args)}

    @idempotent
    @blp.arguments(ShipmentCreateSchema)
    @blp.response(201, ShipmentSchema)
    @requires("worker")
    def post(self, body: dict[str, Any]) -> ShipmentView:
        """Open a shipment for a carrier's service at a dock door."""
        return service.open_shipment(
            body["warehouse"],
            body["carrier"],
            body["service"],
            body["dock_door"],
            actor_id=current_principal().user_id,
        )


@blp.route("/shipments/<bigid:shipment_id>")
class ShipmentById(MethodView):
    @blp.response(200, ShipmentSchema)
    @requires("worker", also=("finance",))
    def get(self, shipment_id: int) -> ShipmentView:
        """One shipment with its cartons, tracking numbers and orders."""
        return service.get_shipment(shipment_id)


@blp.route("/shipments/<bigid:shipment_id>/cartons")
class ShipmentCartons(MethodView):
    @replay_header
    @blp.arguments(CartonScanSchema())
    @blp.response(200, ShipmentSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], shipment_id: int) -> ShipmentView:
        """Scan a closed carton onto the shipment; it gets the carrier's tracking number."""
        return service.add_carton(
            shipment_id,
            body["carton"],
            actor_id=current_principal().user_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/shipments/<bigid:shipment_id>/cartons/<bigid:carton_id>")
class ShipmentCartonById(MethodView):
    @idempotent
    @blp.response(200, ShipmentSchema)
    @requires("worker")
    def delete(self, shipment_id: int, carton_id: int) -> ShipmentView:
        """Take a carton off an open shipment; its tracking number is void."""
        return service.remove_carton(shipment_id, carton_id, actor_id=current_principal().user_id)


@blp.route("/shipments/<bigid:shipment_id>/confirm")
class ShipmentConfirm(MethodView):
    @replay_header
    @blp.arguments(ShipmentConfirmSchema())
    @blp.response(200, ShipmentSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], shipment_id: int) -> ShipmentView:
        """Ship every carton to the customer, ship the lines, tell the channels."""
        principal = current_principal()
        return service.confirm_shipment(
            shipment_id,
            actor_id=principal.user_id,
            device_id=body["device_id"] or principal.device_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )
