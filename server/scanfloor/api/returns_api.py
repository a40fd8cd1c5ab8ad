"""Returns: authorisations from channels and the back office, the returns desk on the
scanner (lookup, unannounced returns, receipt, inspection, photos) and the lists behind
the console.

Channels call POST /returns with a manager's API key and name themselves by `channel`, like
POST /orders: (channel, external_id) identifies a return, so a retried one answers 200 with
the first. Scanner steps take `client_scan_id` as their idempotency key.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..errors import ValidationFailed
from ..picking.queries import require_rights, warehouse
from ..returns import (
    capture_service,
    desk_queries,
    inspect_service,
    photos_service,
    queries,
    receive_service,
    status_service,
)
from ..returns.views import RmaSummary, RmaView
from .body_limits import larger_body
from .idempotency import idempotent, replay_header, request_key
from .returns_schemas import (
    ReturnInspectOutSchema,
    ReturnInspectSchema,
    ReturnLookupArgsSchema,
    ReturnLookupSchema,
    ReturnOrderSearchArgsSchema,
    ReturnOrderSearchSchema,
    ReturnPhotoSchema,
    ReturnReceiveOutSchema,
    ReturnReceiveSchema,
    ReturnRestockOutSchema,
    ReturnScannerPostSchema,
    ReturnUnannouncedSchema,
    RmaCreateSchema,
    RmaListArgsSchema,
    RmaListSchema,
    RmaSchema,
)

blp = Blueprint("returns_api", __name__, url_prefix="/api/v1/returns", description="Returns")

PHOTO_FIELD = "file"
_PHOTO_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    PHOTO_FIELD: {"type": "string", "format": "binary"},
                    "return_line_id": {"type": "integer", "minimum": 1},
                },
                "required": [PHOTO_FIELD],
            }
        }
    },
}
# The answer is image/png, image/jpeg or image/webp; application/octet-stream is listed
# too so that generated clients (which know no image types) type it as bytes.
_IMAGE = {
    "description": "The photo's bytes, with the content type they proved to be",
    "content": {
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in ("image/png", "image/jpeg", "image/webp", "application/octet-stream")
    },
}


def _device(body: dict[str, Any]) -> str | None:
    return body.get("device_id") or current_principal().device_id


def _in_warehouse(ref: str | None) -> int | None:
    """The warehouse a query names, if the caller may work there."""
    if ref is None:
        return None
    wh = warehouse(ref)
    require_rights(current_principal().user_id, wh)
    return wh.id


@blp.route("")
class Returns(MethodView):
    @blp.arguments(RmaListArgsSchema, location="query")
    @blp.response(200, RmaListSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> dict[str, list[RmaSummary]]:
        """Returns newest first, by warehouse, status or text (number, ids, customer)."""
        wh = _in_warehouse(args.get("warehouse"))
        found = queries.list_rmas(
            warehouse_id=wh, status=args.get("status"), q=args.get("q"), limit=args["limit"]
        )
        return {"returns": found}

    @replay_header
    @blp.arguments(RmaCreateSchema)
    @blp.response(201, RmaSchema)
    @blp.alt_response(200, schema=RmaSchema, description="The return existed: the first one")
    @requires("manager")
    def post(self, body: dict[str, Any]) -> Any:
        """Authorise a return from a channel or the back office (200 if captured before)."""
        principal = current_principal()
        lines = [capture_service.RmaLineInput(**ln) for ln in body.pop("lines")]
        source = "channel" if principal.token_kind == "api_key" else "back_office"
        got = capture_service.capture_return(
            capture_service.RmaInput(**body, lines=lines, source=source),
            principal.user_id,
            key=request_key(),
        )
        return got.rma, 201 if got.created else 200


@blp.route("/<bigid:rma_id>")
class ReturnById(MethodView):
    @blp.response(200, RmaSchema)
    @requires("worker", also=("finance",))
    def get(self, rma_id: int) -> RmaView:
        """One return with its lines, inspections and photos."""
        receive_service.check_rights(current_principal().user_id, queries.rma_row(rma_id))
        return queries.rma_view(rma_id)


@blp.route("/lookup")
class ReturnLookup(MethodView):
    @blp.arguments(ReturnLookupArgsSchema, location="query")
    @blp.response(200, ReturnLookupSchema)
    @requires("worker")
    def get(self, args: dict[str, Any]) -> Any:
        """What a scanned code names: an RMA, or an order to open an unannounced return for."""
        _in_warehouse(args.get("warehouse"))
        return desk_queries.lookup(args["code"])


@blp.route("/orders")
class ReturnOrders(MethodView):
    @blp.arguments(ReturnOrderSearchArgsSchema, location="query")
    @blp.response(200, ReturnOrderSearchSchema)
    @requires("worker")
    def get(self, args: dict[str, Any]) -> Any:
        """Orders by customer name, e-mail or external id (3+ characters), newest first."""
        _in_warehouse(args.get("warehouse"))
        return {"orders": desk_queries.find_orders(args["q"])}


@blp.route("/unannounced")
class Unannounced(MethodView):
    @replay_header
    @blp.arguments(ReturnUnannouncedSchema())
    @blp.response(201, RmaSchema)
    @blp.alt_response(200, schema=RmaSchema, description="The order's open return")
    @requires("worker")
    def post(self, body: dict[str, Any]) -> Any:
        """A parcel nobody announced: a return expecting what the order shipped."""
        got = capture_service.open_unannounced(
            body["order_id"],
            body["warehouse"],
            actor_id=current_principal().user_id,
            device_id=_device(body),
            idempotency_key=request_key(body["client_scan_id"]),
        )
        return got.rma, 201 if got.created else 200


@blp.route("/<bigid:rma_id>/receive")
class Receive(MethodView):
    @replay_header
    @blp.arguments(ReturnReceiveSchema())
    @blp.response(200, ReturnReceiveOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], rma_id: int) -> receive_service.ReceiveResult:
        """Scan returned units into the returns area (flagged ones only with accept_flag)."""
        scan = receive_service.ReturnScan(
            rma_id=rma_id,
            barcode=body["barcode"],
            quantity=body["quantity"],
            lot=body["lot"],
            accept_flag=body["accept_flag"],
        )
        return receive_service.receive_return(
            scan,
            actor_id=current_principal().user_id,
            device_id=_device(body),
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/<bigid:rma_id>/close-receipt")
class CloseReceipt(MethodView):
    @replay_header
    @blp.arguments(ReturnScannerPostSchema())
    @blp.response(200, RmaSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], rma_id: int) -> RmaView:
        """Done receiving: nothing more arrives for this return."""
        return receive_service.close_receipt(
            rma_id,
            actor_id=current_principal().user_id,
            idempotency_key=request_key(body["client_scan_id"]),
        )


@blp.route("/<bigid:rma_id>/lines/<bigid:line_id>/restock")
class Restock(MethodView):
    @blp.response(200, ReturnRestockOutSchema)
    @requires("worker")
    def get(self, rma_id: int, line_id: int) -> dict[str, Any]:
        """The bin the putaway rules suggest for the line's sellable units (null: none)."""
        receive_service.check_rights(current_principal().user_id, queries.rma_row(rma_id))
        return {"suggestion": desk_queries.restock_suggestion(rma_id, line_id)}


@blp.route("/<bigid:rma_id>/inspect")
class Inspect(MethodView):
    @replay_header
    @blp.arguments(ReturnInspectSchema())
    @blp.response(200, ReturnInspectOutSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], rma_id: int) -> inspect_service.InspectResult:
        """Give received units a disposition: a ledger movement, a reason, the credit due."""
        asked = inspect_service.Inspection(
            rma_id=rma_id,
            return_line_id=body["return_line_id"],
            quantity=body["quantity"],
            disposition=body["disposition"],
            credit=body["credit"],
            reason_code=body["reason_code"],
            restocking_fee=body["restocking_fee"],
            location=body["location"],
            supplier_id=body["supplier_id"],
            photo_id=body["photo_id"],
            note=body["note"],
        )
        return inspect_service.inspect_return(
            asked,
            actor_id=current_principal().user_id,
            device_id=_device(body),
            idempotency_key=request_key(body["client_scan_id"]),
        )


def _line_id() -> int | None:
    raw = request.form.get("return_line_id")
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18 or int(raw) < 1:
        raise ValidationFailed("return_line_id is a line's id", {"field": "return_line_id"})
    return int(raw)


@blp.route("/<bigid:rma_id>/photos")
class Photos(MethodView):
    @larger_body("SCANFLOOR_RETURN_PHOTO_MAX_BYTES")
    @blp.doc(requestBody=_PHOTO_BODY)
    @blp.response(201, ReturnPhotoSchema)
    @blp.alt_response(200, schema=ReturnPhotoSchema, description="The same photo was kept before")
    @requires("worker")
    def post(self, rma_id: int) -> Any:
        """Keep a photo of the item's condition (JPEG, PNG or WebP, checked by content)."""
        upload = request.files.get(PHOTO_FIELD)
        if upload is None:
            raise ValidationFailed(
                f"send the photo as a multipart file field named '{PHOTO_FIELD}'",
                {"content_type": request.mimetype},
            )
        limit = int(current_app.config["SCANFLOOR_RETURN_PHOTO_MAX_BYTES"])
        data = upload.stream.read(limit + 1)  # one byte past the limit says it is too large
        photo, created = photos_service.add_photo(
            rma_id,
            data,
            max_bytes=limit,
            return_line_id=_line_id(),
            actor_id=current_principal().user_id,
        )
        return photo, 201 if created else 200


@blp.route("/photos/<bigid:photo_id>")
class Photo(MethodView):
    @blp.doc(responses={"200": _IMAGE})
    @requires("worker", also=("finance",))
    def get(self, photo_id: int) -> Response:
        """A return's photo, to signed-in users only (never cached by the browser)."""
        data, content_type = queries.photo_file(photo_id)
        return Response(
            data,
            mimetype=content_type,
            headers={
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
                "Content-Disposition": "inline",
            },
        )


@blp.route("/<bigid:rma_id>/cancel")
class Cancel(MethodView):
    @idempotent
    @blp.response(200, RmaSchema)
    @requires("supervisor")
    def post(self, rma_id: int) -> RmaView:
        """Withdraw a return before anything of it arrived."""
        status_service.cancel_return(rma_id)
        return queries.rma_view(rma_id)
