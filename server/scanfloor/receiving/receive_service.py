"""Receive one confirmation against a purchase order: the scanner's hot path.

One transaction: lock the PO and its line, check the rules, create the lot on first sight,
post Vendor -> dock (or into the LPN) and Vendor -> quarantine for damaged units through the
one ledger writer, update the line's totals and the PO's state, and write the receipt line.
Any refusal raises and leaves nothing behind. Column selects and Core statements throughout:
ORM objects would cost more than the statements on this path.

A confirmation's key (Idempotency-Key, or the scan's client_scan_id) is kept on its receipt
line with the answer given, so a replay answers the same and posts nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Row

from ..catalog.models import Location
from ..catalog.resolve import Resolution
from ..database import write_transaction
from ..errors import (
    ApprovalRefused,
    ExpiryRequired,
    IdempotencyMismatch,
    LotRequired,
    NotFound,
    NotReceivable,
    OverReceipt,
    ReceiveLocationRefused,
    ValidationFailed,
)
from ..extensions import db
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..timeutil import utcnow
from .confirmation import Approver, Confirmation, as_answer, fingerprint, mask
from .destinations import Destination, destination, lot_for, quarantine_for
from .line_choice import ITEM, LINE_COLUMNS, pick_line, scan_item
from .models import PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine, Supplier
from .rules import (
    ReceivingRuleError,
    ScanWarning,
    check_lot_and_expiry,
    check_receivable,
    may_approve,
    may_see_expected,
    over_receipt,
    split_damaged,
    state_after_receipt,
    variance,
)
from .suppliers_service import rule_failed

_PO = PurchaseOrder.__table__
_LINES = PurchaseOrderLine.__table__
_RECEIPTS = Receipt.__table__
_RLINES = ReceiptLine.__table__

_LOCK_PO = (
    select(
        _PO.c.id,
        _PO.c.number,
        _PO.c.state,
        _PO.c.blind_receipt,
        Supplier.over_receipt_tolerance_pct.label("tolerance"),
    )
    .join(Supplier, Supplier.id == _PO.c.supplier_id)
    .where(_PO.c.id == bindparam("po_id"))
    .with_for_update(of=_PO)
)
_LOCK_LINE = select(*LINE_COLUMNS).where(_LINES.c.id == bindparam("line_id")).with_for_update()
_VENDOR = select(Location.id).where(Location.code == "VENDOR")
_BY_KEY = select(_RLINES.c.id, _RLINES.c.fingerprint, _RLINES.c.answer, _RLINES.c.receipt_id).where(
    _RLINES.c.idempotency_key == bindparam("key")
)
_ADD_TO_LINE = (
    update(_LINES)
    .where(_LINES.c.id == bindparam("line_id"))
    .values(
        received=_LINES.c.received + bindparam("quantity"),
        damaged=_LINES.c.damaged + bindparam("damaged_quantity"),
    )
)
_TOTALS = select(_LINES.c.ordered, _LINES.c.received).where(_LINES.c.po_id == bindparam("po_id"))
_SET_STATE = update(_PO).where(_PO.c.id == bindparam("po_id")).values(state=bindparam("state"))
_OPEN_RECEIPT = select(_RECEIPTS.c.id).where(
    _RECEIPTS.c.po_id == bindparam("po_id"),
    _RECEIPTS.c.actor_id.is_not_distinct_from(bindparam("actor_id")),
    _RECEIPTS.c.device_id.is_not_distinct_from(bindparam("device_id")),
    _RECEIPTS.c.business_date == bindparam("business_date"),
)
_TOUCH_RECEIPT = (
    update(_RECEIPTS)
    .where(_RECEIPTS.c.id == bindparam("receipt_id"))
    .values(last_at=bindparam("now"))
)
_NEW_RECEIPT = insert(_RECEIPTS).returning(_RECEIPTS.c.id)
_NEW_LINE = insert(_RLINES).returning(_RLINES.c.id)


def _rule(exc: ReceivingRuleError) -> Exception:
    named = {
        "lot_required": LotRequired,
        "expiry_required": ExpiryRequired,
        "wrong_location": ReceiveLocationRefused,
        "po_not_receivable": NotReceivable,
    }.get(exc.code)
    return named(exc.message, exc.details) if named else rule_failed(exc)


def _receipt_id(conn: Connection, po_id: int, actor_id: int | None, device_id: str | None) -> int:
    now = utcnow()
    params = {
        "po_id": po_id,
        "actor_id": actor_id,
        "device_id": device_id,
        "business_date": now.date(),
    }
    found = conn.scalar(_OPEN_RECEIPT, params)
    if found is not None:
        conn.execute(_TOUCH_RECEIPT, {"receipt_id": found, "now": now})
        return int(found)
    return int(
        conn.execute(_NEW_RECEIPT, [{**params, "started_at": now, "last_at": now}]).scalar_one()
    )


def receive(
    po_id: int,
    conf: Confirmation,
    *,
    actor_id: int | None,
    role: str,
    key: str | None = None,
    approver: Approver | None = None,
) -> dict[str, Any]:
    """Receive one confirmation against a PO (see the module docstring); the answer holds the
    receipt line, the PO line's totals, the PO's state and any warnings."""
    scanned = scan_item(conf.barcode) if conf.barcode else None
    fp = fingerprint(po_id, conf, actor_id)
    with write_transaction():
        conn = db.session.connection()
        po = conn.execute(_LOCK_PO, {"po_id": po_id}).first()
        if po is None:
            raise NotFound("purchase order not found", {"po_id": po_id})
        if key is not None:
            done = conn.execute(_BY_KEY, {"key": key}).first()
            if done is not None:
                if done.fingerprint != fp:
                    raise IdempotencyMismatch(
                        "this scan id was already used for a different confirmation",
                        {"idempotency_key": key, "receipt_line_id": done.id},
                    )
                return mask(as_answer(done.answer, done.id), po.blind_receipt, role)
        try:
            check_receivable(po.state)
        except ReceivingRuleError as exc:
            raise _rule(exc) from exc
        line_id = pick_line(conn, po, conf, scanned)
        answer = _confirm(conn, po, line_id, conf, scanned, actor_id, role, key, approver, fp)
        return mask(answer, po.blind_receipt, role)


def _confirm(
    conn: Connection,
    po: Row[Any],
    line_id: int,
    conf: Confirmation,
    scanned: Resolution | None,
    actor_id: int | None,
    role: str,
    key: str | None,
    approver: Approver | None,
    fp: str,
) -> dict[str, Any]:
    line = conn.execute(_LOCK_LINE, {"line_id": line_id}).one()
    item = conn.execute(ITEM, {"item_id": line.item_id}).one()
    quantity = (
        conf.quantity if conf.quantity is not None else (scanned.quantity if scanned else None)
    )
    if quantity is None:
        raise ValidationFailed("give the quantity (base units)", {"field": "quantity"})
    lot_code = conf.lot_code or (scanned.lot["code"] if scanned and scanned.lot else None)
    expiry = conf.expiry or ((scanned.expiry or scanned.best_before) if scanned else None)
    try:
        good, damaged = split_damaged(quantity, conf.damaged_quantity, conf.damage_reason)
        warnings = check_lot_and_expiry(
            tracking=item.tracking,
            expiry_tracked=item.expiry_tracked,
            lot_code=lot_code,
            expiry=expiry,
            today=utcnow().date(),
        )
    except ReceivingRuleError as exc:
        raise _rule(exc) from exc
    dest: Destination = destination(conn, conf.to_location, conf.to_container)
    excess = over_receipt(line.ordered, line.received, quantity, po.tolerance)
    approved_by = None
    if excess is not None:
        shown = may_see_expected(po.blind_receipt, role)
        details = {
            "ordered": excess.ordered if shown else None,
            "received": excess.received if shown else None,
            "requested": excess.requested,
            "allowed": excess.allowed if shown else None,
            "po_line_id": line.id,
            "approval_needed": "supervisor",
        }
        if approver is None:
            raise OverReceipt(
                "more than this PO line allows: a supervisor must approve (badge and PIN)", details
            )
        if not may_approve(approver.role):
            raise ApprovalRefused(
                "only a supervisor or above can approve an over-receipt",
                {**details, "approver": approver.username, "approver_role": approver.role},
            )
        approved_by = approver.user_id
        warnings.append(
            ScanWarning("over_receipt_approved", f"over-receipt approved by {approver.username}")
        )
    lot_id = None
    if item.tracking == "lot" and lot_code:
        lot_id, lot_code, lot_warnings = lot_for(item.id, lot_code, expiry)
        warnings.extend(lot_warnings)
    elif item.tracking != "lot":
        lot_code = None
    quarantine = quarantine_for(conn, dest) if damaged else None
    vendor = int(conn.execute(_VENDOR).scalar_one())
    moves = []
    if good:
        moves.append(
            MovementLine(
                item_id=item.id,
                quantity=good,
                from_location_id=vendor,
                to_location_id=dest.location_id,
                to_container_id=dest.container_id,
                lot_id=lot_id,
                unit_cost=line.unit_cost,
            )
        )
    if quarantine is not None:
        moves.append(
            MovementLine(
                item_id=item.id,
                quantity=damaged,
                from_location_id=vendor,
                to_location_id=quarantine,
                lot_id=lot_id,
                unit_cost=line.unit_cost,
                reason_code=(conf.damage_reason or "").strip()[:32],
            )
        )
    posted = post(
        PostingRequest(
            movement_type="receipt",
            lines=tuple(moves),
            actor_id=actor_id,
            device_id=conf.device_id,
            source_type="purchase_order",
            source_id=str(po.id),
            idempotency_key=key,
        )
    )
    conn.execute(
        _ADD_TO_LINE, {"line_id": line.id, "quantity": quantity, "damaged_quantity": damaged}
    )
    state = state_after_receipt(
        (r.ordered, r.received) for r in conn.execute(_TOTALS, {"po_id": po.id})
    )
    if state != po.state:
        conn.execute(_SET_STATE, {"po_id": po.id, "state": state})
    received = line.received + quantity
    receipt_id = _receipt_id(conn, po.id, actor_id, conf.device_id)
    stored: dict[str, Any] = {
        "receipt_line": {
            "receipt_id": receipt_id,
            "po_line_id": line.id,
            "quantity": quantity,
            "damaged_quantity": damaged,
            "damage_reason": ((conf.damage_reason or "").strip() or None) if damaged else None,
            "lot_id": lot_id,
            "lot_code": lot_code,
            "expiry": expiry.isoformat() if expiry else None,
            "variance": variance(line.ordered, line.received, quantity),
            "location_id": dest.location_id,
            "container_id": dest.container_id,
            "approved_by": approved_by,
            "movement_ids": list(posted.movement_ids),
            "posting_id": posted.posting_id,
        },
        "po_line": {
            "id": line.id,
            "ordered": line.ordered,
            "received": received,
            "damaged": line.damaged + damaged,
            "open_quantity": max(line.ordered - received, 0),
        },
        "po_state": state,
        "warnings": [{"code": w.code, "message": w.message} for w in warnings],
    }
    rl = stored["receipt_line"]
    receipt_line_id = conn.execute(
        _NEW_LINE,
        [
            {
                "receipt_id": receipt_id,
                "po_line_id": line.id,
                "item_id": item.id,
                "quantity": quantity,
                "damaged_quantity": damaged,
                "damage_reason": rl["damage_reason"],
                "lot_id": lot_id,
                "lot_code": lot_code,
                "expiry": expiry,
                "variance": rl["variance"],
                "location_id": dest.location_id,
                "container_id": dest.container_id,
                "approved_by": approved_by,
                "posting_id": posted.posting_id,
                "idempotency_key": key,
                "fingerprint": fp,
                "answer": stored,
                "created_at": utcnow(),
            }
        ],
    ).scalar_one()
    return as_answer(stored, receipt_line_id)
