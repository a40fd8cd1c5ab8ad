"""Demo suppliers and purchase orders, so a new user can receive something at once.

Called by the demo seed inside its transaction (the services join it). Picks items from the
seeded catalog deterministically: plain items with a case barcode, and a lot-tracked one.
"""

from __future__ import annotations

from sqlalchemy import select

from ..catalog.models import Item, PackLevel
from ..extensions import db
from .models import Supplier
from .orders_service import LineSpec, create_purchase_order, open_purchase_order
from .suppliers_service import create_supplier

SUPPLIERS = (
    ("BLUEHARBOR", "Blue Harbor Foods", "5"),
    ("NORTHFARM", "North Farm Dairy", "0"),
)


def _plain_items_with_cases(count: int) -> list[Item]:
    with_case = select(PackLevel.item_id).where(PackLevel.level == "case")
    return list(
        db.session.scalars(
            select(Item)
            .where(Item.tracking == "none", Item.id.in_(with_case), Item.active.is_(True))
            .order_by(Item.id)
            .limit(count)
        )
    )


def _lot_items(count: int) -> list[Item]:
    return list(
        db.session.scalars(
            select(Item).where(Item.tracking == "lot").order_by(Item.id).limit(count)
        )
    )


def seed_demo_purchase_orders() -> list[str]:
    """Create the demo suppliers and POs unless they exist; returns the PO numbers made."""
    if db.session.scalar(select(Supplier.id).where(Supplier.code == SUPPLIERS[0][0])):
        return []
    for code, name, tolerance in SUPPLIERS:
        create_supplier(code=code, name=name, over_receipt_tolerance_pct=tolerance)
    plain, lotted = _plain_items_with_cases(5), _lot_items(2)
    plans = [
        ("PO-DEMO-1001", "BLUEHARBOR", False, True, [(it, 48) for it in plain[:3]]),
        ("PO-DEMO-1002", "BLUEHARBOR", True, True, [(it, 24) for it in plain[3:5]]),
        ("PO-DEMO-1003", "NORTHFARM", False, True, [(it, 30) for it in lotted]),
        ("PO-DEMO-1004", "NORTHFARM", False, False, [(it, 12) for it in plain[:2]]),
    ]
    made = []
    for number, supplier, blind, opened, lines in plans:
        if not lines:
            continue
        po = create_purchase_order(
            number=number,
            supplier=supplier,
            blind_receipt=blind,
            lines=[LineSpec(item_id=it.id, quantity=qty, unit_cost="2.40") for it, qty in lines],
        )
        if opened:
            open_purchase_order(po.id)
        made.append(number)
    return made
