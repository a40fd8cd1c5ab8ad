"""Purchase order lifecycle use cases: approve, send, cancel (amendments: amend_service.py;
create, open, close: orders_service.py). One transaction each, the PO row locked first.

draft -(approve)-> approved -(send)-> sent -(receipts)-> partially_received -> received
-(close)-> closed; cancel from draft, approved, sent or open while nothing is received.

Approval: the PO's value (sum of ordered x unit cost, rules.po_value) against
SCANFLOOR_PO_MANAGER_VALUE: at or below it a supervisor approves, above it a manager. The
value is compared as it stands in the PO's currency (no exchange rates are kept).

Sending writes the PO's outbox message (po_outbox.py) in the same transaction as the state
change, so a sent PO always has its message and a refused send has none.
"""

from __future__ import annotations

from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from ..database import write_transaction
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..timeutil import utcnow
from .lifecycle_errors import lifecycle_error
from .models import PurchaseOrder, PurchaseOrderLine, Supplier
from .po_outbox import enqueue_po_message
from .queries import po_view
from .results import PoView
from .rules import (
    PurchasingRuleError,
    check_approver,
    check_cancellable,
    check_destination,
    check_has_lines,
    po_value,
    transition,
)

MANAGER_VALUE = "SCANFLOOR_PO_MANAGER_VALUE"
MAX_REASON = 200


def lock_po(po_id: int) -> PurchaseOrder:
    """The PO, its row locked for the rest of the transaction (PostgreSQL; SQLite holds the
    write lock already)."""
    po = db.session.get(PurchaseOrder, po_id, with_for_update=True, populate_existing=True)
    if po is None:
        raise NotFound("purchase order not found", {"po_id": po_id})
    return po


def po_lines(po_id: int) -> list[PurchaseOrderLine]:
    return list(
        db.session.scalars(
            select(PurchaseOrderLine)
            .where(PurchaseOrderLine.po_id == po_id)
            .order_by(PurchaseOrderLine.line_no)
            .execution_options(populate_existing=True)
        )
    )


def clean_reason(reason: str | None) -> str:
    """A reason is required: 1-200 characters once trimmed."""
    text = " ".join((reason or "").split())
    if not text or len(text) > MAX_REASON:
        raise ValidationFailed(f"give a reason of 1-{MAX_REASON} characters", {"field": "reason"})
    return text


def manager_value() -> Decimal:
    """Above this PO value a manager approves (SCANFLOOR_PO_MANAGER_VALUE)."""
    return Decimal(str(current_app.config.get(MANAGER_VALUE, "10000")))


def approve_purchase_order(po_id: int, actor_id: int | None, role: str) -> PoView:
    """Approve a draft PO: a supervisor, or a manager when its value is above the threshold."""
    with write_transaction():
        po = lock_po(po_id)
        lines = po_lines(po.id)
        try:
            target = transition(po.state, "approve")
            check_has_lines(len(lines))
            value = po_value((ln.ordered, ln.unit_cost) for ln in lines)
            check_approver(role, value, manager_value())
        except PurchasingRuleError as exc:
            raise lifecycle_error(exc, po_id=po.id) from exc
        po.state, po.approved_by, po.approved_at = target, actor_id, utcnow()
        db.session.flush()
        return po_view(po.id, role=role)


def send_purchase_order(po_id: int, actor_id: int | None) -> PoView:
    """Send an approved PO to its supplier: sent now, its message in the outbox."""
    with write_transaction():
        po = lock_po(po_id)
        supplier = db.session.get(Supplier, po.supplier_id, populate_existing=True)
        assert supplier is not None  # a foreign key
        try:
            target = transition(po.state, "send")
            check_has_lines(len(po_lines(po.id)))
            check_destination(supplier.email, supplier.po_endpoint)
        except PurchasingRuleError as exc:
            raise lifecycle_error(exc, po_id=po.id, supplier=supplier.code) from exc
        po.state, po.sent_by, po.sent_at = target, actor_id, utcnow()
        db.session.flush()
        enqueue_po_message(po.id, supplier.id, "purchase_order.sent")
        return po_view(po.id, role="admin")


def cancel_purchase_order(po_id: int, actor_id: int | None, reason: str) -> PoView:
    """Cancel a PO nothing was received against; a supplier who had it is told (outbox)."""
    text = clean_reason(reason)
    with write_transaction():
        po = lock_po(po_id)
        received = sum(ln.received for ln in po_lines(po.id))
        try:
            target = check_cancellable(po.state, received)
        except PurchasingRuleError as exc:
            raise lifecycle_error(exc, po_id=po.id) from exc
        was_sent = po.sent_at is not None
        po.state, po.cancelled_by, po.cancelled_at = target, actor_id, utcnow()
        po.cancel_reason = text
        db.session.flush()
        if was_sent:
            enqueue_po_message(po.id, po.supplier_id, "purchase_order.cancelled")
        return po_view(po.id, role="admin")
