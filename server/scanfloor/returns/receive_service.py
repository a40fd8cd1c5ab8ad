"""Receiving a return: scanned units post Customer -> the warehouse's returns location.

The scan is resolved before the write transaction (reads only). Then, in one transaction
(the `returns.receive` command, so a replayed scan answers the first and posts nothing):
1. the RMA row is held and must still take units (not closed, completed or cancelled);
2. the item's totals over the RMA say whether the scan is flagged (not on the order, or
   more than expected): flagged without `accept_flag` is refused, nothing posted;
3. the units land on the item's line (of that lot), a new line when there is none (kept
   with its flag), and post through the one writer (reason `customer_return`);
4. the receipt closes itself once every expected unit is in and nothing was flagged; the
   status follows (status_service.settle).
Closing the receipt by hand (`returns.close_receipt`) is the worker's "done receiving".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from ..allocation.models import OrderLine
from ..catalog.models import Item, Lot
from ..catalog.resolve import resolve_barcode
from ..catalog.rules import CatalogRuleError, normalise_lot_code
from ..commands import Command, caller_of
from ..commands.rules import fingerprint_of
from ..errors import (
    InvalidState,
    LotRequired,
    NoDispositionLocation,
    NotAnItem,
    ReturnClosed,
    ReturnFlagged,
    UnknownBarcode,
    ValidationFailed,
)
from ..extensions import db
from ..ledger.rules import MovementLine, PostingRequest
from ..ledger.writer import post
from ..picking.queries import require_rights, warehouse
from ..timeutil import utcnow
from .models import ReturnAuthorisation, ReturnLine
from .queries import rma_row, rma_view, typed_location, virtual_location
from .rules import (
    AUTHORISED,
    CANCELLED,
    COMPLETED,
    RECEIPT_REASON_CODE,
    LineState,
    receipt_complete,
    receipt_flag,
)
from .status_service import settle
from .views import RmaView

SOURCE_TYPE = "return"
MAX_SCAN_QUANTITY = 100_000

_R = ReturnAuthorisation.__table__
_RL = ReturnLine.__table__
_OL = OrderLine.__table__
_I = Item.__table__
_LOT = Lot.__table__
_LINES = select(_RL).where(_RL.c.rma_id == bindparam("id")).order_by(_RL.c.line_no)
_ON_ORDER = select(_OL.c.id, _OL.c.price, _OL.c.kit_item_id).where(
    _OL.c.order_id == bindparam("order"), _OL.c.item_id == bindparam("item")
)
_LOT_BY_CODE = select(_LOT.c.id).where(
    _LOT.c.item_id == bindparam("item"), _LOT.c.code == bindparam("code")
)
_ITEM = select(_I.c.id, _I.c.sku, _I.c.name, _I.c.tracking).where(_I.c.id == bindparam("id"))


@dataclass(frozen=True)
class ReturnScan:
    rma_id: int
    barcode: str
    quantity: int = 1
    lot: str | None = None
    accept_flag: bool = False


@dataclass(frozen=True)
class ReceiveResult:
    rma: RmaView
    line_id: int
    received: int
    flag: str | None
    posting_id: int
    replayed: bool


@dataclass(frozen=True)
class _Receive:
    scan: ReturnScan
    item_id: int
    units: int
    lot_code: str | None
    actor_id: int | None
    device_id: str | None


def _resolve(scan: ReturnScan) -> tuple[int, int, str | None]:
    """(item id, base units one scan stands for, the lot a GS1 scan carries)."""
    found = resolve_barcode(scan.barcode)
    if found.kind == "unknown":
        raise UnknownBarcode("nothing has this barcode", {"barcode": scan.barcode})
    if found.item is None:
        raise NotAnItem(
            f"this barcode is a {found.kind}, not an item",
            {"barcode": scan.barcode, "kind": found.kind},
        )
    lot = found.lot.get("code") if found.lot else None
    return int(found.item["id"]), int(found.quantity or 1), None if lot is None else str(lot)


def check_rights(actor_id: int | None, rma: Any) -> None:
    """The worker may work in the return's warehouse (WarehouseNotAllowed else)."""
    if actor_id is not None:
        require_rights(actor_id, warehouse(int(rma.warehouse_id)))


def receive_return(
    scan: ReturnScan,
    *,
    actor_id: int | None,
    device_id: str | None = None,
    idempotency_key: str | None = None,
) -> ReceiveResult:
    """Take scanned units of a return into the returns area (module docstring)."""
    if isinstance(scan.quantity, bool) or not 0 < scan.quantity <= MAX_SCAN_QUANTITY:
        raise ValidationFailed(f"quantity is 1-{MAX_SCAN_QUANTITY} scans", {"field": "quantity"})
    check_rights(actor_id, rma_row(scan.rma_id))
    item_id, per_scan, gs1_lot = _resolve(scan)
    lot = (scan.lot or "").strip() or gs1_lot
    req = _Receive(scan, item_id, per_scan * scan.quantity, lot, actor_id, device_id)
    return RECEIVE.run(req, caller=caller_of(actor_id), key=idempotency_key)


def refuse_closed(rma: Any) -> None:
    if rma.status in (COMPLETED, CANCELLED) or rma.receipt_closed_at is not None:
        raise ReturnClosed(
            f"this return is {rma.status if rma.status != 'arrived' else 'closed for receipt'}",
            {"rma_id": int(rma.id), "status": rma.status},
        )


def _lot_id(conn: Connection, item: Any, code: str | None) -> int | None:
    """The returned units' lot: required for a lot-tracked item and one the item has (a
    customer returns what was shipped: an unknown lot is a mistyped one); none otherwise."""
    if item.tracking != "lot":
        return None
    if not code:
        raise LotRequired("this item is lot-tracked: scan or type the lot", {"item_id": item.id})
    try:
        normal = normalise_lot_code(code)
    except CatalogRuleError as exc:
        raise ValidationFailed(str(exc), {"field": "lot", **exc.details}) from exc
    found = conn.execute(_LOT_BY_CODE, {"item": item.id, "code": normal}).scalar()
    if found is None:
        raise ValidationFailed("this item has no such lot", {"item_id": item.id, "lot": code})
    return int(found)


def _landing(lines: list[Any], lot_id: int | None) -> Any | None:
    """The line the units go on: the item's line of that lot (or not yet lotted) with room
    first, else the last such line; None: a new line."""
    fits = [
        ln for ln in lines if ln.lot_id == lot_id or (ln.lot_id is None and ln.received_qty == 0)
    ]
    for ln in fits:
        if ln.received_qty < ln.expected_qty:
            return ln
    return fits[-1] if fits else None


def _new_line(
    conn: Connection, rma: Any, all_lines: Sequence[Any], mine: list[Any], item_id: int,
    lot_id: int | None, units: int, flag: str | None,
) -> int:  # fmt: skip
    """A line for units that fit no line: its expected units come from the item's lines
    still waiting for units (another lot of what was announced), so totals stay true."""
    order_line = conn.execute(_ON_ORDER, {"order": rma.order_id, "item": item_id}).first()
    moved = 0
    for ln in mine:
        take = min(ln.expected_qty - ln.received_qty, units - moved) if flag is None else 0
        if take > 0:
            conn.execute(
                update(_RL).where(_RL.c.id == ln.id).values(expected_qty=_RL.c.expected_qty - take)
            )
            moved += take
    source = mine[0] if mine else None
    return int(
        conn.execute(
            _RL.insert().returning(_RL.c.id),
            {
                "rma_id": rma.id,
                "line_no": max((int(ln.line_no) for ln in all_lines), default=0) + 1,
                "order_line_id": None if order_line is None else order_line.id,
                "item_id": item_id,
                "lot_id": lot_id,
                "expected_qty": moved,
                "received_qty": units,
                "inspected_qty": 0,
                "flag": flag,
                "reason": None if source is None else source.reason,
                "unit_price": (
                    source.unit_price if source is not None
                    else None if order_line is None or order_line.kit_item_id is not None
                    else order_line.price
                ),
            },
        ).scalar_one()
    )  # fmt: skip


def _receive(req: _Receive) -> dict[str, Any]:
    conn = db.session.connection()
    rma = rma_row(req.scan.rma_id, lock=True)
    refuse_closed(rma)
    item = conn.execute(_ITEM, {"id": req.item_id}).one()
    lot_id = _lot_id(conn, item, req.lot_code)
    lines = conn.execute(_LINES, {"id": rma.id}).all()
    mine = [ln for ln in lines if ln.item_id == item.id]
    on_order = bool(mine and any(ln.order_line_id for ln in mine)) or (
        conn.execute(_ON_ORDER, {"order": rma.order_id, "item": item.id}).first() is not None
    )
    expected = sum(int(ln.expected_qty) for ln in mine)
    received = sum(int(ln.received_qty) for ln in mine)
    flag = receipt_flag(expected, received, req.units, on_order)
    if flag is not None and not req.scan.accept_flag:
        raise ReturnFlagged(
            "this item is not on the order" if flag == "not_on_order"
            else "more of this item than the return expects",
            {
                "flag": flag,
                "item": {"id": int(item.id), "sku": item.sku, "name": item.name},
                "expected_qty": expected,
                "received_qty": received,
            },
        )  # fmt: skip
    returns_area = typed_location(conn, int(rma.warehouse_id), "returns")
    if returns_area is None:
        raise NoDispositionLocation(
            "this warehouse has no returns location", {"warehouse_id": int(rma.warehouse_id),
                                                        "type": "returns"}
        )  # fmt: skip
    landing = _landing(mine, lot_id)
    if landing is None:
        line_id = _new_line(conn, rma, lines, mine, item.id, lot_id, req.units, flag)
    else:
        line_id = int(landing.id)
        values: dict[str, Any] = {"received_qty": _RL.c.received_qty + req.units, "lot_id": lot_id}
        if flag is not None and landing.flag is None:
            values["flag"] = flag
        conn.execute(update(_RL).where(_RL.c.id == line_id).values(**values))
    posted = post(
        PostingRequest(
            movement_type="return",
            lines=(
                MovementLine(
                    item_id=int(item.id),
                    quantity=req.units,
                    from_location_id=virtual_location(conn, "CUSTOMER").id,
                    to_location_id=returns_area.id,
                    lot_id=lot_id,
                    reason_code=RECEIPT_REASON_CODE,
                ),
            ),
            actor_id=req.actor_id,
            device_id=req.device_id,
            source_type=SOURCE_TYPE,
            source_id=str(rma.id),
        )
    )
    _close_if_complete(conn, rma.id)
    settle(conn, int(rma.id), utcnow())
    return {
        "rma_id": int(rma.id),
        "line_id": line_id,
        "received": req.units,
        "flag": flag,
        "posting_id": posted.posting_id,
    }


def _close_if_complete(conn: Connection, rma_id: int) -> None:
    lines = conn.execute(_LINES, {"id": rma_id}).all()
    states = [LineState(int(ln.expected_qty), int(ln.received_qty), ln.flag) for ln in lines]
    if receipt_complete(states):
        conn.execute(update(_R).where(_R.c.id == rma_id).values(receipt_closed_at=utcnow()))


def _present(_req: Any, answer: dict[str, Any], replayed: bool) -> ReceiveResult:
    return ReceiveResult(
        rma=rma_view(int(answer["rma_id"])),
        line_id=int(answer["line_id"]),
        received=int(answer["received"]),
        flag=answer["flag"],
        posting_id=int(answer["posting_id"]),
        replayed=replayed,
    )


def _fingerprint(req: _Receive) -> str:
    scan = req.scan
    return fingerprint_of(
        {"rma_id": scan.rma_id, "item_id": req.item_id, "units": req.units,
         "lot": req.lot_code, "accept_flag": scan.accept_flag}
    )  # fmt: skip


RECEIVE: Command[_Receive, ReceiveResult] = Command(
    name="returns.receive", execute=_receive, present=_present, fingerprint=_fingerprint
)


# --- done receiving -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Close:
    rma_id: int
    actor_id: int | None


def close_receipt(
    rma_id: int, *, actor_id: int | None, idempotency_key: str | None = None
) -> RmaView:
    """The worker's "done receiving": nothing more arrives; the return completes once every
    received unit is inspected."""
    check_rights(actor_id, rma_row(rma_id))
    return CLOSE.run(_Close(rma_id, actor_id), caller=caller_of(actor_id), key=idempotency_key)


def _close(req: _Close) -> dict[str, Any]:
    conn = db.session.connection()
    rma = rma_row(req.rma_id, lock=True)
    if rma.status == CANCELLED:
        raise ReturnClosed(
            "this return is cancelled", {"rma_id": int(rma.id), "status": rma.status}
        )
    if rma.receipt_closed_at is not None:  # closed before (by hand or by itself): as it is
        return {"rma_id": int(rma.id)}
    if rma.status == AUTHORISED:
        raise InvalidState(
            "nothing of this return has arrived: receive it, or cancel the return",
            {"rma_id": int(rma.id), "status": rma.status},
        )
    conn.execute(update(_R).where(_R.c.id == rma.id).values(receipt_closed_at=utcnow()))
    settle(conn, int(rma.id), utcnow(), announce=True)
    return {"rma_id": int(rma.id)}


CLOSE: Command[_Close, RmaView] = Command(
    name="returns.close_receipt",
    execute=_close,
    present=lambda _req, answer, _replayed: rma_view(int(answer["rma_id"])),
    fingerprint=lambda req: fingerprint_of({"rma_id": req.rma_id}),
)
