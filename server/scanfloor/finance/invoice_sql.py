"""What a supplier invoice is matched and posted against, read inside its transaction: the
purchase order lines it names, the receipt movements of each (linked through the receipt
line's posting: the movements of that posting, of the line's item, from VENDOR, that were
not reversed), what each was valued at, what earlier invoices billed and cleared, and the
reads of invoices for the API and the console."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from ..catalog.models import Item, Location
from ..ledger.models import Movement
from ..purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier
from ..receiving.models import ReceiptLine
from .book_sql import money_of
from .document_models import SupplierInvoice, SupplierInvoiceLine, SupplierInvoiceMatch
from .invoice_rules import Receipt
from .invoice_views import InvoiceLineView, InvoiceMatchView, InvoiceView
from .money import RATE_PLACES
from .valuation_models import MovementValue

_SI = SupplierInvoice.__table__
_SIL = SupplierInvoiceLine.__table__
_SIM = SupplierInvoiceMatch.__table__
_POL = PurchaseOrderLine.__table__
_PO = PurchaseOrder.__table__
_RL = ReceiptLine.__table__
_M = Movement.__table__
_MV = MovementValue.__table__
_LOC = Location.__table__
_ITEM = Item.__table__
_SUP = Supplier.__table__
_REV = aliased(_M, name="reversal")
OPEN_STATUSES = ("held", "posted")  # what "invoiced before" counts (rejected does not)


def _ids(name: str) -> Any:
    return bindparam(name, expanding=True)


_PO_LINES = (
    select(_POL.c.id, _POL.c.po_id, _POL.c.item_id, _POL.c.ordered, _POL.c.unit_cost,
           _PO.c.supplier_id, _PO.c.number)
    .join(_PO, _PO.c.id == _POL.c.po_id)
    .where(_POL.c.id.in_(_ids("ids")))
)  # fmt: skip
_VENDOR = select(_LOC.c.id).where(_LOC.c.code == "VENDOR").scalar_subquery()
_RECEIPTS = (
    select(_RL.c.po_line_id, _M.c.id, _M.c.quantity, _MV.c.value)
    .distinct()
    .join(_M, and_(_M.c.posting_id == _RL.c.posting_id, _M.c.item_id == _RL.c.item_id))
    .outerjoin(_MV, _MV.c.movement_id == _M.c.id)
    .where(
        _RL.c.po_line_id.in_(_ids("ids")),
        _M.c.from_location_id == _VENDOR,
        ~select(_REV.c.id).where(_REV.c.reverses_movement_id == _M.c.id).exists(),
    )
    .order_by(_RL.c.po_line_id, _M.c.id)
)
_MATCHED = (
    select(_SIM.c.movement_id, func.sum(_SIM.c.quantity), func.sum(_SIM.c.received_value))
    .where(_SIM.c.movement_id.in_(_ids("ids")))
    .group_by(_SIM.c.movement_id)
)
_INVOICED = (
    select(_SIL.c.po_line_id, func.sum(_SIL.c.quantity))
    .join(_SI, _SI.c.id == _SIL.c.invoice_id)
    .where(_SIL.c.po_line_id.in_(_ids("ids")), _SI.c.status.in_(OPEN_STATUSES))
    .group_by(_SIL.c.po_line_id)
)
_TRANSIT = select(_LOC.c.id).where(_LOC.c.code == "IN-TRANSIT", _LOC.c.is_virtual.is_(True))


def po_lines(conn: Connection, ids: Iterable[int]) -> dict[int, Any]:
    """PO line id -> (id, po_id, item_id, ordered, unit_cost, supplier_id, number)."""
    return {int(r.id): r for r in conn.execute(_PO_LINES, {"ids": sorted(set(ids))})}


def receipts(conn: Connection, po_line_ids: Iterable[int]) -> dict[int, list[Receipt]]:
    """PO line id -> its receipt movements, oldest first, with what invoices cleared."""
    rows = conn.execute(_RECEIPTS, {"ids": sorted(set(po_line_ids))}).all()
    matched: dict[int, tuple[int, Decimal]] = {}
    if rows:
        ids = sorted({int(r.id) for r in rows})
        matched = {
            int(m): (int(q or 0), money_of(v)) for m, q, v in conn.execute(_MATCHED, {"ids": ids})
        }
    out: dict[int, list[Receipt]] = defaultdict(list)
    for r in rows:
        mq, mv = matched.get(int(r.id), (0, Decimal("0.00")))
        out[int(r.po_line_id)].append(
            Receipt(int(r.id), int(r.quantity), money_of(r.value), mq, mv)
        )
    return dict(out)


def received(found: dict[int, list[Receipt]], po_line_id: int) -> int:
    return sum(r.quantity for r in found.get(po_line_id, []))


def invoiced_before(conn: Connection, po_line_ids: Iterable[int]) -> dict[int, int]:
    """PO line id -> units billed by held or posted invoices."""
    q = conn.execute(_INVOICED, {"ids": sorted(set(po_line_ids))})
    return {int(i): int(n or 0) for i, n in q}


def transit_ids(conn: Connection) -> set[int]:
    """The IN-TRANSIT location(s): a receipt valued there books in_transit, not inventory."""
    return {int(i) for i in conn.execute(_TRANSIT).scalars()}


# --- reads -------------------------------------------------------------------------------


def _rate_of(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(RATE_PLACES)


def invoice_views(conn: Connection, rows: Sequence[Any], *, with_lines: bool) -> list[InvoiceView]:
    """Views of invoice rows (supplier_invoices joined with the supplier code)."""
    ids = [int(r.id) for r in rows]
    lines = _lines(conn, ids) if ids else {}
    out = []
    for r in rows:
        mine = lines.get(int(r.id), [])
        subtotal, tax = money_of(r.subtotal), money_of(r.tax)
        out.append(
            InvoiceView(
                id=int(r.id), supplier_id=int(r.supplier_id), supplier_code=str(r.supplier_code),
                number=str(r.number), invoice_date=r.invoice_date, due_date=r.due_date,
                currency=str(r.currency), subtotal=subtotal, tax=tax, total=subtotal + tax,
                status=str(r.status),
                mismatched_lines=sum(1 for x in mine if x.match_status != "matched"),
                entered_by=r.entered_by, entered_at=r.entered_at, decided_by=r.decided_by,
                decided_at=r.decided_at, decision_note=r.decision_note, posted_at=r.posted_at,
                entry_id=r.entry_id, lines=mine if with_lines else [],
            )
        )  # fmt: skip
    return out


INVOICE_ROWS = select(*_SI.c, _SUP.c.code.label("supplier_code")).join(
    _SUP, _SUP.c.id == _SI.c.supplier_id
)


def _lines(conn: Connection, invoice_ids: list[int]) -> dict[int, list[InvoiceLineView]]:
    rows = conn.execute(
        select(*_SIL.c, _POL.c.po_id, _PO.c.number.label("po_number"), _ITEM.c.sku)
        .join(_POL, _POL.c.id == _SIL.c.po_line_id)
        .join(_PO, _PO.c.id == _POL.c.po_id)
        .join(_ITEM, _ITEM.c.id == _SIL.c.item_id)
        .where(_SIL.c.invoice_id.in_(invoice_ids))
        .order_by(_SIL.c.invoice_id, _SIL.c.line_no)
    ).all()
    matches: dict[int, list[InvoiceMatchView]] = defaultdict(list)
    if rows:
        for m in conn.execute(
            select(_SIM)
            .where(_SIM.c.invoice_line_id.in_([int(r.id) for r in rows]))
            .order_by(_SIM.c.id)
        ):
            matches[int(m.invoice_line_id)].append(
                InvoiceMatchView(int(m.movement_id), int(m.quantity),
                                 money_of(m.received_value), money_of(m.invoiced_value))
            )  # fmt: skip
    out: dict[int, list[InvoiceLineView]] = defaultdict(list)
    for r in rows:
        out[int(r.invoice_id)].append(
            InvoiceLineView(
                id=int(r.id), line_no=int(r.line_no), po_line_id=int(r.po_line_id),
                po_id=int(r.po_id), po_number=str(r.po_number), item_id=int(r.item_id),
                sku=str(r.sku), quantity=int(r.quantity), unit_price=_rate_of(r.unit_price),
                amount=money_of(r.amount), match_status=str(r.match_status),
                match_detail=dict(r.match_detail or {}), matches=matches.get(int(r.id), []),
            )
        )  # fmt: skip
    return dict(out)
