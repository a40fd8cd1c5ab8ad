"""The demo's finance documents, on the purchasing history's real receipts and the shipped
month's real shipments (seed/shipped_history.py), so a new user opens the finance pages to
figures that tie out:

- a supplier invoice at the PO prices for the oldest received PO, entered by `finance` (it
  posts at once: GRNI cleared, accounts payable owed);
- an invoice for the next received PO with one line 6 % above the PO price, beyond its
  supplier's 2 % price tolerance: it waits in the approval queue (entered by `admin`;
  approve it as `finance`: the person who entered it may not);
- a freight charge on the first PO's receipts, spread by value (a landed cost: docs/
  landed-cost.md), part of it to stock still on hand and part to COGS for what has shipped.
- one Shopify payout of the WEB channel imported as a channel settlement (its CSV export
  built here): a charge per WEB order whose shipment booked revenue, at its lines' price x
  quantity + tax, except one paid SHORT_PAID under it (a discount the shop gave that the
  order does not carry: the "amount differs" exception); a fee of 2.9 % + 0.30 on each; a
  refund of the unit that came back (R-DEMO-0, arrived: matched); half an order refunded
  with no return arrived (the "refund without return" exception); and the payout row
  adding up to what reached the bank. So exactly those two exceptions wait at
  /console/settlements: the MARKET orders shipped today are not overdue yet.
Shipments of the demo's captured orders book revenue and VAT at their prices
(seed/outbound_plan.py: list_price, line_tax). Only POs in the functional currency are
invoiced (invoices in another currency are refused for now).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import func, select

from ..allocation.models import Channel, Order, OrderLine
from ..auth.models import User
from ..extensions import db
from ..finance.document_models import ChannelSettlement, LandedCost, SupplierInvoice
from ..finance.invoice_service import enter_invoice
from ..finance.invoice_views import InvoiceLineSpec
from ..finance.journal_models import JournalEntry
from ..finance.landed_service import add_landed_cost
from ..finance.settlement_exceptions import settlement_exceptions
from ..finance.settlement_service import import_settlement
from ..purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier
from ..receiving.models import Receipt, ReceiptLine
from ..returns.models import ReturnAuthorisation, ReturnInspection
from ..timeutil import utcnow
from .outbound_plan import VAT

PRICE_TOLERANCE = Decimal("2")  # % the held invoice's supplier accepts
OVER_PRICE = Decimal("1.06")  # the held line's price against the PO's
FREIGHT_SHARE = Decimal("0.04")  # the freight bill against the first PO's received value
CENT = Decimal("0.01")
FEE_RATE, FEE_FIXED = Decimal("0.029"), Decimal("0.30")  # the payout's fee on each charge
SHORT_PAID = Decimal("5.00")  # what the shop paid under one order's invoiced amount
# Who enters the documents; the held invoice is the admin's, so finance may approve it.
CLERK, SECOND_CLERK = "finance", "admin"
PAYOUT_CHANNEL, PAYOUT_ID = "WEB", "81000001"
SHOPIFY_HEAD = ('"Transaction Date","Type","Order","Card Brand","Card Source","Payout Status",'
                '"Payout Date","Payout ID","Available On","Amount","Fee","Net","Checkout",'
                '"Currency"')  # fmt: skip


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
    """The payout, the invoices and the landed cost described in the module docstring."""
    pos = _received_pos()
    clerk = _user(CLERK) or _user(SECOND_CLERK)
    today = utcnow().date()
    seed_demo_payout(clerk)
    if not pos:
        return
    first, first_lines = pos[0]
    enter_invoice(supplier=first.supplier_id, number=f"INV-{first.number}", invoice_date=today,
                  due_date=None, currency=None, tax=Decimal(0),
                  lines=[_spec(ln) for ln in first_lines], actor_id=clerk)  # fmt: skip
    if len(pos) > 1:
        second, second_lines = pos[1]
        supplier = db.session.get(Supplier, second.supplier_id)
        if supplier is not None:
            supplier.invoice_price_tolerance_pct = PRICE_TOLERANCE
            db.session.flush()
        specs = [_spec(second_lines[0], OVER_PRICE)] + [_spec(ln) for ln in second_lines[1:]]
        enter_invoice(supplier=second.supplier_id, number=f"INV-{second.number}",
                      invoice_date=today, due_date=None, currency=None, tax=Decimal(0),
                      lines=specs, actor_id=_user(SECOND_CLERK))  # fmt: skip
    receipts = list(db.session.scalars(select(Receipt.id).where(Receipt.po_id == first.id)))
    value = sum((Decimal(ln.unit_cost) * ln.received for ln in first_lines), Decimal(0))
    freight = (value * FREIGHT_SHARE).quantize(CENT, ROUND_HALF_UP)
    if receipts and freight > 0:
        add_landed_cost("freight", "value", freight, receipts, f"FRT-{first.number}",
                        "Inbound freight, demo", today, clerk)  # fmt: skip


def _payout_orders() -> list[tuple[Order, Decimal]]:
    """The WEB orders whose shipments booked revenue, each with what it invoiced: its lines'
    price x quantity + tax."""
    rows = db.session.execute(
        select(Order, OrderLine.price, OrderLine.quantity, OrderLine.tax)
        .join(Channel, Channel.id == Order.channel_id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(Channel.code == PAYOUT_CHANNEL, OrderLine.price.is_not(None))
        .order_by(Order.external_id, OrderLine.id)
    ).all()
    totals: dict[int, tuple[Order, Decimal]] = {}
    for order, price, quantity, tax in rows:
        line = Decimal(str(price)) * quantity + Decimal(str(tax or 0))
        got = totals.get(order.id, (order, Decimal(0)))
        totals[order.id] = (order, got[1] + line)
    booked = set(db.session.scalars(
        select(JournalEntry.source_id).where(JournalEntry.kind == "revenue",
                                             JournalEntry.source_type == "order")
    ))  # fmt: skip
    return [(o, amount.quantize(CENT, ROUND_HALF_UP)) for oid, (o, amount) in totals.items()
            if str(oid) in booked]  # fmt: skip


def _credited() -> dict[int, Decimal]:
    """Per order, the credit its arrived returns' inspections gave (before tax)."""
    rows = db.session.execute(
        select(ReturnAuthorisation.order_id, func.sum(ReturnInspection.credit_amount))
        .join(ReturnInspection, ReturnInspection.rma_id == ReturnAuthorisation.id)
        .where(ReturnAuthorisation.arrived_at.is_not(None))
        .group_by(ReturnAuthorisation.order_id)
    ).all()
    return {int(order_id): Decimal(str(credit or 0)) for order_id, credit in rows}


def _csv_row(on: str, kind: str, order: str, payout_day: str, amount: Decimal, fee: Decimal,
             currency: str) -> str:  # fmt: skip
    cells = [f"{on} 10:00:00 +0000", kind, order, "visa" if order else "",
             "online" if order else "", "paid", payout_day, PAYOUT_ID, payout_day,
             str(amount), str(fee), str(amount - fee), "1" if order else "", currency]  # fmt: skip
    return ",".join(f'"{c}"' for c in cells)


def seed_demo_payout(actor_id: int | None) -> None:
    """The WEB channel's Shopify payout (module docstring), imported as its file would be."""
    orders = _payout_orders()
    if not orders:
        return
    currency = str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR").strip().upper()
    today = utcnow().date().isoformat()
    credited = _credited()
    unreturned = [(o, a) for o, a in orders if o.id not in credited]
    refunded = unreturned[0] if unreturned else None
    short_paid = unreturned[-1][0].id if len(unreturned) > 1 else None
    # (day, kind, order, amount, fee) per row of the export, the payout row last
    moves: list[tuple[str, str, Order, Decimal, Decimal]] = []
    for order, amount in orders:
        paid = amount - SHORT_PAID if order.id == short_paid else amount
        fee = (paid * FEE_RATE + FEE_FIXED).quantize(CENT, ROUND_HALF_UP)
        moves.append((order.ordered_at.date().isoformat(), "charge", order, paid, fee))
    for order, _amount in orders:  # what came back is refunded with its VAT
        if order.id in credited:
            back = (credited[order.id] * (1 + VAT)).quantize(CENT, ROUND_HALF_UP)
            moves.append((today, "refund", order, -back, Decimal("0.00")))
    if refunded is not None:
        half = (refunded[1] / 2).quantize(CENT, ROUND_HALF_UP)
        moves.append((today, "refund", refunded[0], -half, Decimal("0.00")))
    rows = [SHOPIFY_HEAD] + [
        _csv_row(day, kind, f"#{order.external_id}", today, amount, fee, currency)
        for day, kind, order, amount, fee in moves
    ]
    total = sum((amount - fee for *_, amount, fee in moves), Decimal(0))
    rows.append(_csv_row(today, "payout", "", today, -total, Decimal("0.00"), currency))
    data = ("\n".join(rows) + "\n").encode()
    import_settlement(PAYOUT_CHANNEL, "shopify_payouts", data, actor_id)


def finance_summary() -> list[str]:
    """Lines for the seed's summary: what waits in the invoice queue and what was charged."""
    count = db.session.scalar
    posted = count(select(func.count()).where(SupplierInvoice.status == "posted")) or 0
    held = count(select(func.count()).where(SupplierInvoice.status == "held")) or 0
    charges = count(select(func.count()).select_from(LandedCost)) or 0
    out = []
    if posted or held or charges:
        out.append(
            f"Finance: {posted} supplier invoice(s) posted, {held} held for approval "
            f"(approve as finance at /console/invoices), {charges} landed cost(s); valuation, "
            "journal, trial balance and GRNI ageing at /console/finance"
        )
    payout = db.session.scalars(select(ChannelSettlement).order_by(ChannelSettlement.id)).first()
    if payout is not None:
        queues = {e.queue for e in settlement_exceptions()}
        out.append(
            f"Settlements: 1 Shopify payout {payout.reference} of {PAYOUT_CHANNEL} imported "
            f"(total {Decimal(str(payout.total)).quantize(CENT)}, fees booked); exceptions "
            f"({', '.join(sorted(queues)) or 'none'}) at /console/settlements"
        )
    return out
