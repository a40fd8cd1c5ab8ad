"""Supplier invoices: enter one against purchase order lines (three-way matched under the
supplier's tolerances: a matched invoice posts at once, a mismatch is held), the approval
queue (status=held), approving a held invoice (never by the person who entered it) and
rejecting one. Reads: supervisors and above, and finance; entering, approving and rejecting:
finance and admins (docs/decisions/0026)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.guard import current_principal, requires
from ..catalog.results import Page
from ..finance import invoice_service
from ..finance.invoice_views import InvoiceLineSpec, InvoiceView
from .idempotency import idempotent
from .invoices_schemas import (
    ApproveSchema,
    InvoiceCreateSchema,
    InvoiceListArgs,
    InvoicePageSchema,
    InvoiceSchema,
    RejectSchema,
)

blp = Blueprint(
    "invoices_api",
    __name__,
    url_prefix="/api/v1/finance/invoices",
    description="Supplier invoices: three-way match, approval queue, posting",
)


@blp.route("")
class Invoices(MethodView):
    @blp.arguments(InvoiceListArgs, location="query")
    @blp.response(200, InvoicePageSchema)
    @requires("supervisor", also=("finance",))
    def get(self, args: dict[str, Any]) -> Page[InvoiceView]:
        """Supplier invoices, newest first; status=held is the approval queue."""
        return invoice_service.list_invoices(
            status=args["status"],
            supplier_id=args["supplier"],
            limit=args.get("limit"),
            cursor=args.get("cursor"),
        )

    @idempotent
    @blp.arguments(InvoiceCreateSchema)
    @blp.response(201, InvoiceSchema)
    @requires("admin", also=("finance",))
    def post(self, args: dict[str, Any]) -> InvoiceView:
        """Enter a supplier invoice: posted when every line matches, else held for approval."""
        return invoice_service.enter_invoice(
            supplier=args["supplier"],
            number=args["number"],
            invoice_date=args["invoice_date"],
            due_date=args["due_date"],
            currency=args["currency"],
            tax=args["tax"],
            lines=[
                InvoiceLineSpec(ln["po_line_id"], ln["quantity"], ln["unit_price"])
                for ln in args["lines"]
            ],
            actor_id=current_principal().user_id,
        )


@blp.route("/<int:invoice_id>")
class InvoiceById(MethodView):
    @blp.response(200, InvoiceSchema)
    @requires("supervisor", also=("finance",))
    def get(self, invoice_id: int) -> InvoiceView:
        """One invoice with its lines, how each matched and the receipts it cleared."""
        return invoice_service.get_invoice(invoice_id)


@blp.route("/<int:invoice_id>/approve")
class ApproveInvoice(MethodView):
    @idempotent
    @blp.arguments(ApproveSchema)
    @blp.response(200, InvoiceSchema)
    @requires("admin", also=("finance",))
    def post(self, args: dict[str, Any], invoice_id: int) -> InvoiceView:
        """Approve a held invoice and post it (not by the person who entered it: 403)."""
        return invoice_service.approve_invoice(
            invoice_id, current_principal().user_id, args["note"]
        )


@blp.route("/<int:invoice_id>/reject")
class RejectInvoice(MethodView):
    @idempotent
    @blp.arguments(RejectSchema)
    @blp.response(200, InvoiceSchema)
    @requires("admin", also=("finance",))
    def post(self, args: dict[str, Any], invoice_id: int) -> InvoiceView:
        """Reject a held invoice: it posts nothing and no longer counts as invoiced."""
        return invoice_service.reject_invoice(invoice_id, current_principal().user_id, args["note"])
