"""Set-based reads behind supplier performance: judged PO lines and receipt lead times.

Which POs count: those issued to the supplier (sent, open, partially received, received,
and closed ones that were sent or opened). Drafts and approved-but-unsent POs promised
nothing yet; cancelled POs are left out altogether.

- PO date = the date the supplier got it: sent_at, else opened_at (a PO issued outside
  Scanfloor), else created_at; UTC calendar dates, as receipts' business dates are.
- Due date of a line = its expected_date, else the PO's expected_date, else the PO date plus
  the promised lead time (the supplier item's, else the supplier's).
- Received = the line's running total (damaged units were delivered too); received_on = the
  business date of its last receipt.
- A lead-time sample = one delivery of one PO line on one business date (two scans of the
  same drop on one day are one delivery; a line delivered in two drops gives two).

Dates are worked out in Python from the timestamps so SQLite and PostgreSQL agree; the SQL
only pre-filters on bounds that can only widen the set (a due date cannot be before its PO's
creation; the lead-time fallback is at most the largest promise on file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Date, Integer, and_, column, func, or_, select, table

from ..catalog.models import Item
from ..extensions import db
from ..timeutil import as_utc
from .models import PurchaseOrder, PurchaseOrderLine, Supplier
from .terms_models import SupplierItem

# States of POs the supplier has (had) in hand; closed ones only when they were issued.
ISSUED_STATES = ("sent", "open", "partially_received", "received")
CLOSED = "closed"

_PO = PurchaseOrder
_LINE = PurchaseOrderLine
# Receiving's tables, read as data: purchasing does not import receiving (the import
# contract in pyproject.toml); these columns are all it needs of them.
_RECEIPTS = table("receipts", column("id", Integer), column("business_date", Date))
_RLINES = table(
    "receipt_lines",
    column("id", Integer),
    column("receipt_id", Integer),
    column("po_line_id", Integer),
)


@dataclass(frozen=True)
class JudgedLineRow:
    """One issued PO line as delivered so far."""

    supplier_id: int
    po_id: int
    po_number: str
    line_id: int
    line_no: int
    item_id: int
    sku: str
    ordered: int
    received: int
    po_date: date
    due: date
    received_on: date | None
    closed: bool


@dataclass(frozen=True)
class LeadTimeSample:
    supplier_id: int
    item_id: int
    ordered_on: date
    received_on: date


def _po_date(sent_at: datetime | None, opened_at: datetime | None, created: datetime) -> date:
    return as_utc(sent_at or opened_at or created).date()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _shift(day: date, days: int) -> date:
    """`day` moved by `days`, held inside the calendar (a window may start in year 1)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max


def _issued() -> ColumnElement[bool]:
    return or_(
        _PO.state.in_(ISSUED_STATES),
        and_(_PO.state == CLOSED, or_(_PO.sent_at.is_not(None), _PO.opened_at.is_not(None))),
    )


def _longest_promise() -> int:
    """The largest promised lead time on file: how far before a window a PO dated by its
    promise alone can start and still fall due inside it."""
    longest = db.session.execute(
        select(
            func.max(Supplier.lead_time_days),
            select(func.max(SupplierItem.lead_time_days)).scalar_subquery(),
        )
    ).one()
    return max(int(longest[0] or 0), int(longest[1] or 0))


def judged_line_rows(
    from_date: date, to_date: date, supplier_ids: Sequence[int] | None = None
) -> list[JudgedLineRow]:
    """Issued PO lines falling due from `from_date` to `to_date` (inclusive), with what was
    received and when; by supplier, then due date, PO number and line."""
    # Correlated, so each line's receipts are found by receipt_lines.po_line_id's index
    # instead of aggregating every receipt ever made.
    last_receipt = (
        select(func.max(_RECEIPTS.c.business_date))
        .select_from(_RLINES)
        .join(_RECEIPTS, _RECEIPTS.c.id == _RLINES.c.receipt_id)
        .where(_RLINES.c.po_line_id == _LINE.id)
        .scalar_subquery()
    )
    explicit = func.coalesce(_LINE.expected_date, _PO.expected_date)
    po_stamp = func.coalesce(_PO.sent_at, _PO.opened_at, _PO.created_at)
    earliest = _start_of(_shift(from_date, -_longest_promise()))
    stmt = (
        select(
            _PO.supplier_id,
            _PO.id.label("po_id"),
            _PO.number,
            _PO.state,
            _PO.expected_date.label("po_expected"),
            _PO.sent_at,
            _PO.opened_at,
            _PO.created_at,
            _LINE.id.label("line_id"),
            _LINE.line_no,
            _LINE.item_id,
            Item.sku,
            _LINE.ordered,
            _LINE.received,
            _LINE.expected_date.label("line_expected"),
            func.coalesce(SupplierItem.lead_time_days, Supplier.lead_time_days).label("promise"),
            last_receipt.label("received_on"),
        )
        .join(_PO, _PO.id == _LINE.po_id)
        .join(Supplier, Supplier.id == _PO.supplier_id)
        .join(Item, Item.id == _LINE.item_id)
        .outerjoin(
            SupplierItem,
            and_(
                SupplierItem.supplier_id == _PO.supplier_id, SupplierItem.item_id == _LINE.item_id
            ),
        )
        .where(
            _issued(),
            or_(
                explicit.between(from_date, to_date),
                and_(
                    explicit.is_(None),
                    _PO.created_at < _start_of(_shift(to_date, 1)),
                    po_stamp >= earliest,
                ),
            ),
        )
    )
    if supplier_ids is not None:
        stmt = stmt.where(_PO.supplier_id.in_(supplier_ids))
    rows = []
    for r in db.session.execute(stmt):
        po_date = _po_date(r.sent_at, r.opened_at, r.created_at)
        due = r.line_expected or r.po_expected or po_date + timedelta(days=int(r.promise))
        if not from_date <= due <= to_date:
            continue
        rows.append(
            JudgedLineRow(
                supplier_id=r.supplier_id,
                po_id=r.po_id,
                po_number=r.number,
                line_id=r.line_id,
                line_no=r.line_no,
                item_id=r.item_id,
                sku=r.sku,
                ordered=int(r.ordered),
                received=int(r.received),
                po_date=po_date,
                due=due,
                received_on=r.received_on,
                closed=r.state == CLOSED,
            )
        )
    rows.sort(key=lambda x: (x.supplier_id, x.due, x.po_number, x.line_no))
    return rows


def lead_time_samples(
    from_date: date, to_date: date, supplier_ids: Sequence[int] | None = None
) -> list[LeadTimeSample]:
    """One sample per delivery (PO line, business date) received from `from_date` to
    `to_date`, against its PO's date."""
    stmt = (
        select(
            _PO.supplier_id,
            # The line's id keeps two lines of one item on one PO as two deliveries.
            _LINE.id,
            _LINE.item_id,
            _PO.sent_at,
            _PO.opened_at,
            _PO.created_at,
            _RECEIPTS.c.business_date,
        )
        .distinct()
        .select_from(_RLINES)
        .join(_RECEIPTS, _RECEIPTS.c.id == _RLINES.c.receipt_id)
        .join(_LINE, _LINE.id == _RLINES.c.po_line_id)
        .join(_PO, _PO.id == _LINE.po_id)
        .where(_RECEIPTS.c.business_date.between(from_date, to_date), _PO.state != "cancelled")
    )
    if supplier_ids is not None:
        stmt = stmt.where(_PO.supplier_id.in_(supplier_ids))
    return [
        LeadTimeSample(
            supplier_id=r.supplier_id,
            item_id=r.item_id,
            ordered_on=_po_date(r.sent_at, r.opened_at, r.created_at),
            received_on=r.business_date,
        )
        for r in db.session.execute(stmt)
    ]
