"""Valuing one movement line in memory (finance/valuation_rules.py): what the subscriber
and the rebuild both run. No database."""

from __future__ import annotations

from decimal import Decimal

from scanfloor.finance.cost_rules import Position
from scanfloor.finance.posting_rules import Side
from scanfloor.finance.valuation_rules import (
    Book,
    LineFacts,
    Original,
    Valued,
    account_resolver,
    value_line,
    value_line_or_skip,
)

D = Decimal
Q = D("0.01")
ROLES = {
    ("inventory", None): 1300,
    ("inventory", 2): 1302,  # warehouse 2 has an inventory account of its own
    ("in_transit", None): 1310,
    ("grni", None): 2100,
    ("cogs", None): 5000,
    ("shrinkage", None): 5100,
    ("scrap_expense", None): 5200,
    ("rounding", None): 5900,
}
ACCOUNTS = account_resolver(ROLES)
VENDOR, CUSTOMER = Side("vendor", None), Side("customer", None)
WH1, WH2, TRANSIT = Side("owned", 1), Side("owned", 2), Side("transit", 9)


def _line(mid: int, src: Side, dst: Side, qty: int, **kw: object) -> LineFacts:
    base: dict[str, object] = {"lot_id": None, "unit_cost": None, "method": "moving_average"}
    base.update(kw)
    return LineFacts(mid, 7, qty, src=src, dst=dst, **base)  # type: ignore[arg-type]


def _lines(v: Valued) -> set[tuple[int, int | None, str, str]]:
    return {(b.account_id, b.warehouse_id, str(b.debit), str(b.credit)) for b in v.lines}


def test_a_line_between_two_bins_of_one_place_values_nothing():
    assert value_line(_line(1, WH1, WH1, 5), Book(), Q, ACCOUNTS) is None
    assert value_line(_line(1, VENDOR, CUSTOMER, 5), Book(), Q, ACCOUNTS) is None


def test_a_receipt_books_inventory_of_its_warehouse_against_grni():
    book = Book()
    v = value_line(_line(1, VENDOR, WH2, 4, unit_cost=D("2.5")), book, Q, ACCOUNTS)
    assert v is not None and (v.value, v.cost_source, v.kind) == (D("10.00"), "receipt", "receipt")
    assert _lines(v) == {(1302, 2, "10.00", "0"), (2100, 2, "0", "10.00")}
    assert book.position((7, 2)) == Position(4, D("10.00"), D("2.500000"))


def test_a_transfer_through_transit_carries_the_value_it_left_with():
    book = Book()
    value_line(_line(1, VENDOR, WH1, 3, unit_cost=D("1")), book, Q, ACCOUNTS)
    value_line(_line(2, VENDOR, WH1, 1, unit_cost=D("3")), book, Q, ACCOUNTS)
    out = value_line(_line(3, WH1, TRANSIT, 2), book, Q, ACCOUNTS)
    assert out is not None and (out.value, out.cost_source) == (D("3.00"), "transfer")
    assert _lines(out) == {(1310, 9, "3.00", "0"), (1300, 1, "0", "3.00")}
    back = value_line(_line(4, TRANSIT, WH2, 2), book, Q, ACCOUNTS)
    assert back is not None and back.value == D("3.00")
    assert book.position((7, 9)).quantity == 0 and book.position((7, 2)).value == D("3.00")


def test_a_reversal_swaps_the_reversed_entry_and_names_it():
    book = Book()
    first = value_line(_line(1, VENDOR, WH1, 2, unit_cost=D("4")), book, Q, ACCOUNTS)
    assert first is not None
    orig = Original(first.value, first.kind, 55, first.lines, None)
    undo = value_line(_line(2, WH1, VENDOR, 2, original=orig), book, Q, ACCOUNTS)
    assert undo is not None
    assert (undo.kind, undo.reverses_entry_id, undo.cost_source) == ("receipt", 55, "reversal")
    assert _lines(undo) == {(2100, 1, "8.00", "0"), (1300, 1, "0", "8.00")}
    assert book.position((7, 1)).quantity == 0 and book.position((7, 1)).value == 0


def test_a_customer_return_takes_its_original_issue_rate():
    book = Book()
    value_line(_line(1, VENDOR, WH1, 2, unit_cost=D("9")), book, Q, ACCOUNTS)
    back = value_line(_line(2, CUSTOMER, WH1, 1, return_rate=D("4")), book, Q, ACCOUNTS)
    assert back is not None and (back.value, back.cost_source) == (D("4.00"), "original")
    other = value_line(_line(3, CUSTOMER, WH1, 1), book, Q, ACCOUNTS)
    assert other is not None and (other.value, other.cost_source) == (D("7.33"), "issue")


def test_a_line_the_cost_rules_refuse_is_skipped_and_leaves_the_book_as_it_was():
    book = Book(positions={(7, 1): Position(2, D("-5.00"), None)})
    out, why = value_line_or_skip(_line(1, WH1, WH2, 1), book, Q, ACCOUNTS)
    assert out is None and why is not None and "movement 1" in why
    assert book.position((7, 1)) == Position(2, D("-5.00"), None)
    assert (7, 2) not in book.positions


def test_fifo_new_layers_get_ids_after_every_written_one_in_order():
    book = Book()
    a = value_line(_line(1, VENDOR, WH1, 1, unit_cost=D("1"), method="fifo"), book, Q, ACCOUNTS)
    b = value_line(_line(2, VENDOR, WH1, 1, unit_cost=D("2"), method="fifo"), book, Q, ACCOUNTS)
    assert a is not None and b is not None
    assert a.new_layers[0].temp_id < b.new_layers[0].temp_id
    out = value_line(_line(3, WH1, CUSTOMER, 1, method="fifo"), book, Q, ACCOUNTS)
    assert out is not None and out.value == D("1.00")
    assert [c.layer_id for c in out.consumed] == [a.new_layers[0].temp_id]
