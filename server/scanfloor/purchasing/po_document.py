"""A purchase order as the supplier receives it: a text PDF to read and e-mail, a CSV and a
JSON document to load. Pure: plain values in (PoDocument), bytes and text out; the service
that reads a PO into a PoDocument is po_document_service.py.

Quantities are base units (what receiving counts); the purchase unit says how the supplier
packs them ("case of 24"). Money is exact: a line's value is quantity x unit cost, the total
their sum, printed with at least two decimals and never rounded away.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..labels.text_pdf import MARGIN, PAPERS, ROW, Pages, document, short
from .rules import decimal_text

CSV_COLUMNS = (
    "po_number",
    "revision",
    "supplier",
    "line_no",
    "sku",
    "supplier_sku",
    "name",
    "quantity",
    "purchase_unit",
    "units_per_purchase_unit",
    "unit_cost",
    "line_value",
    "currency",
    "expected_date",
)


@dataclass(frozen=True)
class PoDocLine:
    line_no: int
    sku: str
    supplier_sku: str | None
    name: str
    quantity: int
    purchase_unit: str
    units_per_purchase_unit: int
    unit_cost: Decimal
    expected_date: date | None

    @property
    def value(self) -> Decimal:
        return Decimal(self.quantity) * self.unit_cost

    @property
    def unit_text(self) -> str:
        """How the supplier packs it: "each", or "case of 24"."""
        if self.units_per_purchase_unit <= 1:
            return self.purchase_unit
        return f"{self.purchase_unit} of {self.units_per_purchase_unit}"


@dataclass(frozen=True)
class PoDocument:
    number: str
    revision: int
    state: str
    supplier_code: str
    supplier_name: str
    supplier_email: str | None
    warehouse_code: str | None
    ship_to: tuple[str, ...]  # the warehouse's name and address lines; () = not named
    currency: str
    ordered_on: date  # sent (or created) date
    expected_date: date | None
    lines: tuple[PoDocLine, ...]
    cancel_reason: str | None = None

    @property
    def total(self) -> Decimal:
        return sum((ln.value for ln in self.lines), Decimal(0))


def _money(value: Decimal) -> str:
    return decimal_text(value, 2) or "0.00"


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- JSON and CSV ---------------------------------------------------------------------------


def po_json(doc: PoDocument) -> dict[str, Any]:
    """The PO as JSON values (strings for money and dates): the outbox payload's `po`."""
    return {
        "number": doc.number,
        "revision": doc.revision,
        "state": doc.state,
        "supplier": {"code": doc.supplier_code, "name": doc.supplier_name},
        "warehouse": (
            {"code": doc.warehouse_code, "address": list(doc.ship_to)}
            if doc.warehouse_code
            else None
        ),
        "currency": doc.currency,
        "ordered_on": doc.ordered_on.isoformat(),
        "expected_date": _day(doc.expected_date),
        "cancel_reason": doc.cancel_reason,
        "lines": [
            {
                "line_no": ln.line_no,
                "sku": ln.sku,
                "supplier_sku": ln.supplier_sku,
                "name": ln.name,
                "quantity": ln.quantity,
                "purchase_unit": ln.purchase_unit,
                "units_per_purchase_unit": ln.units_per_purchase_unit,
                "unit_cost": _money(ln.unit_cost),
                "line_value": _money(ln.value),
                "expected_date": _day(ln.expected_date or doc.expected_date),
            }
            for ln in doc.lines
        ],
        "total": _money(doc.total),
    }


def po_csv(doc: PoDocument) -> str:
    """The PO as CSV: a header, then one row per line (RFC 4180, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for ln in doc.lines:
        writer.writerow(
            (
                doc.number,
                doc.revision,
                doc.supplier_code,
                ln.line_no,
                ln.sku,
                ln.supplier_sku or "",
                ln.name,
                ln.quantity,
                ln.purchase_unit,
                ln.units_per_purchase_unit,
                _money(ln.unit_cost),
                _money(ln.value),
                doc.currency,
                _day(ln.expected_date or doc.expected_date) or "",
            )
        )
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------

_BODY = 9.0  # the lines table's font size: eight columns on A4 and Letter


def _header(pages: Pages, doc: PoDocument) -> None:
    pages.text(MARGIN, "PURCHASE ORDER", 18, bold=True)
    if doc.state == "cancelled":
        pages.text(pages.width - MARGIN - 110, "CANCELLED", 16, bold=True)
    pages.y -= 24
    pages.text(MARGIN, f"PO {doc.number}   Revision {doc.revision}", 12, bold=True)
    pages.y -= ROW + 2
    dates = f"Date {doc.ordered_on.isoformat()}"
    if doc.expected_date is not None:
        dates += f"   Expected {doc.expected_date.isoformat()}"
    pages.text(MARGIN, f"{dates}   Currency {doc.currency}")
    if doc.cancel_reason:
        pages.y -= ROW
        pages.text(MARGIN, short(f"Cancelled: {doc.cancel_reason}", 90))
    pages.y -= ROW * 2
    top = pages.y
    pages.text(MARGIN, "Supplier", bold=True)
    for line in (doc.supplier_name, doc.supplier_code, doc.supplier_email or ""):
        if line:
            pages.y -= ROW
            pages.text(MARGIN, short(line, 40))
    bottom = pages.y
    pages.y = top
    middle = pages.width / 2
    pages.text(middle, "Ship to", bold=True)
    for line in doc.ship_to or ("Any of our warehouses (named on delivery)",):
        pages.y -= ROW
        pages.text(middle, short(line, 44))
    pages.y = min(bottom, pages.y) - ROW * 2


def _columns(pages: Pages) -> dict[str, float]:
    right = pages.width - MARGIN
    return {
        "no": MARGIN + 18,  # right edge
        "sku": MARGIN + 24,
        "supplier_sku": MARGIN + 100,
        "name": MARGIN + 176,
        "qty": right - 175,  # right edge
        "unit": right - 169,
        "cost": right - 60,  # right edge
        "value": right,  # right edge
    }


def _table_head(pages: Pages) -> None:
    col = _columns(pages)
    pages.text(MARGIN, "No", _BODY, bold=True)
    pages.text(col["sku"], "SKU", _BODY, bold=True)
    pages.text(col["supplier_sku"], "Supplier SKU", _BODY, bold=True)
    pages.text(col["name"], "Item", _BODY, bold=True)
    pages.text(col["qty"] - 17, "Qty", _BODY, bold=True)
    pages.text(col["unit"], "Unit", _BODY, bold=True)
    pages.text(col["cost"] - 40, "Unit cost", _BODY, bold=True)
    pages.text(col["value"] - 27, "Value", _BODY, bold=True)
    pages.y -= ROW
    pages.rule()


def _lines(pages: Pages, doc: PoDocument) -> None:
    col = _columns(pages)
    _table_head(pages)
    for ln in doc.lines:
        if pages.y - ROW * 2 < MARGIN:
            pages.new_page()
            _table_head(pages)
        pages.number(col["no"], ln.line_no, _BODY)
        pages.text(col["sku"], short(ln.sku, 12), _BODY)
        pages.text(col["supplier_sku"], short(ln.supplier_sku or "-", 12), _BODY)
        pages.text(col["name"], short(ln.name, 22), _BODY)
        pages.number(col["qty"], ln.quantity, _BODY)
        pages.text(col["unit"], short(ln.unit_text, 12), _BODY)
        pages.number(col["cost"], _money(ln.unit_cost), _BODY)
        pages.number(col["value"], _money(ln.value), _BODY)
        pages.y -= ROW
        if ln.expected_date is not None and ln.expected_date != doc.expected_date:
            pages.text(col["name"], f"Expected {ln.expected_date.isoformat()}", 8)
            pages.y -= ROW
    pages.need(ROW * 2)
    pages.rule()
    units = sum(ln.quantity for ln in doc.lines)
    pages.text(MARGIN, f"{len(doc.lines)} line(s), {units} unit(s)", _BODY)
    pages.text(col["unit"], f"Total {doc.currency}", 10, bold=True)
    pages.number(col["value"], _money(doc.total), 10)
    pages.y -= ROW


def po_pdf(doc: PoDocument, paper: str = "a4") -> bytes:
    """The PO as a text PDF on A4 (or Letter); long POs run onto more pages, the table's
    head repeated on each."""
    pages = Pages(PAPERS[paper])
    _header(pages, doc)
    _lines(pages, doc)
    return document(pages.pages, PAPERS[paper], f"Purchase order {doc.number}")
