"""The purchase order document a supplier gets, without a database: the PDF's text, the CSV
and the JSON, money exact to the last decimal."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

from scanfloor.purchasing.po_document import (
    CSV_COLUMNS,
    PoDocLine,
    PoDocument,
    po_csv,
    po_json,
    po_pdf,
)
from tests.packing_helpers import pdf_strings


def line(n: int, **kw) -> PoDocLine:
    base = {
        "line_no": n,
        "sku": f"SKU-{n}",
        "supplier_sku": f"SUP-{n}",
        "name": f"Item {n}",
        "quantity": 12,
        "purchase_unit": "case",
        "units_per_purchase_unit": 12,
        "unit_cost": Decimal("2.50"),
        "expected_date": None,
    }
    return PoDocLine(**{**base, **kw})


def doc(lines: int | tuple[PoDocLine, ...] = 2, **kw) -> PoDocument:
    base = {
        "number": "PO-77",
        "revision": 3,
        "state": "sent",
        "supplier_code": "ACME",
        "supplier_name": "Acme Supplies",
        "supplier_email": "orders@acme.example",
        "warehouse_code": "WH1",
        "ship_to": ("Main warehouse", "1 Dock Road"),
        "currency": "EUR",
        "ordered_on": date(2026, 6, 1),
        "expected_date": date(2026, 7, 1),
        "lines": lines if isinstance(lines, tuple) else tuple(line(n) for n in range(1, lines + 1)),
    }
    return PoDocument(**{**base, **kw})


def test_the_pdf_names_the_po_its_revision_supplier_ship_to_lines_and_total():
    shown = pdf_strings(po_pdf(doc()))
    assert "PO PO-77   Revision 3" in shown
    assert "Date 2026-06-01   Expected 2026-07-01   Currency EUR" in shown
    assert {"Acme Supplies", "orders@acme.example", "Main warehouse", "1 Dock Road"} <= set(shown)
    assert {"SKU-1", "SUP-2", "Item 2", "case of 12", "2.50", "30.00"} <= set(shown)
    assert shown[-1] == "60.00"  # the total closes the document


def test_a_long_po_runs_onto_more_pages_with_the_table_head_on_each():
    pdf = po_pdf(doc(lines=120))
    pages = len(re.findall(rb"/Type /Page ", pdf))
    assert pages >= 3
    assert pdf_strings(pdf).count("Supplier SKU") == pages


def test_a_cancelled_po_says_so_and_why():
    shown = pdf_strings(po_pdf(doc(state="cancelled", cancel_reason="out of stock")))
    assert {"CANCELLED", "Cancelled: out of stock"} <= set(shown)


def test_a_po_without_a_warehouse_says_any_of_ours():
    shown = pdf_strings(po_pdf(doc(warehouse_code=None, ship_to=())))
    assert "Any of our warehouses (named on delivery)" in shown
    assert po_json(doc(warehouse_code=None, ship_to=()))["warehouse"] is None


def test_money_is_exact_quantity_times_unit_cost_never_rounded_away():
    d = doc(lines=(line(1, quantity=3, unit_cost=Decimal("0.333333")),))
    data = po_json(d)
    assert (data["lines"][0]["unit_cost"], data["lines"][0]["line_value"]) == (
        "0.333333",
        "0.999999",
    )
    assert data["total"] == "0.999999"


def test_the_csv_has_a_header_and_one_row_per_line_with_the_po_date_as_default():
    d = doc(lines=(line(1), line(2, supplier_sku=None, expected_date=date(2026, 8, 1))))
    rows = list(csv.reader(io.StringIO(po_csv(d))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1] == [
        "PO-77", "3", "ACME", "1", "SKU-1", "SUP-1", "Item 1", "12", "case", "12", "2.50", "30.00",
        "EUR", "2026-07-01",
    ]  # fmt: skip
    assert (rows[2][5], rows[2][13]) == ("", "2026-08-01")


def test_the_json_carries_each_line_as_the_supplier_needs_it():
    data = po_json(doc(lines=1))
    assert data["supplier"] == {"code": "ACME", "name": "Acme Supplies"}
    assert data["warehouse"] == {"code": "WH1", "address": ["Main warehouse", "1 Dock Road"]}
    assert data["lines"] == [
        {
            "line_no": 1,
            "sku": "SKU-1",
            "supplier_sku": "SUP-1",
            "name": "Item 1",
            "quantity": 12,
            "purchase_unit": "case",
            "units_per_purchase_unit": 12,
            "unit_cost": "2.50",
            "line_value": "30.00",
            "expected_date": "2026-07-01",
        }
    ]
