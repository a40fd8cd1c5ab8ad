"""The purchase order lifecycle: approve, send, cancel, amend, edit a draft's line, the
amendment history, and the supplier's PDF and CSV."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..labels.service import LabelFile
from ..purchasing import amend_service, lifecycle_service, po_document_service
from ..purchasing.amend_service import KEEP, LineChange
from ..purchasing.orders_service import LineSpec
from ..purchasing.results import PoAmendmentView, PoView
from .idempotency import idempotent
from .po_lifecycle_schemas import (
    AmendSchema,
    CancelSchema,
    LinePatchSchema,
    PoAmendmentListSchema,
)
from .receiving_schemas import PoSchema

blp = Blueprint(
    "po_lifecycle_api",
    __name__,
    url_prefix="/api/v1/purchase-orders",
    description="Purchase order lifecycle: approve, send, amend, cancel, documents",
)


def _file(*media: str) -> dict[str, Any]:
    return {
        "description": "The file, with a Content-Disposition file name",
        "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in media},
    }


def _download(file: LabelFile) -> Response:
    return Response(
        file.body,
        content_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


@blp.route("/<int:po_id>/approve")
class ApprovePurchaseOrder(MethodView):
    @idempotent
    @blp.response(200, PoSchema)
    @requires("supervisor")
    def post(self, po_id: int) -> PoView:
        """Approve a draft PO (above SCANFLOOR_PO_MANAGER_VALUE a manager approves)."""
        who = current_principal()
        return lifecycle_service.approve_purchase_order(po_id, who.user_id, who.role)


@blp.route("/<int:po_id>/send")
class SendPurchaseOrder(MethodView):
    @idempotent
    @blp.response(200, PoSchema)
    @requires("supervisor")
    def post(self, po_id: int) -> PoView:
        """Send an approved PO to its supplier through the outbox (PDF, CSV and JSON)."""
        return lifecycle_service.send_purchase_order(po_id, current_principal().user_id)


@blp.route("/<int:po_id>/cancel")
class CancelPurchaseOrder(MethodView):
    @idempotent
    @blp.arguments(CancelSchema)
    @blp.response(200, PoSchema)
    @requires("supervisor")
    def post(self, args: dict[str, Any], po_id: int) -> PoView:
        """Cancel a PO nothing was received against (a sent one: the supplier is told)."""
        return lifecycle_service.cancel_purchase_order(
            po_id, current_principal().user_id, args["reason"]
        )


@blp.route("/<int:po_id>/amend")
class AmendPurchaseOrder(MethodView):
    @idempotent
    @blp.arguments(AmendSchema)
    @blp.response(200, PoSchema)
    @requires("supervisor")
    def post(self, args: dict[str, Any], po_id: int) -> PoView:
        """Amend an approved, sent or open PO's lines; history is kept, a sent PO re-sent."""
        changes, add = [], []
        for ln in args["lines"]:
            if ln.get("line_no") is not None:
                changes.append(
                    LineChange(
                        ln["line_no"],
                        ln.get("quantity"),
                        ln.get("unit_cost"),
                        ln.get("expected_date", KEEP),
                    )
                )
            else:
                add.append(LineSpec(**ln))
        return amend_service.amend_purchase_order(
            po_id,
            current_principal().user_id,
            args["reason"],
            changes=changes,
            add=add,
            remove=args["remove"],
        )


@blp.route("/<int:po_id>/lines/<int:line_no>")
class DraftPurchaseOrderLine(MethodView):
    @idempotent
    @blp.arguments(LinePatchSchema)
    @blp.response(200, PoSchema)
    @requires("supervisor")
    def patch(self, args: dict[str, Any], po_id: int, line_no: int) -> PoView:
        """Edit a draft PO's line: quantity, unit_cost, expected_date (no history kept)."""
        change = LineChange(
            line_no,
            args.get("quantity"),
            args.get("unit_cost"),
            args.get("expected_date", KEEP),
        )
        return amend_service.edit_draft_line(po_id, current_principal().user_id, change)


@blp.route("/<int:po_id>/amendments")
class PurchaseOrderAmendments(MethodView):
    @blp.response(200, PoAmendmentListSchema)
    @requires("supervisor", also=("finance",))
    def get(self, po_id: int) -> dict[str, list[PoAmendmentView]]:
        """The PO's amendments, oldest first: who, when, why, each field's old and new value."""
        return {"amendments": amend_service.list_amendments(po_id)}


@blp.route("/<int:po_id>/document.pdf")
class PurchaseOrderPdf(MethodView):
    @blp.doc(responses={"200": _file("application/pdf", "application/octet-stream")})
    @requires("supervisor", also=("finance",))
    def get(self, po_id: int) -> Response:
        """The PO as the supplier gets it: a text PDF of its current revision."""
        return _download(po_document_service.pdf_file(po_id))


@blp.route("/<int:po_id>/document.csv")
class PurchaseOrderCsv(MethodView):
    @blp.doc(responses={"200": _file("text/csv", "application/octet-stream")})
    @requires("supervisor", also=("finance",))
    def get(self, po_id: int) -> Response:
        """The PO's lines as CSV, as the supplier gets them."""
        return _download(po_document_service.csv_file(po_id))
