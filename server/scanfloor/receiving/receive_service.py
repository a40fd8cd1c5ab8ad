"""Receive one confirmation against a purchase order: the scanner's hot path.

One transaction: lock the PO and its line, check the rules, create the lot on first sight,
post Vendor -> dock (or into the LPN) and Vendor -> quarantine for damaged units through the
one ledger writer, update the line's totals and the PO's state, and write the receipt line.
Any refusal raises and leaves nothing behind. Column selects and Core statements throughout:
ORM objects would cost more than the statements on this path.

A PO in another currency than the functional one is costed at the rate of the receipt's
business day, read before the transaction (receipt_fx.py); no rate known refuses the
confirmation (exchange_rate_missing) and writes nothing.

Receiving is the `receiving.receive` command (commands/): a confirmation's key
(Idempotency-Key, or the scan's client_scan_id) replays the first answer and posts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Row

from ..catalog.models import Location
from ..catalog.resolve import Resolution
from ..commands import Command, caller_of
from ..errors import ApprovalRefused, NotFound, OverReceipt
from ..extensions import db
from ..finance.fx_rules import Conversion, functional_cost
from ..finance.fx_service import DayRate
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import PostingResult, post
from ..purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier
from ..purchasing.rules import may_see_expected
from ..timeutil import utcnow
from .checks import Checked, check_confirmation, rule_error
from .confirmation import Approver, Confirmation, as_answer, fingerprint, mask
from .destinations import Destination, destination, lot_for, quarantine_for
from .line_choice import pick_line, scan_item
from .models import Receipt, ReceiptLine
from .receipt_fx import conversion, read_rate
from .rules import (
    ReceivingRuleError,
    ScanWarning,
    check_receivable,
    may_approve,
    over_receipt,
    state_after_receipt,
    variance,
)

_PO = PurchaseOrder.__table__
_LINES = PurchaseOrderLine.__table__
_RECEIPTS = Receipt.__table__
_RLINES = ReceiptLine.__table__

_VENDOR = select(Location.id).where(Location.code == "VENDOR")
_LOCK_PO = (
    select(
        _PO.c.id,
        _PO.c.number,
        _PO.c.state,
        _PO.c.blind_receipt,
        _PO.c.warehouse_id,
        _PO.c.currency,
        Supplier.over_receipt_tolerance_pct.label("tolerance"),
        # The Vendor location every receipt posts from, in the same round trip.
        _VENDOR.scalar_subquery().label("vendor_id"),
    )
    .join(Supplier, Supplier.id == _PO.c.supplier_id)
    .where(_PO.c.id == bindparam("po_id"))
    .with_for_update(of=_PO)
)
_ADD_TO_LINE = (
    update(_LINES)
    .where(_LINES.c.id == bindparam("line_id"))
    .values(
        received=_LINES.c.received + bindparam("quantity"),
        damaged=_LINES.c.damaged + bindparam("damaged_quantity"),
    )
)
_SET_STATE = update(_PO).where(_PO.c.id == bindparam("po_id")).values(state=bindparam("state"))
# Today's receipt of this PO by this worker and device, touched and found in one statement.
_TOUCH_OPEN_RECEIPT = (
    update(_RECEIPTS)
    .where(
        _RECEIPTS.c.po_id == bindparam("b_po_id"),
        _RECEIPTS.c.actor_id.is_not_distinct_from(bindparam("b_actor_id")),
        _RECEIPTS.c.device_id.is_not_distinct_from(bindparam("b_device_id")),
        _RECEIPTS.c.business_date == bindparam("b_business_date"),
    )
    .values(last_at=bindparam("now"))
    .returning(_RECEIPTS.c.id)
)
_NEW_RECEIPT = insert(_RECEIPTS).returning(_RECEIPTS.c.id)
_NEW_LINE = insert(_RLINES).returning(_RLINES.c.id)


def _receipt_id(
    conn: Connection, po_id: int, actor_id: int | None, device_id: str | None, day: date
) -> int:
    now = utcnow()
    params = {"po_id": po_id, "actor_id": actor_id, "device_id": device_id, "business_date": day}
    found = conn.execute(
        _TOUCH_OPEN_RECEIPT, {"b_" + k: v for k, v in params.items()} | {"now": now}
    ).scalar()
    if found is not None:
        return int(found)
    return int(
        conn.execute(_NEW_RECEIPT, [{**params, "started_at": now, "last_at": now}]).scalar_one()
    )


@dataclass(frozen=True)
class ReceiveRequest:
    po_id: int
    conf: Confirmation
    actor_id: int | None
    role: str
    approver: Approver | None
    scanned: Resolution | None
    business_date: date  # the receipt's day (and its exchange rate's)
    rate: DayRate | None  # the PO's currency and its rate that day, read before the write


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
    # Barcodes are parsed before the write transaction starts: it holds the write lock.
    scanned = scan_item(conf.barcode) if conf.barcode else None
    today = utcnow().date()
    req = ReceiveRequest(
        po_id, conf, actor_id, role, approver, scanned, today, read_rate(po_id, today)
    )
    return RECEIVE.run(req, caller=caller_of(actor_id), key=key)


def _execute(req: ReceiveRequest) -> dict[str, Any]:
    conn = db.session.connection()
    po = conn.execute(_LOCK_PO, {"po_id": req.po_id}).first()
    if po is None:
        raise NotFound("purchase order not found", {"po_id": req.po_id})
    try:
        check_receivable(po.state)
    except ReceivingRuleError as exc:
        raise rule_error(exc) from exc
    line, lines = pick_line(conn, po, req.conf, req.scanned)
    return _confirm(conn, po, line, lines, req)


def _present(req: ReceiveRequest, answer: dict[str, Any], _replayed: bool) -> dict[str, Any]:
    stored = {k: v for k, v in answer.items() if k not in ("receipt_line_id", "blind_receipt")}
    return mask(as_answer(stored, answer["receipt_line_id"]), answer["blind_receipt"], req.role)


RECEIVE: Command[ReceiveRequest, dict[str, Any]] = Command(
    name="receiving.receive",
    execute=_execute,
    present=_present,
    fingerprint=lambda r: fingerprint(r.po_id, r.conf, r.actor_id),
)


def _confirm(
    conn: Connection,
    po: Row[Any],
    line: Row[Any],
    lines: list[Row[Any]],
    req: ReceiveRequest,
) -> dict[str, Any]:
    """The steps of one confirmation, in this order: the rules on what it carries, where it
    lands, the exchange rate of a foreign PO, the over-receipt approval, the lot, the
    ledger posting, the PO line and state, and the receipt line."""
    conf, actor_id = req.conf, req.actor_id
    checked = check_confirmation(line, conf, req.scanned)
    dest = destination(conn, conf.to_location, conf.to_container, po.warehouse_id)
    fx = conversion(conn, req.rate, po.currency, req.business_date)
    approved_by = _approve(po, line, checked, req.role, req.approver)
    lot_id = _lot(line, checked)
    quarantine = quarantine_for(conn, dest) if checked.damaged else None
    posted = post(
        PostingRequest(
            movement_type="receipt",
            lines=_moves(po, line, conf, checked, dest, lot_id, quarantine, fx),
            actor_id=actor_id,
            device_id=conf.device_id,
            source_type="purchase_order",
            source_id=str(po.id),
        )
    )
    state = _update_po(conn, po, line, lines, checked)
    return _record(
        conn, po, line, conf, checked, dest, lot_id, approved_by, posted, state, actor_id,
        (req.business_date, fx),
    )  # fmt: skip


def _approve(
    po: Row[Any], line: Row[Any], checked: Checked, role: str, approver: Approver | None
) -> int | None:
    """Who approved an over-receipt (None when within tolerance); refuses one that is not
    approved, or approved by someone below supervisor."""
    excess = over_receipt(line.ordered, line.received, checked.quantity, po.tolerance)
    if excess is None:
        return None
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
    checked.warnings.append(
        ScanWarning("over_receipt_approved", f"over-receipt approved by {approver.username}")
    )
    return approver.user_id


def _lot(line: Row[Any], checked: Checked) -> int | None:
    """The lot's id, created on first sight, for a lot-tracked item; an untracked item keeps
    no lot code."""
    if line.tracking == "lot" and checked.lot_code:
        lot_id, checked.lot_code, lot_warnings = lot_for(
            line.item_id, checked.lot_code, checked.expiry
        )
        checked.warnings.extend(lot_warnings)
        return lot_id
    if line.tracking != "lot":
        checked.lot_code = None
    return None


def _moves(
    po: Row[Any],
    line: Row[Any],
    conf: Confirmation,
    checked: Checked,
    dest: Destination,
    lot_id: int | None,
    quarantine: int | None,
    fx: Conversion | None,
) -> tuple[MovementLine, ...]:
    """Vendor -> the destination for good units, Vendor -> quarantine for damaged ones, at
    the PO line's cost in the functional currency."""
    vendor = int(po.vendor_id)
    cost: Decimal = functional_cost(fx, line.unit_cost)
    moves = []
    if checked.good:
        moves.append(
            MovementLine(
                item_id=line.item_id,
                quantity=checked.good,
                from_location_id=vendor,
                to_location_id=dest.location_id,
                to_container_id=dest.container_id,
                lot_id=lot_id,
                unit_cost=cost,
            )
        )
    if quarantine is not None:
        moves.append(
            MovementLine(
                item_id=line.item_id,
                quantity=checked.damaged,
                from_location_id=vendor,
                to_location_id=quarantine,
                lot_id=lot_id,
                unit_cost=cost,
                reason_code=(conf.damage_reason or "").strip()[:32],
            )
        )
    return tuple(moves)


def _update_po(
    conn: Connection, po: Row[Any], line: Row[Any], lines: list[Row[Any]], checked: Checked
) -> str:
    """Add the receipt to the line's totals and move the PO to its new state."""
    quantity = checked.quantity
    conn.execute(
        _ADD_TO_LINE,
        {"line_id": line.id, "quantity": quantity, "damaged_quantity": checked.damaged},
    )
    # The lines as read under the PO's lock, with this receipt added: no re-read.
    state = state_after_receipt(
        ((r.ordered, r.received + (quantity if r.id == line.id else 0)) for r in lines),
        base=po.state,
    )
    if state != po.state:
        conn.execute(_SET_STATE, {"po_id": po.id, "state": state})
    return state


def _record(
    conn: Connection,
    po: Row[Any],
    line: Row[Any],
    conf: Confirmation,
    checked: Checked,
    dest: Destination,
    lot_id: int | None,
    approved_by: int | None,
    posted: PostingResult,
    state: str,
    actor_id: int | None,
    priced: tuple[date, Conversion | None],
) -> dict[str, Any]:
    """Write the receipt line (in the business day's receipt, with the currency and rate of
    a foreign PO) and build the answer kept for replays."""
    quantity, damaged, expiry = checked.quantity, checked.damaged, checked.expiry
    received = line.received + quantity
    day, fx = priced
    receipt_id = _receipt_id(conn, po.id, actor_id, conf.device_id, day)
    stored: dict[str, Any] = {
        "receipt_line": {
            "receipt_id": receipt_id,
            "po_line_id": line.id,
            "quantity": quantity,
            "damaged_quantity": damaged,
            "damage_reason": ((conf.damage_reason or "").strip() or None) if damaged else None,
            "lot_id": lot_id,
            "lot_code": checked.lot_code,
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
        "warnings": [{"code": w.code, "message": w.message} for w in checked.warnings],
    }
    rl = stored["receipt_line"]
    receipt_line_id = conn.execute(
        _NEW_LINE,
        [
            {
                "receipt_id": receipt_id,
                "po_line_id": line.id,
                "item_id": line.item_id,
                "quantity": quantity,
                "damaged_quantity": damaged,
                "damage_reason": rl["damage_reason"],
                "lot_id": lot_id,
                "lot_code": checked.lot_code,
                "expiry": expiry,
                "variance": rl["variance"],
                "location_id": dest.location_id,
                "container_id": dest.container_id,
                "approved_by": approved_by,
                "posting_id": posted.posting_id,
                "currency": None if fx is None else fx.currency,
                "exchange_rate": None if fx is None else fx.rate,
                "created_at": utcnow(),
            }
        ],
    ).scalar_one()
    return {**stored, "receipt_line_id": receipt_line_id, "blind_receipt": po.blind_receipt}
