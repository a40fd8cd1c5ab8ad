"""Reading suppliers' purchase orders as the caller's role may see them.

Blind receipt: workers do not see ordered quantities or anything that gives them away
(received so far, open quantity, variance), so they count what is actually there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select

from ..auth.models import User
from ..catalog.models import Item, Location
from ..catalog.results import Page, cursor_id, next_cursor, page_limit
from ..errors import NotFound
from ..extensions import db
from .models import PO_STATES, PurchaseOrder, PurchaseOrderLine, Supplier
from .results import ItemBrief, PoLineView, PoSummary, PoView, UserBrief, WarehouseBrief
from .rules import decimal_text, may_see_expected, po_value
from .suppliers_service import supplier_view


def load_po(po_id: int) -> PurchaseOrder:
    po = db.session.get(PurchaseOrder, po_id, populate_existing=True)
    if po is None:
        raise NotFound("purchase order not found", {"po_id": po_id})
    return po


def _totals(po_ids: Sequence[int]) -> dict[int, tuple[int, int, int, Decimal]]:
    """Per PO: line count, units ordered and received, and value (rules.po_value: summed
    here, not in SQL, so the money stays exact on SQLite too)."""
    pol = PurchaseOrderLine
    rows = db.session.execute(
        select(pol.po_id, pol.ordered, pol.received, pol.unit_cost).where(pol.po_id.in_(po_ids))
    ).all()
    lines: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        lines[r.po_id].append(r)
    return {
        po_id: (
            len(rs),
            sum(int(r.ordered) for r in rs),
            sum(int(r.received) for r in rs),
            po_value((int(r.ordered), Decimal(r.unit_cost)) for r in rs),
        )
        for po_id, rs in lines.items()
    }


def _warehouses(ids: Iterable[int | None]) -> dict[int, WarehouseBrief]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(select(Location.id, Location.code).where(Location.id.in_(wanted)))
    return {r.id: WarehouseBrief(r.id, r.code) for r in rows}


def users_by_id(ids: Iterable[int | None]) -> dict[int, UserBrief]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(User.id, User.username, User.display_name).where(User.id.in_(wanted))
    )
    return {r.id: UserBrief(r.id, r.username, r.display_name) for r in rows}


def _summaries(pos: Sequence[PurchaseOrder], role: str) -> list[PoSummary]:
    suppliers = {
        s.id: supplier_view(s)
        for s in db.session.scalars(
            select(Supplier).where(Supplier.id.in_({p.supplier_id for p in pos}))
        )
    }
    totals = _totals([p.id for p in pos])
    warehouses = _warehouses(p.warehouse_id for p in pos)
    approvers = users_by_id(p.approved_by for p in pos)
    out = []
    for po in pos:
        count, ordered, received, value = totals.get(po.id, (0, 0, 0, Decimal(0)))
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
                warehouse=warehouses.get(po.warehouse_id) if po.warehouse_id else None,
                currency=po.currency,
                revision=po.revision,
                value=decimal_text(value, 2) if shown else None,
                approved_by=approvers.get(po.approved_by) if po.approved_by else None,
                approved_at=po.approved_at,
                sent_at=po.sent_at,
                cancelled_at=po.cancelled_at,
                cancel_reason=po.cancel_reason,
                suggestion_run_id=po.suggestion_run_id,
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
            supplier_sku=ln.supplier_sku,
        )
        for ln, item in rows
    ]


def po_view(po_id: int, *, role: str) -> PoView:
    """One PO with its lines."""
    po = load_po(po_id)
    return PoView(**_summaries([po], role)[0].__dict__, lines=_line_views(po, role))
