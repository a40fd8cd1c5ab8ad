"""Inspecting a return: each line's received units get a disposition, a ledger movement out
of the returns area with a reason code, and the credit due.

| disposition | to                                   | movement | reason (default)  |
| sellable    | the storage/pick-face bin scanned    | return   | return_restock    |
| damaged     | the warehouse's quarantine location  | return   | return_damaged    |
| refurbish   | the warehouse's refurbish location   | return   | return_refurbish  |
| rtv         | the warehouse's rtv location         | return   | return_to_vendor  |
| scrap       | SCRAP (virtual)                      | scrap    | return_scrap      |

One transaction (the `returns.inspect` command: a replay answers the first and posts
nothing): the RMA row held, the line re-read (no more than awaits inspection), the
destination checked, the posting through the one writer, the inspection row and its
credit's journal entry (finance/customer_credit.py), the line's inspected count, the
status (and the channel's `return.status` message). Restocked sellable units raise ATS
and serve backorders by themselves: allocation's ledger subscriber does it in this same
transaction. Any refusal rolls it all back.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from ..catalog.resolve import resolve_barcode
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import (
    BinFull,
    NoDispositionLocation,
    NotALocation,
    NotFound,
    OverInspection,
    ReturnClosed,
    ReturnWrongLocation,
    UnknownBarcode,
    ValidationFailed,
    WrongPhoto,
    rule_failed,
)
from ..extensions import db
from ..finance.customer_credit import book_customer_credit
from ..ledger.models import Movement
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..purchasing.models import PurchaseOrder, Supplier
from ..putaway import queries as putaway_queries
from ..putaway.rules import PUTAWAY_BIN_TYPES
from ..receiving.models import Receipt, ReceiptLine
from ..timeutil import utcnow
from .models import ReturnInspection, ReturnLine, ReturnPhoto
from .queries import rma_row, rma_view, typed_location, virtual_location
from .receive_service import SOURCE_TYPE, check_rights
from .rules import (
    CANCELLED,
    COMPLETED,
    CREDITS_ALLOWED,
    DISPOSITION_TARGETS,
    RECEIPT_REASON_CODE,
    ReturnRuleError,
    credit_due,
    reason_code,
)
from .status_service import settle
from .views import InspectionView, Ref, RmaView

_RL = ReturnLine.__table__
_RI = ReturnInspection.__table__
_RP = ReturnPhoto.__table__
_M = Movement.__table__
_LINE = select(_RL).where(_RL.c.id == bindparam("line"), _RL.c.rma_id == bindparam("rma"))
# Where this return's units of the item (and lot) went on receipt: they are taken from there.
_RECEIVED_INTO = (
    select(_M.c.to_location_id)
    .where(
        _M.c.source_type == SOURCE_TYPE,
        _M.c.source_id == bindparam("source"),
        _M.c.item_id == bindparam("item"),
        _M.c.reason_code == RECEIPT_REASON_CODE,
    )
    .order_by(_M.c.id.desc())
    .limit(1)
)
_LATEST_SUPPLIER = (
    select(PurchaseOrder.__table__.c.supplier_id)
    .select_from(ReceiptLine.__table__)
    .join(Receipt.__table__, Receipt.__table__.c.id == ReceiptLine.__table__.c.receipt_id)
    .join(PurchaseOrder.__table__, PurchaseOrder.__table__.c.id == Receipt.__table__.c.po_id)
    .where(ReceiptLine.__table__.c.item_id == bindparam("item"))
    .order_by(ReceiptLine.__table__.c.id.desc())
    .limit(1)
)
_SUPPLIER = select(Supplier.__table__.c.id).where(Supplier.__table__.c.id == bindparam("id"))


@dataclass(frozen=True)
class Inspection:
    """What the inspector decided for some units of one line."""

    rma_id: int
    return_line_id: int
    quantity: int
    disposition: str
    credit: str
    reason_code: str | None = None
    restocking_fee: Decimal | None = None
    location: str | None = None  # the bin's barcode as scanned (sellable)
    supplier_id: int | None = None
    photo_id: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class InspectResult:
    rma: RmaView
    inspection: InspectionView
    replayed: bool


@dataclass(frozen=True)
class _Inspect:
    asked: Inspection
    reason_code: str
    bin: Ref | None
    fee_percent: Decimal
    actor_id: int | None
    device_id: str | None


def _scanned_bin(raw: str) -> Ref:
    found = resolve_barcode(raw)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": raw})
    if found.kind != "location" or found.location is None:
        raise NotALocation(
            f"this barcode is a {found.kind}, not a location: scan the bin's label",
            {"barcode": raw, "kind": found.kind},
        )
    return Ref(int(found.location["id"]), str(found.location["code"]))


def inspect_return(
    asked: Inspection,
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> InspectResult:
    """Give some of a line's received units their disposition (module docstring)."""
    if asked.disposition not in DISPOSITION_TARGETS:
        raise ValidationFailed("unknown disposition", {"disposition": asked.disposition})
    if asked.credit not in CREDITS_ALLOWED:
        raise ValidationFailed("credit is full, partial or none", {"credit": asked.credit})
    if isinstance(asked.quantity, bool) or asked.quantity < 1:
        raise ValidationFailed("quantity is at least 1", {"field": "quantity"})
    try:
        code = reason_code(asked.disposition, asked.reason_code)
    except ReturnRuleError as exc:
        raise rule_failed(exc) from exc
    check_rights(actor_id, rma_row(asked.rma_id))
    target = None
    if asked.disposition == "sellable":
        if not asked.location:
            raise ValidationFailed(
                "a sellable unit goes into a bin: scan it", {"field": "location"}
            )
        target = _scanned_bin(asked.location)
    fee_percent = Decimal(current_app.config["SCANFLOOR_RESTOCKING_FEE_PERCENT"])
    req = _Inspect(asked, code, target, fee_percent, actor_id, device_id)
    return INSPECT.run(req, caller=caller_of(actor_id), key=idempotency_key)


def _restock_bin(rma: Any, target: Ref, quantity: int) -> Ref:
    place = putaway_queries.place(target.id, lock=True)
    if place is None:  # resolved a moment ago; deleted meanwhile
        raise UnknownBarcode("nothing has this barcode", {"location_id": target.id})
    details = {
        "location_id": place.id,
        "code": place.code,
        "type": place.type,
        "warehouse_id": place.warehouse_id,
        "rma_warehouse_id": int(rma.warehouse_id),
    }
    if place.is_virtual or place.type not in PUTAWAY_BIN_TYPES or not place.active:
        raise ReturnWrongLocation(
            "sellable returns go into an active storage or pick-face bin", details
        )
    if place.warehouse_id != rma.warehouse_id:
        raise ReturnWrongLocation("this bin is in another warehouse", details)
    if place.capacity is not None:
        held = putaway_queries.as_candidate(place).on_hand_total
        if held + quantity > place.capacity:
            raise BinFull(
                f"bin {place.code} has no room for {quantity}",
                {**details, "capacity": place.capacity, "on_hand": held, "requested": quantity},
            )
    return Ref(place.id, place.code)


def _destination(conn: Connection, rma: Any, req: _Inspect) -> Ref:
    disposition = req.asked.disposition
    if disposition == "sellable":
        assert req.bin is not None  # checked before the transaction
        return _restock_bin(rma, req.bin, req.asked.quantity)
    if disposition == "scrap":
        return virtual_location(conn, "SCRAP")
    kind = DISPOSITION_TARGETS[disposition]
    assert kind is not None
    found = typed_location(conn, int(rma.warehouse_id), kind)
    if found is None:
        raise NoDispositionLocation(
            f"this warehouse has no {kind} location for a {disposition} return",
            {"warehouse_id": int(rma.warehouse_id), "type": kind, "disposition": disposition},
        )
    return found


def _supplier(conn: Connection, req: _Inspect, item_id: int) -> int | None:
    if req.asked.disposition != "rtv":
        return None
    if req.asked.supplier_id is not None:
        if conn.execute(_SUPPLIER, {"id": req.asked.supplier_id}).scalar() is None:
            raise NotFound("no such supplier", {"supplier_id": req.asked.supplier_id})
        return req.asked.supplier_id
    found = conn.execute(_LATEST_SUPPLIER, {"item": item_id}).scalar()
    return None if found is None else int(found)


def _check_photo(conn: Connection, rma_id: int, photo_id: int | None) -> None:
    if photo_id is None:
        return
    owner = conn.execute(select(_RP.c.rma_id).where(_RP.c.id == photo_id)).scalar()
    if owner is None:
        raise NotFound("no such photo", {"photo_id": photo_id})
    if int(owner) != rma_id:
        raise WrongPhoto("this photo belongs to another return", {"photo_id": photo_id})


def _inspect(req: _Inspect) -> dict[str, Any]:
    conn = db.session.connection()
    asked = req.asked
    rma = rma_row(asked.rma_id, lock=True)
    if rma.status in (COMPLETED, CANCELLED):
        raise ReturnClosed(f"this return is {rma.status}", {"rma_id": int(rma.id)})
    line = conn.execute(_LINE, {"line": asked.return_line_id, "rma": rma.id}).first()
    if line is None:
        raise NotFound("no such line on this return", {"return_line_id": asked.return_line_id})
    awaiting = int(line.received_qty) - int(line.inspected_qty)
    if asked.quantity > awaiting:
        raise OverInspection(
            f"only {awaiting} unit(s) of this line await inspection",
            {"return_line_id": int(line.id), "awaiting": awaiting, "requested": asked.quantity},
        )
    _check_photo(conn, int(rma.id), asked.photo_id)
    try:
        fee, amount = credit_due(
            line.unit_price, asked.quantity, asked.credit, asked.restocking_fee, req.fee_percent
        )
    except ReturnRuleError as exc:
        raise rule_failed(exc) from exc
    to = _destination(conn, rma, req)
    source = conn.execute(_RECEIVED_INTO, {"source": str(rma.id), "item": line.item_id}).scalar()
    if source is None:  # received before this rule existed: the warehouse's returns area
        area = typed_location(conn, int(rma.warehouse_id), "returns")
        if area is None:
            raise NoDispositionLocation(
                "this warehouse has no returns location",
                {"warehouse_id": int(rma.warehouse_id), "type": "returns"},
            )
        source = area.id
    posted = post(
        PostingRequest(
            movement_type="scrap" if asked.disposition == "scrap" else "return",
            lines=(
                MovementLine(
                    item_id=int(line.item_id),
                    quantity=asked.quantity,
                    from_location_id=int(source),
                    to_location_id=to.id,
                    lot_id=line.lot_id,
                    reason_code=req.reason_code,
                ),
            ),
            actor_id=req.actor_id,
            device_id=req.device_id,
            source_type=SOURCE_TYPE,
            source_id=str(rma.id),
        )
    )
    now = utcnow()
    inspection_id = conn.execute(
        _RI.insert().returning(_RI.c.id),
        {
            "rma_id": rma.id,
            "return_line_id": line.id,
            "quantity": asked.quantity,
            "disposition": asked.disposition,
            "to_location_id": to.id,
            "reason_code": req.reason_code,
            "credit": asked.credit,
            "restocking_fee": fee,
            "credit_amount": amount,
            "supplier_id": _supplier(conn, req, int(line.item_id)),
            "photo_id": asked.photo_id,
            "posting_id": posted.posting_id,
            "note": asked.note,
            "inspected_by": req.actor_id,
            "inspected_at": now,
        },
    ).scalar_one()
    book_customer_credit(conn, inspection_id=int(inspection_id), amount=amount,
                         warehouse_id=int(rma.warehouse_id), at=now, actor_id=req.actor_id,
                         posting_id=posted.posting_id)  # fmt: skip
    conn.execute(
        update(_RL)
        .where(_RL.c.id == line.id)
        .values(inspected_qty=_RL.c.inspected_qty + asked.quantity)
    )
    settle(conn, int(rma.id), now, inspected=True)
    return {"rma_id": int(rma.id), "inspection_id": int(inspection_id)}


def _present(_req: Any, answer: dict[str, Any], replayed: bool) -> InspectResult:
    view = rma_view(int(answer["rma_id"]))
    [inspection] = [i for i in view.inspections if i.id == int(answer["inspection_id"])]
    return InspectResult(view, inspection, replayed)


def _fingerprint(req: _Inspect) -> str:
    a = req.asked
    return fingerprint_of(
        {
            "rma_id": a.rma_id,
            "return_line_id": a.return_line_id,
            "quantity": a.quantity,
            "disposition": a.disposition,
            "credit": a.credit,
            "reason_code": req.reason_code,
            "restocking_fee": None if a.restocking_fee is None else str(a.restocking_fee),
            "bin": None if req.bin is None else req.bin.id,
            "supplier_id": a.supplier_id,
            "photo_id": a.photo_id,
            "note": a.note,
        }
    )


INSPECT: Command[_Inspect, InspectResult] = Command(
    name="returns.inspect", execute=_inspect, present=_present, fingerprint=_fingerprint
)
