"""The demo's finance documents, on the purchasing history's real receipts, so a new user
opens the finance pages to figures that tie out:

- a supplier invoice at the PO prices for the oldest received PO (it posts at once: GRNI
  cleared, accounts payable owed);
- an invoice for the next received PO with one line 6 % above the PO price, beyond its
  supplier's 2 % price tolerance: it waits in the approval queue (entered by `manager`;
  approve it as `admin`: the person who entered it may not);
- a freight charge on the first PO's receipts, spread by value (a landed cost: docs/
  landed-cost.md), part of it to stock still on hand and part to COGS for what has shipped.
Shipments of the demo's captured orders book revenue and VAT at their prices
(seed/outbound_plan.py: list_price, line_tax). Only POs in the functional currency are
invoiced (invoices in another currency are refused for now).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import func, select

from ..auth.models import User
from ..extensions import db
from ..finance.document_models import LandedCost, SupplierInvoice
from ..finance.invoice_service import enter_invoice
from ..finance.invoice_views import InvoiceLineSpec
from ..finance.landed_service import add_landed_cost
from ..purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier
from ..receiving.models import Receipt, ReceiptLine
from ..timeutil import utcnow

PRICE_TOLERANCE = Decimal("2")  # % the held invoice's supplier accepts
OVER_PRICE = Decimal("1.06")  # the held line's price against the PO's
FREIGHT_SHARE = Decimal("0.04")  # the freight bill against the first PO's received value
CENT = Decimal("0.01")


def _received_pos() -> list[tuple[PurchaseOrder, list[PurchaseOrderLine]]]:
    """POs in the functional currency with units received through receiving, oldest first."""
    currency = str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR")
    received = select(ReceiptLine.po_line_id).distinct()
    rows = db.session.execute(
        select(PurchaseOrder, PurchaseOrderLine)
        .join(PurchaseOrderLine, PurchaseOrderLine.po_id == PurchaseOrder.id)
        .where(
            PurchaseOrder.currency == currency,
            PurchaseOrderLine.received > 0,
            PurchaseOrderLine.id.in_(received),
        )
        .order_by(PurchaseOrder.id, PurchaseOrderLine.line_no)
    ).all()
    by_po: dict[int, tuple[PurchaseOrder, list[PurchaseOrderLine]]] = {}
    lines: dict[int, list[PurchaseOrderLine]] = defaultdict(list)
    for po, line in rows:
        by_po.setdefault(po.id, (po, lines[po.id]))
        lines[po.id].append(line)
    return list(by_po.values())


def _user(name: str) -> int | None:
    return db.session.scalar(select(User.id).where(User.username == name))


def _spec(line: PurchaseOrderLine, factor: Decimal = Decimal(1)) -> InvoiceLineSpec:
    price = (Decimal(line.unit_cost) * factor).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    return InvoiceLineSpec(po_line_id=line.id, quantity=int(line.received), unit_price=price)


def seed_finance_demo() -> None:
    """The invoices and the landed cost described in the module docstring."""
    pos = _received_pos()
    manager = _user("manager")
    today = utcnow().date()
    if not pos:
        return
    first, first_lines = pos[0]
    enter_invoice(supplier=first.supplier_id, number=f"INV-{first.number}", invoice_date=today,
                  due_date=None, currency=None, tax=Decimal(0),
                  lines=[_spec(ln) for ln in first_lines], actor_id=manager)  # fmt: skip
    if len(pos) > 1:
        second, second_lines = pos[1]
        supplier = db.session.get(Supplier, second.supplier_id)
        if supplier is not None:
            supplier.invoice_price_tolerance_pct = PRICE_TOLERANCE
            db.session.flush()
        specs = [_spec(second_lines[0], OVER_PRICE)] + [_spec(ln) for ln in second_lines[1:]]
        enter_invoice(supplier=second.supplier_id, number=f"INV-{second.number}",
                      invoice_date=today, due_date=None, currency=None, tax=Decimal(0),
                      lines=specs, actor_id=manager)  # fmt: skip
    receipts = list(db.session.scalars(select(Receipt.id).where(Receipt.po_id == first.id)))
    value = sum((Decimal(ln.unit_cost) * ln.received for ln in first_lines), Decimal(0))
    freight = (value * FREIGHT_SHARE).quantize(CENT, ROUND_HALF_UP)
    if receipts and freight > 0:
        add_landed_cost("freight", "value", freight, receipts, f"FRT-{first.number}",
                        "Inbound freight, demo", today, manager)  # fmt: skip


def finance_summary() -> list[str]:
    """Lines for the seed's summary: what waits in the invoice queue and what was charged."""
    count = db.session.scalar
    posted = count(select(func.count()).where(SupplierInvoice.status == "posted")) or 0
    held = count(select(func.count()).where(SupplierInvoice.status == "held")) or 0
    charges = count(select(func.count()).select_from(LandedCost)) or 0
    if not (posted or held or charges):
        return []
    return [
        f"Finance: {posted} supplier invoice(s) posted, {held} held for approval "
        f"(approve as admin at /console/invoices), {charges} landed cost(s); valuation, "
        "journal, trial balance and GRNI ageing at /console/finance"
    ]
