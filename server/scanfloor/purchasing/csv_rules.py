"""Pure parsing of a purchase-order CSV: one row per PO line, grouped into orders by number.

Columns: po_number, supplier, sku, quantity, unit_cost, expected_date and warehouse (a
warehouse code: where the PO is delivered; both optional). Rows are
numbered as a spreadsheet shows them: the header is row 1, so the first PO line is row 2.
Every problem found is collected (not just the first) so a person can fix the file in one go;
any problem refuses the whole file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..ledger.rules import MAX_QUANTITY
from .rules import (
    PurchasingRuleError,
    normalise_po_number,
    normalise_supplier_code,
    parse_unit_cost,
)

COLUMNS = ("po_number", "supplier", "sku", "quantity", "unit_cost", "expected_date", "warehouse")
REQUIRED = ("po_number", "supplier", "sku", "quantity", "unit_cost")
MAX_ROWS = 5000
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str | None
    message: str
    value: str | None = None


class CsvRefused(ValueError):
    """The file cannot be imported; `problems` names each row and column at fault."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the CSV")
        self.problems = problems[:MAX_PROBLEMS]
        self.total = len(problems)


@dataclass(frozen=True)
class CsvLine:
    row: int
    sku: str
    quantity: int
    unit_cost: Decimal
    expected_date: date | None


@dataclass
class CsvOrder:
    number: str
    supplier: str
    row: int  # the first row of this order
    lines: list[CsvLine] = field(default_factory=list)
    warehouse: str | None = None  # a warehouse code, upper-cased

    @property
    def expected_date(self) -> date | None:
        dates = [ln.expected_date for ln in self.lines if ln.expected_date is not None]
        return min(dates) if dates else None


def _header(names: list[str]) -> tuple[dict[str, int], list[RowProblem]]:
    index: dict[str, int] = {}
    problems = []
    for i, raw in enumerate(names):
        name = raw.strip().lstrip("\ufeff").lower()
        if name in COLUMNS:
            if name in index:
                problems.append(RowProblem(1, name, "this column appears twice"))
            index[name] = i
    for name in REQUIRED:
        if name not in index:
            problems.append(RowProblem(1, name, "required column is missing"))
    return index, problems


def _quantity(raw: str) -> int:
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError("quantity must be a whole number of base units")
    value = int(text)
    if not 0 < value <= MAX_QUANTITY:
        raise ValueError(f"quantity must be from 1 to {MAX_QUANTITY}")
    return value


def _date(raw: str) -> date | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError("expected_date must be a date written YYYY-MM-DD") from exc


def _cell(row: list[str], index: dict[str, int], name: str) -> str:
    pos = index.get(name)
    return row[pos].strip() if pos is not None and pos < len(row) else ""


def _parse_row(
    n: int, row: list[str], index: dict[str, int], problems: list[RowProblem]
) -> tuple[str, str, str | None, CsvLine] | None:
    before = len(problems)
    values = {name: _cell(row, index, name) for name in COLUMNS}
    for name in REQUIRED:
        if not values[name]:
            problems.append(RowProblem(n, name, "this value is required"))
    if len(problems) > before:
        return None
    number = supplier = ""
    quantity, cost, expected = 0, Decimal(0), None
    try:
        number = normalise_po_number(values["po_number"])
    except PurchasingRuleError as exc:
        problems.append(RowProblem(n, "po_number", exc.message, values["po_number"]))
    try:
        supplier = normalise_supplier_code(values["supplier"])
    except PurchasingRuleError as exc:
        problems.append(RowProblem(n, "supplier", exc.message, values["supplier"]))
    try:
        quantity = _quantity(values["quantity"])
    except ValueError as exc:
        problems.append(RowProblem(n, "quantity", str(exc), values["quantity"]))
    try:
        cost = parse_unit_cost(values["unit_cost"])
    except PurchasingRuleError as exc:
        problems.append(RowProblem(n, "unit_cost", exc.message, values["unit_cost"]))
    try:
        expected = _date(values["expected_date"])
    except ValueError as exc:
        problems.append(RowProblem(n, "expected_date", str(exc), values["expected_date"]))
    if len(problems) > before:
        return None
    warehouse = values["warehouse"].upper() or None
    return number, supplier, warehouse, CsvLine(n, values["sku"], quantity, cost, expected)


def parse_po_csv(text: str) -> list[CsvOrder]:
    """The orders a CSV describes, in the order they first appear; CsvRefused if any row is
    wrong (the file is imported whole or not at all)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvRefused([RowProblem(1, None, "the file is empty")]) from None
    except csv.Error as exc:
        raise CsvRefused([RowProblem(1, None, f"not readable as CSV: {exc}")]) from exc
    index, problems = _header(header)
    if problems:
        raise CsvRefused(problems)
    orders: dict[str, CsvOrder] = {}
    rows = 0
    try:
        for row in reader:
            n = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            if rows > MAX_ROWS:
                problems.append(RowProblem(n, None, f"at most {MAX_ROWS} rows per file"))
                break
            parsed = _parse_row(n, row, index, problems)
            if parsed is None:
                continue
            number, supplier, warehouse, line = parsed
            order = orders.setdefault(number, CsvOrder(number, supplier, n, warehouse=warehouse))
            if warehouse is not None and order.warehouse not in (None, warehouse):
                problems.append(
                    RowProblem(
                        n,
                        "warehouse",
                        f"PO {number} goes to warehouse {order.warehouse} (row {order.row})",
                        warehouse,
                    )
                )
                continue
            order.warehouse = order.warehouse or warehouse
            if order.supplier != supplier:
                problems.append(
                    RowProblem(
                        n,
                        "supplier",
                        f"PO {number} is from supplier {order.supplier} (row {order.row})",
                        supplier,
                    )
                )
                continue
            order.lines.append(line)
    except csv.Error as exc:
        problems.append(RowProblem(reader.line_num, None, f"not readable as CSV: {exc}"))
    if not rows and not problems:
        problems.append(RowProblem(2, None, "the file has a header but no rows"))
    if problems:
        raise CsvRefused(problems)
    return list(orders.values())
