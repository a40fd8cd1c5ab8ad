"""Reading the receipts taken against a purchase order, and the PO as the dock sees it.

Blind receipt: workers do not see a receipt line's variance (it gives the ordered quantity
away), so they count what is actually there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select

from ..auth.models import User
from ..catalog.models import Container, Item, Location
from ..extensions import db
from ..ledger.models import Movement
from ..purchasing import queries as purchasing_queries
from ..purchasing.models import PurchaseOrderLine
from ..purchasing.queries import load_po
from ..purchasing.rules import may_see_expected
from .models import Receipt, ReceiptLine
from .results import PersonBrief, PoWithReceipts, ReceiptLineView, ReceiptView


def po_view(po_id: int, *, role: str) -> PoWithReceipts:
    """One PO with its lines and its receipts (without their lines)."""
    po = purchasing_queries.po_view(po_id, role=role)
    return PoWithReceipts(
        **po.__dict__, receipts=receipts_of(po.id, po.blind_receipt, role, with_lines=False)
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


def receipts_of(
    po_id: int, blind_receipt: bool, role: str, *, with_lines: bool = True
) -> list[ReceiptView]:
    receipts = list(
        db.session.scalars(
            select(Receipt)
            .where(Receipt.po_id == po_id)
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
    lines = _receipt_lines(ids, may_see_expected(blind_receipt, role)) if with_lines else {}
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
    po = load_po(po_id)
    return receipts_of(po.id, po.blind_receipt, role)
