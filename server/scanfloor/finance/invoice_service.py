"""Supplier invoices: enter one (three-way matched line by line, invoice_rules.py), approve or
reject one held for a mismatch, and post it. Each verb is one transaction that first takes
the ledger chain head's lock, so receipts, other invoices and cost changes wait while it
reads what was received and invoiced: no two invoices clear the same units.

Entering: every line names a PO line of the invoice's supplier; each is matched under the
supplier's tolerances. All lines matched: the invoice posts at once. Any other status: it is
held in the approval queue until a person other than the one who entered it approves it
(then it posts as entered) or rejects it (it posts nothing, and no longer counts as
invoiced). The invoice is in the functional currency (SCANFLOOR_CURRENCY) only, for now.

Posting (one journal entry, kind and source "supplier_invoice", dated the invoice date: a
closed month refuses it, PeriodClosed): each line clears its units from the PO line's
oldest receipt movements not yet invoiced (invoice_rules.allocate); a receipt invoiced at
another value than it was received at changes what it cost (adjust_service: the part for
units on hand goes to the stock value and FIFO layer, the part for units gone to price
variance). The CostChange of a receipt is the difference for the units invoiced, spread by
adjust_rules over all the units the receipt brought in. The entry:
  Dr GRNI               the received value of the units cleared
  Dr inventory (place)  the on-hand part of each difference (Cr when the price is lower)
  Dr price variance     the gone part of each difference, plus units billed beyond every
                        receipt (their whole invoiced value: nothing was received for them)
  Dr input tax          the invoice's tax (recoverable: role tax_receivable)
  Cr accounts payable   the invoice subtotal (sum of round(quantity x unit price)) + tax
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..catalog.results import Page, cursor_id, page_limit
from ..database import write_transaction
from ..extensions import db
from ..ledger.chain import hold
from ..purchasing.models import Supplier
from ..purchasing.suppliers_service import load_supplier, supplier_by_code
from ..timeutil import utcnow
from . import invoice_sql
from .adjust_service import (
    Adjusted,
    CostChange,
    DocLine,
    apply_cost_changes,
    plan_cost_changes,
    write_document_entry,
)
from .document_models import SupplierInvoice, SupplierInvoiceLine, SupplierInvoiceMatch
from .invoice_errors import (
    ApproverEnteredInvoice,
    DuplicateInvoice,
    InvalidInvoice,
    InvoiceCurrencyRefused,
    InvoiceNotFound,
    InvoiceNotHeld,
    PoLineNotFound,
    PoLineOfAnotherSupplier,
)
from .invoice_rules import (
    LineAllocation,
    LineFacts,
    Receipt,
    Tolerances,
    allocate,
    invoice_status,
    match_line,
)
from .invoice_views import InvoiceLineSpec, InvoiceView
from .money import quantum, times

SOURCE = "supplier_invoice"
KIND = "supplier_invoice"
ADJUST_KIND = "invoice_price"
ZERO = Decimal(0)


def _currency() -> str:
    return str(current_app.config.get("SCANFLOOR_CURRENCY") or "EUR").strip().upper()


def _supplier(ref: int | str) -> Supplier:
    return load_supplier(ref) if isinstance(ref, int) else supplier_by_code(ref)


def _pct(value: Decimal | None) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def _check_head(number: str, invoice_date: date, due_date: date | None, currency: str,
                tax: Decimal, lines: Sequence[InvoiceLineSpec]) -> str:  # fmt: skip
    clean = number.strip()
    if not 0 < len(clean) <= 64:
        raise InvalidInvoice("an invoice number is 1 to 64 characters", {"number": number})
    if due_date is not None and due_date < invoice_date:
        raise InvalidInvoice(
            "an invoice is not due before it is issued",
            {"invoice_date": invoice_date.isoformat(), "due_date": due_date.isoformat()},
        )
    if tax < 0:
        raise InvalidInvoice("tax is not negative", {"tax": str(tax)})
    if not lines:
        raise InvalidInvoice("an invoice has one line or more", {})
    for i, ln in enumerate(lines):
        if ln.quantity <= 0 or ln.unit_price < 0:
            raise InvalidInvoice(
                "a line bills 1 unit or more at a price of 0 or more",
                {"line": i, "quantity": ln.quantity, "unit_price": str(ln.unit_price)},
            )
    functional = _currency()
    if currency.strip().upper() != functional:
        raise InvoiceCurrencyRefused(
            f"an invoice is entered in {functional} (the functional currency) for now",
            {"currency": currency, "functional_currency": functional},
        )
    return clean


def enter_invoice(
    *,
    supplier: int | str,
    number: str,
    invoice_date: date,
    due_date: date | None,
    currency: str | None,
    tax: Decimal,
    lines: Sequence[InvoiceLineSpec],
    actor_id: int | None,
) -> InvoiceView:
    """Enter a supplier invoice, match it and post it when every line matched, else hold
    it for approval (module docstring)."""
    number = _check_head(number, invoice_date, due_date, currency or _currency(), tax, lines)
    q = quantum(_currency())
    try:
        with write_transaction():
            conn = db.session.connection()
            hold(conn, 0)
            sup = _supplier(supplier)
            dup = db.session.scalar(
                select(SupplierInvoice.id).where(
                    SupplierInvoice.supplier_id == sup.id, SupplierInvoice.number == number
                )
            )
            if dup is not None:
                raise DuplicateInvoice(
                    f"invoice {number} of {sup.code} was entered already",
                    {"supplier_id": sup.id, "number": number, "invoice_id": int(dup)},
                )
            inv = _insert(conn, sup, number, invoice_date, due_date, tax, lines, actor_id, q)
            if inv.status == "posted":
                _post(conn, inv, actor_id, q)
            invoice_id = int(inv.id)
    except IntegrityError:  # the same number entered at the same moment by someone else
        raise DuplicateInvoice(
            f"invoice {number} was entered already", {"number": number}
        ) from None
    return get_invoice(invoice_id)


def _insert(
    conn: Connection,
    sup: Supplier,
    number: str,
    invoice_date: date,
    due_date: date | None,
    tax: Decimal,
    lines: Sequence[InvoiceLineSpec],
    actor_id: int | None,
    q: Decimal,
) -> SupplierInvoice:
    """Check every line's PO line, match the lines and write the invoice and its lines."""
    ids = [ln.po_line_id for ln in lines]
    pols = invoice_sql.po_lines(conn, ids)
    for i, ln in enumerate(lines):
        pol = pols.get(ln.po_line_id)
        if pol is None:
            raise PoLineNotFound(
                "purchase order line not found", {"line": i, "po_line_id": ln.po_line_id}
            )
        if int(pol.supplier_id) != sup.id:
            raise PoLineOfAnotherSupplier(
                f"purchase order {pol.number} is not {sup.code}'s",
                {"line": i, "po_line_id": ln.po_line_id, "po_number": pol.number},
            )
    found = invoice_sql.receipts(conn, ids)
    before = invoice_sql.invoiced_before(conn, ids)
    tol = Tolerances(_pct(sup.invoice_qty_tolerance_pct), _pct(sup.invoice_price_tolerance_pct))
    rows = []
    for i, ln in enumerate(lines):
        pol = pols[ln.po_line_id]
        facts = LineFacts(
            ordered=int(pol.ordered),
            received=invoice_sql.received(found, ln.po_line_id),
            invoiced_before=before.get(ln.po_line_id, 0),
            po_unit_cost=Decimal(str(pol.unit_cost)),
            quantity=ln.quantity,
            unit_price=ln.unit_price,
        )
        match = match_line(facts, tol)
        before[ln.po_line_id] = facts.invoiced_before + ln.quantity  # the next line's "before"
        rows.append(
            SupplierInvoiceLine(
                line_no=i + 1, po_line_id=ln.po_line_id, item_id=int(pol.item_id),
                quantity=ln.quantity, unit_price=ln.unit_price,
                amount=times(ln.quantity, ln.unit_price, q), match_status=match.status,
                match_detail=match.detail,
            )
        )  # fmt: skip
    inv = SupplierInvoice(
        supplier_id=sup.id, number=number, invoice_date=invoice_date, due_date=due_date,
        currency=_currency(), subtotal=sum((r.amount for r in rows), ZERO), tax=tax,
        status=invoice_status([r.match_status for r in rows]), entered_by=actor_id,
        entered_at=utcnow(),
    )  # fmt: skip
    db.session.add(inv)
    db.session.flush()
    for r in rows:
        r.invoice_id = inv.id
    db.session.add_all(rows)
    db.session.flush()
    return inv


def _held(invoice_id: int) -> SupplierInvoice:
    inv: SupplierInvoice | None = db.session.scalar(
        select(SupplierInvoice).where(SupplierInvoice.id == invoice_id).with_for_update()
    )
    if inv is None:
        raise InvoiceNotFound("invoice not found", {"invoice_id": invoice_id})
    if inv.status != "held":
        raise InvoiceNotHeld(
            f"invoice {invoice_id} is {inv.status}: only a held invoice is decided",
            {"invoice_id": invoice_id, "status": inv.status},
        )
    return inv


def approve_invoice(invoice_id: int, actor_id: int | None, note: str | None = None) -> InvoiceView:
    """Approve a held invoice's mismatch and post it (never by the person who entered it)."""
    q = quantum(_currency())
    with write_transaction():
        conn = db.session.connection()
        hold(conn, 0)
        inv = _held(invoice_id)
        if actor_id is None or inv.entered_by == actor_id:
            raise ApproverEnteredInvoice(
                "the person who entered an invoice cannot approve it: another one must",
                {"invoice_id": invoice_id, "entered_by": inv.entered_by},
            )
        inv.decided_by, inv.decided_at = actor_id, utcnow()
        inv.decision_note = (note or "").strip()[:200] or None
        _post(conn, inv, actor_id, q)
    return get_invoice(invoice_id)


def reject_invoice(invoice_id: int, actor_id: int | None, note: str | None) -> InvoiceView:
    """Reject a held invoice: it posts nothing and no longer counts as invoiced."""
    with write_transaction():
        hold(db.session.connection(), 0)
        inv = _held(invoice_id)
        inv.status, inv.decided_by, inv.decided_at = "rejected", actor_id, utcnow()
        inv.decision_note = (note or "").strip()[:200] or None
        db.session.flush()
    return get_invoice(invoice_id)


def _post(conn: Connection, inv: SupplierInvoice, actor_id: int | None, q: Decimal) -> None:
    """Clear each line's units from its receipts and book the entry (module docstring)."""
    lines = list(
        db.session.scalars(
            select(SupplierInvoiceLine)
            .where(SupplierInvoiceLine.invoice_id == inv.id)
            .order_by(SupplierInvoiceLine.line_no)
        )
    )
    found = invoice_sql.receipts(conn, [ln.po_line_id for ln in lines])
    state: dict[int, tuple[Receipt, ...]] = {k: tuple(v) for k, v in found.items()}
    done: list[tuple[SupplierInvoiceLine, LineAllocation]] = []
    for ln in lines:
        price = Decimal(str(ln.unit_price))
        alloc = allocate(int(ln.quantity), price, state.get(ln.po_line_id, ()), q)
        state[ln.po_line_id] = alloc.receipts
        done.append((ln, alloc))
    diffs: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for _, alloc in done:
        for a in alloc.allocations:
            diffs[a.movement_id] += a.difference
    changes = [CostChange(m, d) for m, d in sorted(diffs.items()) if d != 0]
    plan = plan_cost_changes(conn, changes)
    entry_id = write_document_entry(
        conn, kind=KIND, entry_date=inv.invoice_date, source_type=SOURCE,
        source_id=str(inv.id), memo=f"Supplier invoice {inv.number}", actor_id=actor_id,
        lines=_entry_lines(conn, inv, done, plan.adjusted),
    )  # fmt: skip
    apply_cost_changes(
        conn, plan, kind=ADJUST_KIND, source_type=SOURCE, source_id=str(inv.id),
        entry_id=entry_id, actor_id=actor_id,
    )  # fmt: skip
    db.session.add_all(
        SupplierInvoiceMatch(invoice_line_id=ln.id, movement_id=a.movement_id, quantity=a.quantity,
                             received_value=a.received_value, invoiced_value=a.invoiced_value)
        for ln, alloc in done for a in alloc.allocations
    )  # fmt: skip
    inv.status, inv.posted_at, inv.entry_id = "posted", utcnow(), entry_id
    db.session.flush()


def _entry_lines(
    conn: Connection,
    inv: SupplierInvoice,
    done: Sequence[tuple[SupplierInvoiceLine, LineAllocation]],
    adjusted: Sequence[Adjusted],
) -> list[DocLine]:
    transit = invoice_sql.transit_ids(conn) if adjusted else set()
    grni = sum((alloc.received_value for _, alloc in done), ZERO)
    variance = sum((alloc.unreceived_value for _, alloc in done), ZERO)
    payable = sum((alloc.amount for _, alloc in done), ZERO)
    out = [DocLine("grni", None, grni)]
    for a in adjusted:
        if a.place_id is not None:
            role = "in_transit" if a.place_id in transit else "inventory"
            out.append(DocLine(role, a.place_id, a.on_hand_amount, a.item_id))
        variance += a.gone_amount
    # The supplier's tax is owed with the invoice and recoverable: its own asset account.
    tax = Decimal(str(inv.tax or 0)).quantize(Decimal("0.01"))
    out += [
        DocLine("price_variance", None, variance),
        DocLine("tax_receivable", None, tax),
        DocLine("accounts_payable", None, -(payable + tax)),
    ]
    if payable != Decimal(str(inv.subtotal)):
        raise ValueError(f"invoice {inv.id}: lines {payable} differ from subtotal {inv.subtotal}")
    return out


# --- reads -------------------------------------------------------------------------------


def get_invoice(invoice_id: int) -> InvoiceView:
    """One invoice with its lines, their match and the receipts they cleared."""
    conn = db.session.connection()
    rows = conn.execute(
        invoice_sql.INVOICE_ROWS.where(SupplierInvoice.__table__.c.id == invoice_id)
    ).all()
    if not rows:
        raise InvoiceNotFound("invoice not found", {"invoice_id": invoice_id})
    return invoice_sql.invoice_views(conn, rows, with_lines=True)[0]


def list_invoices(
    *,
    status: str | None = None,
    supplier_id: int | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[InvoiceView]:
    """Invoices newest first (status=held: the approval queue); cursor: the last id."""
    n = page_limit(limit)
    t = SupplierInvoice.__table__
    q = invoice_sql.INVOICE_ROWS.order_by(t.c.id.desc()).limit(n + 1)
    if status is not None:
        q = q.where(t.c.status == status)
    if supplier_id is not None:
        q = q.where(t.c.supplier_id == supplier_id)
    after = cursor_id(cursor)
    if after:
        q = q.where(t.c.id < after)
    conn = db.session.connection()
    rows = conn.execute(q).all()
    views = invoice_sql.invoice_views(conn, rows[:n], with_lines=False)
    return Page(views, str(views[-1].id) if len(rows) > n and views else None)
