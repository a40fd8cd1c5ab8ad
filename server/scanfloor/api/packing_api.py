"""The pack station: find an order, open cartons, pack scans, close; carton types; labels
and the packing slip."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..labels.service import LabelFile
from ..packing import cartons_service, documents, lookup, service
from ..packing.cartons_service import CartonTypeView
from ..packing.lookup import CartonView, PackView
from ..packing.service import PackResult
from .idempotency import idempotent, replay_header, request_key
from .label_schemas import LabelFormatArgsSchema
from .packing_schemas import (
    CartonSchema,
    CartonTypeInSchema,
    CartonTypeListSchema,
    CartonTypeSchema,
    CloseCartonSchema,
    OpenCartonSchema,
    PackingSlipArgsSchema,
    PackItemSchema,
    PackLookupArgsSchema,
    PackResultSchema,
    PackViewSchema,
)

blp = Blueprint("packing_api", __name__, url_prefix="/api/v1", description="Packing")

_FILE: dict[str, Any] = {
    "description": "The file, with a Content-Disposition file name",
    "content": {
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in ("image/png", "application/pdf", "text/plain")
    },
}
# The slip is always a PDF; octet-stream is declared beside it because generated clients
# (openapi-python-client) read binary answers only under a media type they know.
_PDF: dict[str, Any] = {
    **_FILE,
    "content": {
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in ("application/pdf", "application/octet-stream")
    },
}


def _download(file: LabelFile) -> Response:
    return Response(
        file.body,
        content_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


@blp.route("/pack/lookup")
class PackLookup(MethodView):
    @blp.arguments(PackLookupArgsSchema, location="query")
    @blp.response(200, PackViewSchema)
    @requires("worker")
    def get(self, args: dict[str, Any]) -> PackView:
        """The order behind a tote, a carton, an external order id or an id, as packing sees it."""
        return lookup.pack_lookup(args["code"])


@blp.route("/pack/orders/<bigid:order_id>/cartons")
class OrderCartons(MethodView):
    @replay_header
    @blp.arguments(OpenCartonSchema())
    @blp.response(201, CartonSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], order_id: int) -> CartonView:
        """Open a new carton for the order, coded with a new SSCC."""
        return service.open_carton(
            order_id,
            station_code=body["station"],
            actor_id=current_principal().user_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/pack/cartons/<bigid:carton_id>/items")
class CartonItems(MethodView):
    @replay_header
    @blp.arguments(PackItemSchema())
    @blp.response(200, PackResultSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], carton_id: int) -> PackResult:
        """Pack a scanned item from the order's totes into the carton."""
        principal = current_principal()
        return service.pack_item(
            carton_id,
            body["item"],
            body["quantity"],
            actor_id=principal.user_id,
            device_id=body["device_id"] or principal.device_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/pack/cartons/<bigid:carton_id>/close")
class CloseCarton(MethodView):
    @replay_header
    @blp.arguments(CloseCartonSchema())
    @blp.response(200, CartonSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], carton_id: int) -> CartonView:
        """Close the carton with its type and gross weight; fully packed lines become packed."""
        return service.close_carton(
            carton_id,
            body["carton_type"],
            body["weight_g"],
            actor_id=current_principal().user_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/pack/cartons/<bigid:carton_id>/label")
class CartonLabel(MethodView):
    @blp.arguments(LabelFormatArgsSchema, location="query")
    @blp.doc(responses={"200": _FILE})
    @requires("worker")
    def get(self, args: dict[str, Any], carton_id: int) -> Response:
        """The carton's SSCC label (GS1-128, AI 00) with its order and carton n of m."""
        return _download(documents.carton_label(carton_id, **args))


@blp.route("/pack/cartons/<bigid:carton_id>/shipping-label")
class ShippingLabel(MethodView):
    @blp.arguments(LabelFormatArgsSchema, location="query")
    @blp.doc(responses={"200": _FILE})
    @requires("worker")
    def get(self, args: dict[str, Any], carton_id: int) -> Response:
        """The carrier label (tracking number as Code 128), once the carton is on a shipment."""
        return _download(documents.shipping_label(carton_id, **args))


@blp.route("/pack/orders/<bigid:order_id>/packing-slip")
class PackingSlip(MethodView):
    @blp.arguments(PackingSlipArgsSchema, location="query")
    @blp.doc(responses={"200": _PDF})
    @requires("worker")
    def get(self, args: dict[str, Any], order_id: int) -> Response:
        """The order's packing slip: ship-to, lines and what each carton holds (PDF)."""
        return _download(documents.packing_slip(order_id, **args))


@blp.route("/carton-types")
class CartonTypes(MethodView):
    @blp.response(200, CartonTypeListSchema)
    @requires("worker")
    def get(self) -> dict[str, list[CartonTypeView]]:
        """The active carton types, by code."""
        return {"carton_types": cartons_service.list_carton_types()}

    @idempotent
    @blp.arguments(CartonTypeInSchema)
    @blp.response(201, CartonTypeSchema)
    @requires("manager")
    def post(self, body: dict[str, Any]) -> CartonTypeView:
        """Add a carton type (its code is what packers scan or type to close a carton)."""
        return cartons_service.create_carton_type(**body)
