"""Purchase orders and receiving them: create, import, open, close, read, and the scanner's
receive confirmation."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..auth.sessions import verify_badge
from ..catalog.results import Page
from ..errors import ApprovalRefused, InvalidCredentials, ValidationFailed
from ..purchasing import orders_service
from ..purchasing import queries as purchasing_queries
from ..purchasing.orders_service import LineSpec
from ..purchasing.results import ImportResult, PoSummary, PoView
from ..receiving import queries
from ..receiving.confirmation import Approver, Confirmation
from ..receiving.receive_service import receive
from ..receiving.results import ReceiptView
from ..receiving.scan_context import scan_context
from .idempotency import idempotent, replay_header, request_key
from .receiving_schemas import (
    ImportArgs,
    ImportResultSchema,
    PoCreateSchema,
    PoListArgs,
    PoPageSchema,
    PoSchema,
    ReceiptListSchema,
    ReceiveResultSchema,
    ReceiveSchema,
    ScanContextSchema,
)

blp = Blueprint(
    "receiving_api",
    __name__,
    url_prefix="/api/v1/purchase-orders",
    description="Purchase orders and receiving against them",
)
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel")
_CSV_DOC = {
    "required": True,
    "content": {
        # binary: the file's bytes as they are (UTF-8, a BOM allowed), not a JSON string.
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    },
}


@blp.before_request
def _verify_approval_first() -> None:
    """A supervisor's badge and PIN on a receive are checked before the receipt's write
    transaction opens: a wrong PIN must count toward the badge's lockout, and inside the
    receipt's transaction the count would roll back with the refused confirmation."""
    g.receipt_approver = None
    if request.method != "POST" or request.endpoint != f"{blp.name}.Receive":
        return
    body = request.get_json(silent=True)
    approval = body.get("approval") if isinstance(body, dict) else None
    if not isinstance(approval, dict):
        return
    badge, pin = approval.get("badge"), approval.get("pin")
    if not (isinstance(badge, str) and isinstance(pin, str) and badge.strip() and pin):
        return  # the schema refuses it with field details
    try:
        who = verify_badge(badge, pin)
    except InvalidCredentials as exc:
        # Not 401: that would tell the scanner its own sign-in had ended.
        raise ApprovalRefused(
            "the approval's badge or PIN is wrong", {"reason": "invalid_credentials"}
        ) from exc
    g.receipt_approver = Approver(who.id, who.username, who.role)


def _csv_text() -> str:
    upload = request.files.get("file")
    raw = upload.read() if upload is not None else None
    if raw is None and request.mimetype in CSV_TYPES:
        raw = request.get_data(cache=True)
    if raw is None:
        raise ValidationFailed(
            "send the CSV as a text/csv body or as a multipart file field named 'file'",
            {"content_type": request.mimetype},
        )
    try:
        return str(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValidationFailed("the CSV must be UTF-8 text", {"byte": exc.start}) from exc


@blp.route("")
class PurchaseOrders(MethodView):
    @blp.arguments(PoListArgs, location="query")
    @blp.response(200, PoPageSchema)
    @requires("worker", also=("finance",))
    def get(self, args: dict[str, Any]) -> Page[PoSummary]:
        """List POs newest first (filters: state (comma-separated), q, number, supplier_id)."""
        return purchasing_queries.list_purchase_orders(role=current_principal().role, **args)

    @idempotent
    @blp.arguments(PoCreateSchema)
    @blp.response(201, PoSchema)
    @requires("manager")
    def post(self, args: dict[str, Any]) -> PoView:
        """Create a draft PO: supplier (code) or supplier_id, and lines by sku or item_id."""
        lines = [LineSpec(**line) for line in args.pop("lines")]
        return orders_service.create_purchase_order(
            **args, lines=lines, actor_id=current_principal().user_id
        )


@blp.route("/import")
class ImportPurchaseOrders(MethodView):
    @idempotent
    @blp.arguments(ImportArgs, location="query")
    @blp.response(201, ImportResultSchema)
    @blp.doc(requestBody=_CSV_DOC)
    @requires("manager")
    def post(self, args: dict[str, Any]) -> ImportResult:
        """Import POs from CSV (po_number,supplier,sku,quantity,unit_cost,expected_date): all
        rows or none; errors name the row (the header is row 1)."""
        return orders_service.import_purchase_orders(
            _csv_text(), actor_id=current_principal().user_id, open_orders=args["open"]
        )


@blp.route("/<int:po_id>")
class PurchaseOrderById(MethodView):
    @blp.response(200, PoSchema)
    @requires("worker", also=("finance",))
    def get(self, po_id: int) -> PoView:
        """One PO with its lines (received vs ordered) and receipts; blind for workers."""
        return queries.po_view(po_id, role=current_principal().role)


@blp.route("/<int:po_id>/open")
class OpenPurchaseOrder(MethodView):
    @idempotent
    @blp.response(200, PoSchema)
    @requires("manager")
    def post(self, po_id: int) -> PoView:
        """Open a draft PO for receiving."""
        return orders_service.open_purchase_order(po_id)


@blp.route("/<int:po_id>/close")
class ClosePurchaseOrder(MethodView):
    @idempotent
    @blp.response(200, PoSchema)
    @requires("manager")
    def post(self, po_id: int) -> PoView:
        """Close a PO: no more receiving; short lines stay short."""
        return orders_service.close_purchase_order(po_id)


@blp.route("/<int:po_id>/receipts")
class PurchaseOrderReceipts(MethodView):
    @blp.response(200, ReceiptListSchema)
    @requires("worker", also=("finance",))
    def get(self, po_id: int) -> dict[str, list[ReceiptView]]:
        """The PO's receipt documents: who, when, device, and each line with its variance."""
        return {"receipts": queries.list_receipts(po_id, role=current_principal().role)}


@blp.route("/<int:po_id>/scan-context")
class ScanContext(MethodView):
    @blp.response(200, ScanContextSchema)
    @requires("worker")
    def get(self, po_id: int) -> dict[str, Any]:
        """What a scanner caches to check scans offline: lines, barcodes, docks."""
        return scan_context(po_id, role=current_principal().role)


@blp.route("/<int:po_id>/receive")
class Receive(MethodView):
    @replay_header
    @blp.arguments(ReceiveSchema())  # an instance: webargs would build one per request
    @blp.response(201, ReceiveResultSchema)
    @requires("worker")
    def post(self, body: dict[str, Any], po_id: int) -> dict[str, Any]:
        """Receive one confirmation: good units Vendor -> dock (or LPN), damaged -> quarantine."""
        principal = current_principal()
        body.pop("approval", None)
        scan_id = body.pop("client_scan_id", None)
        body["device_id"] = body.get("device_id") or principal.device_id
        return receive(
            po_id,
            Confirmation(**body),
            actor_id=principal.user_id,
            role=principal.role,
            key=request_key(scan_id),
            approver=g.receipt_approver,
        )
