"""Purchase-order CSV parsing: rows grouped into orders, every bad row named (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scanfloor.purchasing.csv_rules import CsvRefused, parse_po_csv

HEADER = "po_number,supplier,sku,quantity,unit_cost,expected_date\n"


def _problems(text: str) -> list[tuple[int, str | None]]:
    with pytest.raises(CsvRefused) as err:
        parse_po_csv(text)
    return [(p.row, p.column) for p in err.value.problems]


def test_rows_are_grouped_into_orders_by_po_number_in_file_order():
    orders = parse_po_csv(
        HEADER
        + "po-1,acme,SKU-1,10,1.50,2026-07-01\n"
        + "PO-2,ACME,SKU-2,5,2,\n"
        + "PO-1,ACME,SKU-3,3,0.25,2026-06-15\n"
    )
    assert [o.number for o in orders] == ["PO-1", "PO-2"]
    first = orders[0]
    assert first.supplier == "ACME"
    assert [(ln.row, ln.sku, ln.quantity) for ln in first.lines] == [
        (2, "SKU-1", 10),
        (4, "SKU-3", 3),
    ]
    assert first.lines[0].unit_cost == Decimal("1.50")
    assert first.expected_date == date(2026, 6, 15)
    assert orders[1].expected_date is None


def test_columns_may_come_in_any_order_with_a_bom_and_blank_lines():
    orders = parse_po_csv("\ufeffSKU,Quantity,PO_Number,Supplier,Unit_Cost\n\nA,1,P1,S1,1\n\n")
    assert [(o.number, o.lines[0].sku) for o in orders] == [("P1", "A")]


def test_every_bad_row_is_named_with_its_column():
    problems = _problems(
        HEADER
        + "PO-1,ACME,SKU-1,10,1.50,\n"  # row 2 fine
        + "PO-1,ACME,SKU-2,ten,1.50,\n"  # row 3 quantity
        + "PO-1,ACME,SKU-3,0,1.50,\n"  # row 4 quantity
        + "PO-1,ACME,SKU-4,1,-1,\n"  # row 5 unit_cost
        + "PO-1,ACME,SKU-5,1,1,31/12/2026\n"  # row 6 expected_date
        + "PO-1,,SKU-6,1,1,\n"  # row 7 supplier
        + "PO-1,OTHER,SKU-7,1,1,\n"  # row 8 supplier differs within a PO
    )
    assert problems == [
        (3, "quantity"),
        (4, "quantity"),
        (5, "unit_cost"),
        (6, "expected_date"),
        (7, "supplier"),
        (8, "supplier"),
    ]


def test_a_missing_required_column_refuses_the_file():
    assert _problems("po_number,supplier,sku,quantity\nP1,S1,A,1\n") == [(1, "unit_cost")]


def test_an_empty_file_or_a_header_alone_is_refused():
    assert _problems("") == [(1, None)]
    assert _problems(HEADER) == [(2, None)]


def test_a_quoted_cell_spanning_lines_keeps_row_numbers_true():
    problems = _problems(HEADER + 'PO-1,ACME,"SKU\nWITH NEWLINE",1,1,\n' + "PO-1,ACME,SKU-2,x,1,\n")
    assert problems == [(4, "quantity")]
