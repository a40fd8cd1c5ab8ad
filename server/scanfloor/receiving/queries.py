"""Reading purchase orders and their receipts, as the caller's role may see them.

Blind receipt: workers do not see ordered quantities or anything that gives them away
(received so far, open quantity, variance), so they count what is actually there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import func, or_, select

from ..auth.models import User
from ..catalog.models import Container, Item, Location
from ..catalog.results import Page, cursor_id, next_cursor, page_limit
from ..errors import NotFound
from ..extensions import db
from ..ledger.models import Movement
from .models import PO_STATES, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine, Supplier
from .results import (
    ItemBrief,
    PersonBrief,
    PoLineView,
    PoSummary,
    PoView,
    ReceiptLineView,
    ReceiptView,
)
from .rules import decimal_text, may_see_expected
from .suppliers_service import supplier_view


def load_po(po_id: int) -> PurchaseOrder:
    po = db.session.get(PurchaseOrder, po_id, populate_existing=True)
    if po is None:
        raise NotFound("purchase order not found", {"po_id": po_id})
    return po


def _totals(po_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
    rows = db.session.execute(
        select(
            PurchaseOrderLine.po_id,
            func.count(),
            func.coalesce(func.sum(PurchaseOrderLine.ordered), 0),
            func.coalesce(func.sum(PurchaseOrderLine.received), 0),
        )
        .where(PurchaseOrderLine.po_id.in_(po_ids))
        .group_by(PurchaseOrderLine.po_id)
    ).all()
    return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows}


def _summaries(pos: Sequence[PurchaseOrder], role: str) -> list[PoSummary]:
    suppliers = {
        s.id: supplier_view(s)
        for s in db.session.scalars(
            select(Supplier).where(Supplier.id.in_({p.supplier_id for p in pos}))
        )
    }
    totals = _totals([p.id for p in pos])
    out = []
    for po in pos:
        count, ordered, received = totals.get(po.id, (0, 0, 0))
        shown = may_see_expected(po.blind_receipt, role)
        out.append(
            PoSummary(
                id=po.id,
                number=po.number,
                supplier=suppliers[po.supplier_id],
                state=po.state,
                blind_receipt=po.blind_receipt,
                expected_date=po.expected_date,
                line_count=count,
                ordered_total=ordered if shown else None,
                received_total=received if shown else None,
                created_at=po.created_at,
                opened_at=po.opened_at,
                closed_at=po.closed_at,
            )
        )
    return out


def po_summary(po_id: int, *, role: str) -> PoSummary:
    return _summaries([load_po(po_id)], role)[0]


def list_purchase_orders(
    *,
    role: str,
    state: Iterable[str] | None = None,
    q: str | None = None,
    number: str | None = None,
    supplier_id: int | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[PoSummary]:
    """POs newest first; state is one or more states, q matches number or supplier."""
    size = page_limit(limit)
    stmt = select(PurchaseOrder)
    after = cursor_id(cursor)
    if after:
        stmt = stmt.where(PurchaseOrder.id < after)
    states = [s for s in (state or ()) if s in PO_STATES]
    if state is not None:
        stmt = stmt.where(PurchaseOrder.state.in_(states))
    if number is not None and number.strip():
        stmt = stmt.where(PurchaseOrder.number == number.strip().upper())
    if supplier_id is not None:
        stmt = stmt.where(PurchaseOrder.supplier_id == supplier_id)
    if q is not None and q.strip():
        term = q.strip()
        matching_suppliers = select(Supplier.id).where(
            or_(
                Supplier.code.contains(term.upper(), autoescape=True),
                Supplier.name.ilike(f"%{term}%"),
            )
        )
        stmt = stmt.where(
            or_(
                PurchaseOrder.number.contains(term.upper(), autoescape=True),
                PurchaseOrder.supplier_id.in_(matching_suppliers),
            )
        )
    rows = list(db.session.scalars(stmt.order_by(PurchaseOrder.id.desc()).limit(size + 1)))
    return Page(
        rows=_summaries(rows[:size], role), next_cursor=next_cursor([p.id for p in rows], size)
    )


def _line_views(po: PurchaseOrder, role: str) -> list[PoLineView]:
    shown = may_see_expected(po.blind_receipt, role)
    rows = db.session.execute(
        select(PurchaseOrderLine, Item)
        .join(Item, Item.id == PurchaseOrderLine.item_id)
        .where(PurchaseOrderLine.po_id == po.id)
        .order_by(PurchaseOrderLine.line_no)
        .execution_options(populate_existing=True)
    ).all()
    return [
        PoLineView(
            id=ln.id,
            line_no=ln.line_no,
            item=ItemBrief(item.id, item.sku, item.name, item.tracking, item.expiry_tracked),
            ordered=ln.ordered if shown else None,
            received=ln.received if shown else None,
            damaged=ln.damaged if shown else None,
            open_quantity=max(ln.ordered - ln.received, 0) if shown else None,
            variance=ln.received - ln.ordered if shown else None,
            unit_cost=decimal_text(ln.unit_cost, 2) or "0.00",
            expected_date=ln.expected_date,
        )
        for ln, item in rows
    ]


def po_view(po_id: int, *, role: str) -> PoView:
    """One PO with its lines and its receipts (without their lines)."""
    po = load_po(po_id)
    summary = _summaries([po], role)[0]
    return PoView(
        **summary.__dict__,
        lines=_line_views(po, role),
        receipts=receipts_of(po, role, with_lines=False),
    )


def _people(ids: Iterable[int | None]) -> dict[int, PersonBrief]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(User.id, User.username, User.display_name).where(User.id.in_(wanted))
    ).all()
    return {r.id: PersonBrief(r.id, r.username, r.display_name) for r in rows}


def _receipt_lines(receipt_ids: Sequence[int], shown: bool) -> dict[int, list[ReceiptLineView]]:
    rl = ReceiptLine
    rows = db.session.execute(
        select(
            rl,
            PurchaseOrderLine.line_no,
            Item.sku,
            Location.code.label("location_code"),
            Container.code.label("container_code"),
        )
        .join(PurchaseOrderLine, PurchaseOrderLine.id == rl.po_line_id)
        .join(Item, Item.id == rl.item_id)
        .join(Location, Location.id == rl.location_id)
        .outerjoin(Container, Container.id == rl.container_id)
        .where(rl.receipt_id.in_(receipt_ids))
        .order_by(rl.id)
    ).all()
    movements: dict[int, list[int]] = defaultdict(list)
    posting_ids = {r[0].posting_id for r in rows}
    if posting_ids:
        for mid, pid in db.session.execute(
            select(Movement.id, Movement.posting_id)
            .where(Movement.posting_id.in_(posting_ids))
            .order_by(Movement.id)
        ):
            movements[pid].append(mid)
    people = _people(r[0].approved_by for r in rows)
    out: dict[int, list[ReceiptLineView]] = defaultdict(list)
    for line, line_no, sku, location_code, container_code in rows:
        out[line.receipt_id].append(
            ReceiptLineView(
                id=line.id,
                po_line_id=line.po_line_id,
                line_no=line_no,
                item_id=line.item_id,
                sku=sku,
                quantity=line.quantity,
                damaged_quantity=line.damaged_quantity,
                damage_reason=line.damage_reason,
                lot_id=line.lot_id,
                lot_code=line.lot_code,
                expiry=line.expiry,
                variance=line.variance if shown else None,
                location_id=line.location_id,
                location_code=location_code,
                container_id=line.container_id,
                container_code=container_code,
                approved_by=people.get(line.approved_by) if line.approved_by else None,
                posting_id=line.posting_id,
                movement_ids=movements[line.posting_id],
                created_at=line.created_at,
            )
        )
    return out


def receipts_of(po: PurchaseOrder, role: str, *, with_lines: bool = True) -> list[ReceiptView]:
    receipts = list(
        db.session.scalars(
            select(Receipt)
            .where(Receipt.po_id == po.id)
            .order_by(Receipt.id)
            .execution_options(populate_existing=True)
        )
    )
    if not receipts:
        return []
    ids = [r.id for r in receipts]
    sums = {
        row[0]: (int(row[1]), int(row[2]), int(row[3]))
        for row in db.session.execute(
            select(
                ReceiptLine.receipt_id,
                func.count(),
                func.sum(ReceiptLine.quantity),
                func.sum(ReceiptLine.damaged_quantity),
            )
            .where(ReceiptLine.receipt_id.in_(ids))
            .group_by(ReceiptLine.receipt_id)
        )
    }
    lines = _receipt_lines(ids, may_see_expected(po.blind_receipt, role)) if with_lines else {}
    people = _people(r.actor_id for r in receipts)
    return [
        ReceiptView(
            id=r.id,
            po_id=r.po_id,
            actor=people.get(r.actor_id) if r.actor_id else None,
            device_id=r.device_id,
            business_date=r.business_date,
            started_at=r.started_at,
            last_at=r.last_at,
            line_count=sums.get(r.id, (0, 0, 0))[0],
            quantity=sums.get(r.id, (0, 0, 0))[1],
            damaged_quantity=sums.get(r.id, (0, 0, 0))[2],
            lines=lines.get(r.id, []),
        )
        for r in receipts
    ]


def list_receipts(po_id: int, *, role: str) -> list[ReceiptView]:
    """A PO's receipt documents with their lines, oldest first."""
    return receipts_of(load_po(po_id), role)
