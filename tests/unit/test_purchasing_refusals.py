"""Purchasing refusals carry their code and the value at fault; a refused CSV names each
row, column and value; amounts print without float noise (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.purchasing.csv_rules import CsvRefused, RowProblem, parse_po_csv
from scanfloor.purchasing.rules import (
    PurchasingRuleError,
    decimal_text,
    normalise_po_number,
    normalise_supplier_code,
    parse_tolerance,
    parse_unit_cost,
    transition,
)

HEADER = "po_number,supplier,sku,quantity,unit_cost,expected_date\n"


def refusal(check, *args) -> tuple[str, dict[str, object]]:
    with pytest.raises(PurchasingRuleError) as refused:
        check(*args)
    error = refused.value
    assert isinstance(error.message, str) and " " in error.message
    assert str(error) == error.message
    return error.code, error.details


def problems(text: str) -> list[RowProblem]:
    with pytest.raises(CsvRefused) as refused:
        parse_po_csv(text)
    assert str(refused.value) == f"{refused.value.total} problem(s) in the CSV"
    return refused.value.problems


# --- rules --------------------------------------------------------------------------------


def test_a_refused_transition_names_the_state_the_action_and_where_it_may_start():
    assert refusal(transition, "received", "open") == (
        "invalid_state",
        {"state": "received", "action": "open", "allowed_from": ["draft"]},
    )
    assert refusal(transition, "closed", "close") == (
        "invalid_state",
        {
            "state": "closed",
            "action": "close",
            "allowed_from": ["draft", "open", "partially_received", "received", "sent"],
        },
    )
    with pytest.raises(PurchasingRuleError) as refused:
        transition("partially_received", "open")
    assert str(refused.value) == "a partially received purchase order cannot be opened"


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity", "-1", "100.5", "1.001", ""])
def test_a_bad_tolerance_is_refused_with_the_value_given(raw):
    assert refusal(parse_tolerance, raw) == ("invalid_tolerance", {"value": raw})


@pytest.mark.parametrize("raw", ["abc", "NaN", "-Infinity", "-1", "1e12", "0.0000001", ""])
def test_a_bad_unit_cost_is_refused_with_the_value_given(raw):
    assert refusal(parse_unit_cost, raw) == ("invalid_unit_cost", {"value": raw})


def test_codes_are_refused_with_the_text_given():
    assert refusal(normalise_po_number, "PO 1") == ("invalid_number", {"number": "PO 1"})
    assert refusal(normalise_po_number, " ") == ("invalid_number", {"number": " "})
    assert refusal(normalise_supplier_code, "AC/ME") == ("invalid_code", {"code": "AC/ME"})
    assert refusal(normalise_supplier_code, "ÄCME") == ("invalid_code", {"code": "ÄCME"})
    assert normalise_supplier_code(" a-c_m.e ") == "A-C_M.E"


def test_a_rule_error_without_details_has_empty_details():
    error = PurchasingRuleError("some_rule", "some message")
    assert (error.code, error.message, error.details, str(error)) == (
        "some_rule",
        "some message",
        {},
        "some message",
    )


def test_amounts_print_as_plain_decimals_keeping_the_places_asked_for():
    assert decimal_text(None) is None
    assert decimal_text(Decimal("2.500")) == "2.5"
    assert decimal_text(Decimal("1E+3")) == "1000"
    assert decimal_text(Decimal("2.5"), 2) == "2.50"
    assert decimal_text(Decimal("2.50"), 2) == "2.50"
    assert decimal_text(Decimal("2.125"), 2) == "2.125"
    assert decimal_text(Decimal("1E+3"), 2) == "1000.00"
    assert decimal_text(Decimal("0.0000001"), 2) == "0.0000001"


# --- CSV ----------------------------------------------------------------------------------


def test_each_bad_cell_is_named_by_row_column_and_value():
    found = problems(HEADER + "PO 1,AC/ME,SKU-1,x,-1,2026-13-01\n")
    assert [(p.row, p.column, p.value) for p in found] == [
        (2, "po_number", "PO 1"),
        (2, "supplier", "AC/ME"),
        (2, "quantity", "x"),
        (2, "unit_cost", "-1"),
        (2, "expected_date", "2026-13-01"),
    ]
    assert [p.message for p in found] == [
        "a PO number is 1-40 printable characters without spaces",
        "a supplier code is 1-32 letters, digits, '-', '_' or '.'",
        "quantity must be a whole number of base units",
        "unit cost must be 0 or more",
        "expected_date must be a date written YYYY-MM-DD",
    ]


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "quantity must be from 1 to 1000000000000"),
        ("1000000000001", "quantity must be from 1 to 1000000000000"),
        ("١٢", "quantity must be a whole number of base units"),
        ("1.5", "quantity must be a whole number of base units"),
    ],
)
def test_a_quantity_is_a_whole_number_from_1_to_the_ledger_maximum(quantity, message):
    (problem,) = problems(HEADER + f"PO-1,ACME,SKU-1,{quantity},1,\n")
    assert (problem.row, problem.column, problem.message) == (2, "quantity", message)


def test_the_largest_quantity_is_read():
    (order,) = parse_po_csv(HEADER + "PO-1,ACME,SKU-1,1000000000000,0,\n")
    assert order.lines[0].quantity == 10**12
    assert order.lines[0].unit_cost == Decimal(0)


def test_missing_required_cells_are_named_and_short_rows_read_as_empty():
    found = problems(HEADER + "PO-1,ACME\n")
    assert [(p.row, p.column, p.message) for p in found] == [
        (2, "sku", "this value is required"),
        (2, "quantity", "this value is required"),
        (2, "unit_cost", "this value is required"),
    ]


def test_a_header_with_a_column_twice_or_one_missing_is_refused_on_row_1():
    found = problems("po_number,PO_NUMBER,supplier,sku,quantity\nPO-1,PO-1,ACME,SKU-1,1\n")
    assert [(p.row, p.column, p.message) for p in found] == [
        (1, "po_number", "this column appears twice"),
        (1, "unit_cost", "required column is missing"),
    ]


def test_a_po_from_two_suppliers_is_refused_on_the_second_row():
    found = problems(
        HEADER + "PO-1,ACME,SKU-1,1,1,\nPO-1,OTHER,SKU-2,1,1,\nPO-1,OTHER,SKU-3,1,1,\n"
    )
    assert [(p.row, p.column, p.message, p.value) for p in found] == [
        (3, "supplier", "PO PO-1 is from supplier ACME (row 2)", "OTHER"),
        (4, "supplier", "PO PO-1 is from supplier ACME (row 2)", "OTHER"),
    ]


def test_an_order_starts_at_its_first_row_and_blank_rows_are_not_counted():
    orders = parse_po_csv(HEADER + "\n,,,,,\nPO-2,ACME,SKU-1,1,1,\nPO-1,ACME,SKU-2,2,1,\n")
    assert [(o.number, o.row) for o in orders] == [("PO-2", 4), ("PO-1", 5)]


def test_an_empty_or_header_only_file_is_refused():
    assert [(p.row, p.message) for p in problems("")] == [(1, "the file is empty")]
    assert [(p.row, p.message) for p in problems(HEADER)] == [
        (2, "the file has a header but no rows")
    ]


def test_text_that_is_not_csv_is_refused_on_the_row_where_it_breaks():
    huge = "x" * 140_000  # beyond the csv module's field limit
    message = "not readable as CSV: field larger than field limit (131072)"
    found = problems(HEADER + "PO-1,ACME,SKU-1,1,1,\n" + f"PO-2,{huge}\n")
    assert [(p.row, p.column, p.message) for p in found] == [(3, None, message)]
    assert [(p.row, p.column, p.message) for p in problems(huge)] == [(1, None, message)]
