"""The GRNI ageing report: what is received and not yet invoiced, per purchase order, and
how old it is; it always adds up to the grni accounts' balance.

Definition (the ageing itself is grni_rules.py's):
- a purchase order's GRNI is the grni lines of its own entries: the entries of the
  movements posted with source_type 'purchase_order' and source_id its id (receipts,
  Cr grni; returns to vendor, Dr grni), and the debits of the supplier invoices against it
  (entries with source_type 'supplier_invoice', source_id the invoice id; its lines name
  purchase order lines). An invoice against several purchase orders is shared by what its
  matches cleared from each (grni_rules.split_by_match). A reversing entry belongs where
  the entry it reverses belongs.
- amounts are what is owed (credit - debit); the credits are aged FIFO by entry date into
  0-30, 31-60, 61-90 and over 90 days as of a day (default today, UTC), counting entries
  dated up to that day only.
- every grni line that names no purchase order (another source, an unknown PO or invoice,
  an invoice's unshared rest) goes to one "unassigned" row, so the report's total equals
  the balance of every grni account (the default one and any per warehouse) as of the same
  day. `scanfloor finance verify` checks it (grni_matches_ageing).
- filtered by supplier or warehouse (the purchase order's), the report shows those
  purchase orders only and no unassigned row; its totals are then the rows' own, and
  `reconciled` is None (the account balance is still the whole account's).
- rows with nothing open (total 0) are left out; rows go by supplier code, then PO number,
  the unassigned row last.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Connection

from ..extensions import db
from ..purchasing.suppliers_service import supplier_by_code
from ..timeutil import utcnow
from . import grni_sql
from .grni_rules import Ageing, Flow, add, age, flow_of, split_by_match
from .grni_sql import INVOICE_SOURCE, PO_SOURCE, PoFacts, ref_id
from .views import Failure

PURCHASE_ORDER = "purchase_order"
UNASSIGNED = "unassigned"
CHECK = "grni_matches_ageing"


@dataclass(frozen=True)
class GrniRow:
    """One purchase order's open GRNI (kind 'purchase_order'), or what names none
    (kind 'unassigned': every reference None)."""

    kind: str
    po_id: int | None
    po_number: str | None
    supplier_id: int | None
    supplier_code: str | None
    warehouse_id: int | None
    warehouse_code: str | None
    oldest_receipt_date: date | None  # the oldest receipt still open
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    total: Decimal


@dataclass(frozen=True)
class GrniTotals:
    oldest_receipt_date: date | None
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    total: Decimal


@dataclass(frozen=True)
class GrniAgeing:
    as_of: date
    supplier: str | None  # the filters, as given (supplier code, warehouse code)
    warehouse: str | None
    rows: list[GrniRow]
    totals: GrniTotals
    account_balance: Decimal  # credit - debit of every grni account up to as_of
    reconciled: bool | None  # totals.total == account_balance; None when filtered


def grni_ageing(
    as_of: date | None = None,
    supplier: str | None = None,
    warehouse: tuple[int, str] | None = None,
) -> GrniAgeing:
    """The GRNI ageing as of a day (module docstring); supplier by code (NotFound when
    unknown), warehouse as (id, code) of the purchase orders' warehouse."""
    day = as_of or utcnow().date()
    supplier_id = supplier_code = None
    if supplier is not None:
        found = supplier_by_code(supplier)
        supplier_id, supplier_code = int(found.id), str(found.code)
    conn = db.session.connection()
    accounts = grni_sql.grni_accounts(conn)
    by_po, facts = _flows(conn, accounts, day)
    rows = []
    for key, flows in by_po.items():
        po = None if key is None else facts[key]  # _flows ties known purchase orders only
        if supplier_id is not None and (po is None or po.supplier_id != supplier_id):
            continue
        if warehouse is not None and (po is None or po.warehouse_id != warehouse[0]):
            continue
        ageing = age(flows, day)
        if ageing.total != 0:
            rows.append(_row(po, ageing))
    rows.sort(key=lambda r: (r.kind == UNASSIGNED, r.supplier_code or "", r.po_number or ""))
    totals = _totals(add(_ageing_of(r) for r in rows))
    balance = grni_sql.balance(conn, accounts, day)
    filtered = supplier is not None or warehouse is not None
    return GrniAgeing(
        as_of=day,
        supplier=supplier_code,
        warehouse=None if warehouse is None else warehouse[1],
        rows=rows,
        totals=totals,
        account_balance=balance,
        reconciled=None if filtered else totals.total == balance,
    )


def grni_matches_ageing(conn: Connection) -> list[Failure]:
    """The verify check: the ageing of every grni line (no day cut) adds up to the grni
    accounts' balance."""
    accounts = grni_sql.grni_accounts(conn)
    by_po, _ = _flows(conn, accounts, None)
    today = utcnow().date()
    total = add(age(flows, today) for flows in by_po.values()).total
    return ageing_mismatch(total, grni_sql.balance(conn, accounts, None))


def ageing_mismatch(ageing_total: Decimal, account_balance: Decimal) -> list[Failure]:
    """A grni_matches_ageing failure when the two differ to the cent, else nothing."""
    if ageing_total == account_balance:
        return []
    return [
        Failure(
            CHECK,
            f"the GRNI ageing adds up to {ageing_total}, the grni accounts hold {account_balance}",
            {"ageing": str(ageing_total), "account": str(account_balance)},
        )
    ]


def _flows(
    conn: Connection, accounts: list[int], day: date | None
) -> tuple[dict[int | None, list[Flow]], dict[int, PoFacts]]:
    """Every grni amount up to `day` as flows per purchase order id (None: unassigned),
    and the purchase orders named."""
    groups = grni_sql.groups(conn, accounts, day)
    po_ids = {ref_id(g.source_id) for g in groups if g.source_type == PO_SOURCE}
    invoice_ids = {ref_id(g.source_id) for g in groups if g.source_type == INVOICE_SOURCE}
    invoices = grni_sql.invoice_orders(conn, {i for i in invoice_ids if i is not None})
    named = {i for i in po_ids if i is not None} | {p for m in invoices.values() for p in m}
    facts = grni_sql.purchase_orders(conn, named)
    out: dict[int | None, list[Flow]] = defaultdict(list)
    for g in groups:
        ref = ref_id(g.source_id)
        if g.source_type == PO_SOURCE and ref in facts:
            out[ref].append(Flow(g.day, g.credit, g.debit))
        elif g.source_type == INVOICE_SOURCE and ref is not None and ref in invoices:
            matched = {p: v for p, v in invoices[ref].items() if p in facts}
            shares, rest = split_by_match(g.debit - g.credit, matched)
            for po_id, amount in shares.items():
                out[po_id].append(flow_of(g.day, -amount))
            if rest:
                out[None].append(flow_of(g.day, -rest))
        else:
            out[None].append(Flow(g.day, g.credit, g.debit))
    return dict(out), facts


def _row(po: PoFacts | None, a: Ageing) -> GrniRow:
    b = a.buckets
    if po is None:
        return GrniRow(UNASSIGNED, None, None, None, None, None, None, a.oldest_open,
                       b[0], b[1], b[2], b[3], a.total)  # fmt: skip
    return GrniRow(
        PURCHASE_ORDER, po.id, po.number, po.supplier_id, po.supplier_code, po.warehouse_id,
        po.warehouse_code, a.oldest_open, b[0], b[1], b[2], b[3], a.total,
    )  # fmt: skip


def _ageing_of(r: GrniRow) -> Ageing:
    return Ageing((r.days_0_30, r.days_31_60, r.days_61_90, r.days_over_90),
                  r.oldest_receipt_date)  # fmt: skip


def _totals(a: Ageing) -> GrniTotals:
    b = a.buckets
    return GrniTotals(a.oldest_open, b[0], b[1], b[2], b[3], a.total)
