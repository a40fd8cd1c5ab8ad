"""The reads behind the GRNI ageing (grni_service.py): the grni accounts' lines summed in
the database per source document and day, the purchase orders and supplier invoices those
sources name, and the accounts' balance.

An entry's source is its own (source_type, source_id), except an entry that reverses
another, which takes the reversed entry's source (a reversal is posted from a "movement"
source, yet it undoes that purchase order's receipt). Sums are money to the cent
(book_sql.money_of: SQLite's REAL sums come back exact)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.engine import Connection

from ..catalog.models import Location
from ..purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier
from .book_sql import money_of
from .document_models import SupplierInvoiceLine, SupplierInvoiceMatch
from .journal_models import JournalEntry, JournalLine
from .models import AccountRole

GRNI_ROLE = "grni"
PO_SOURCE = "purchase_order"  # receiving/receive_service.py's source_type
INVOICE_SOURCE = "supplier_invoice"
_CHUNK = 1000  # ids per IN list (SQLite caps bound parameters)

_JE, _JL, _AR = JournalEntry.__table__, JournalLine.__table__, AccountRole.__table__
_REV = _JE.alias("reversed_entry")
_PO, _POL, _SUP = PurchaseOrder.__table__, PurchaseOrderLine.__table__, Supplier.__table__
_LOC = Location.__table__
_IL, _IM = SupplierInvoiceLine.__table__, SupplierInvoiceMatch.__table__

_SOURCE_TYPE = case((_REV.c.id.is_(None), _JE.c.source_type), else_=_REV.c.source_type)
_SOURCE_ID = case((_REV.c.id.is_(None), _JE.c.source_id), else_=_REV.c.source_id)
_ACCOUNTS = select(_AR.c.account_id).where(_AR.c.role == GRNI_ROLE).distinct()
_POS = (
    select(_PO.c.id, _PO.c.number, _PO.c.supplier_id, _SUP.c.code, _PO.c.warehouse_id,
           _LOC.c.code.label("warehouse_code"))
    .join(_SUP, _SUP.c.id == _PO.c.supplier_id)
    .outerjoin(_LOC, _LOC.c.id == _PO.c.warehouse_id)
    .where(_PO.c.id.in_(bindparam("ids", expanding=True)))
)  # fmt: skip
_INVOICE_POS = (
    select(_IL.c.invoice_id, _POL.c.po_id, func.sum(_IM.c.received_value))
    .join(_POL, _POL.c.id == _IL.c.po_line_id)
    .outerjoin(_IM, _IM.c.invoice_line_id == _IL.c.id)
    .where(_IL.c.invoice_id.in_(bindparam("ids", expanding=True)))
    .group_by(_IL.c.invoice_id, _POL.c.po_id)
)


@dataclass(frozen=True)
class Group:
    """The grni lines of one source document on one day, summed."""

    source_type: str | None
    source_id: str | None
    day: date
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class PoFacts:
    id: int
    number: str
    supplier_id: int
    supplier_code: str
    warehouse_id: int | None
    warehouse_code: str | None


def grni_accounts(conn: Connection) -> list[int]:
    """Every account playing the grni role (the default one and any per warehouse)."""
    return sorted(int(a) for a in conn.execute(_ACCOUNTS).scalars())


def groups(conn: Connection, accounts: Sequence[int], as_of: date | None) -> list[Group]:
    """The grni lines summed per source and entry date (up to as_of, None: all)."""
    if not accounts:
        return []
    q = (
        select(
            _SOURCE_TYPE.label("source_type"),
            _SOURCE_ID.label("source_id"),
            _JE.c.entry_date,
            func.sum(_JL.c.debit),
            func.sum(_JL.c.credit),
        )
        .select_from(
            _JL.join(_JE, _JE.c.id == _JL.c.entry_id).outerjoin(
                _REV, _REV.c.id == _JE.c.reverses_entry_id
            )
        )
        .where(_JL.c.account_id.in_(accounts))
        .group_by(_SOURCE_TYPE, _SOURCE_ID, _JE.c.entry_date)
    )
    if as_of is not None:
        q = q.where(_JE.c.entry_date <= as_of)
    return [Group(t, i, _day(d), money_of(dr), money_of(cr)) for t, i, d, dr, cr in conn.execute(q)]


def balance(conn: Connection, accounts: Sequence[int], as_of: date | None) -> Decimal:
    """credit - debit over the grni accounts (what is owed), up to as_of (None: all)."""
    if not accounts:
        return Decimal("0.00")
    q = (
        select(func.sum(_JL.c.debit), func.sum(_JL.c.credit))
        .select_from(_JL.join(_JE, _JE.c.id == _JL.c.entry_id))
        .where(_JL.c.account_id.in_(accounts))
    )
    if as_of is not None:
        q = q.where(_JE.c.entry_date <= as_of)
    debit, credit = conn.execute(q).one()
    return money_of(credit) - money_of(debit)


def purchase_orders(conn: Connection, ids: set[int]) -> dict[int, PoFacts]:
    """The purchase orders among `ids` that exist, with their supplier and warehouse."""
    out = {}
    for chunk in _chunks(ids):
        for r in conn.execute(_POS, {"ids": chunk}):
            out[int(r.id)] = PoFacts(
                int(r.id), str(r.number), int(r.supplier_id), str(r.code),
                None if r.warehouse_id is None else int(r.warehouse_id), r.warehouse_code,
            )  # fmt: skip
    return out


def invoice_orders(conn: Connection, ids: set[int]) -> dict[int, dict[int, Decimal]]:
    """invoice id -> {purchase order id: the received value its matches cleared} for the
    purchase orders its lines are against (0 for a line without a match)."""
    out: dict[int, dict[int, Decimal]] = {}
    for chunk in _chunks(ids):
        for invoice_id, po_id, value in conn.execute(_INVOICE_POS, {"ids": chunk}):
            out.setdefault(int(invoice_id), {})[int(po_id)] = money_of(value)
    return out


def ref_id(text: str | None) -> int | None:
    """A source id as a row id (None when it is not one)."""
    if text is None or not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def _chunks(ids: set[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _day(value: Any) -> date:
    # SQLite may hand a date back as text in a grouped select.
    return value if isinstance(value, date) else date.fromisoformat(str(value))
