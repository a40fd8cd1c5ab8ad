"""Revenue rules: an order line books its net (price x quantity - discount) and its tax in
proportion to what ships, rounded cumulatively so its shipments sum exactly to the line;
a kit books whole kits; a line with no price books nothing (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.finance.revenue_rules import (
    NOTHING,
    Booked,
    LineRow,
    booked_to,
    line_net,
    order_books,
    ordered_lines,
    shipment_books,
    shipped_of,
)

D = Decimal
CENT = D("0.01")


def _d(value: str | None) -> Decimal | None:
    return None if value is None else D(value)


def _line(price: str | None = "10", qty: int = 3, discount: str | None = "3",
          tax: str | None = "5.40"):  # fmt: skip
    row = LineRow(1, 1, qty, _d(price), _d(discount), _d(tax))
    (line,) = ordered_lines([row])
    return line


def test_a_line_is_worth_price_times_quantity_less_its_discount():
    assert line_net(_line(), CENT) == D("27.00")
    assert line_net(_line(discount=None), CENT) == D("30.00")


def test_two_shipments_of_a_line_sum_exactly_to_its_net_and_tax():
    line = _line()
    first = shipment_books(line, 0, 2, CENT)
    second = shipment_books(line, 2, 3, CENT)
    assert first == Booked(D("18.00"), D("3.60"))
    assert second == Booked(D("9.00"), D("1.80"))
    total = first + second
    assert (total.net, total.tax, total.receivable) == (D("27.00"), D("5.40"), D("32.40"))


def test_the_last_shipment_takes_the_rounding_remainder():
    """10.00 over 3 units a shipment each: 3.33, 3.34 (6.67 - 3.33), 3.33 (10 - 6.67)."""
    line = _line(price="10", qty=3, discount="20", tax="1")
    assert line_net(line, CENT) == D("10.00")
    shares = [shipment_books(line, n, n + 1, CENT) for n in range(3)]
    assert [s.net for s in shares] == [D("3.33"), D("3.34"), D("3.33")]
    assert sum((s.net for s in shares), D(0)) == D("10.00")
    assert sum((s.tax for s in shares), D(0)) == D("1.00")


@pytest.mark.parametrize("qty", [1, 3, 7, 11, 13])
def test_every_split_of_a_line_sums_to_the_line(qty):
    line = _line(price="0.3333", qty=qty, discount="0.01", tax="0.07")
    for cut in range(qty + 1):
        parts = shipment_books(line, 0, cut, CENT) + shipment_books(line, cut, qty, CENT)
        assert parts == booked_to(line, qty, CENT)
        assert parts.net == line_net(line, CENT)
        assert parts.tax == D("0.07")


def test_a_line_with_no_price_books_nothing():
    line = _line(price=None, discount=None, tax=None)
    assert shipment_books(line, 0, 3, CENT) == NOTHING


def test_a_discount_above_the_gross_books_no_negative_revenue():
    assert line_net(_line(price="1", qty=2, discount="5"), CENT) == D("0.00")


def test_shipped_beyond_the_quantity_counts_as_the_quantity():
    line = _line()
    assert shipped_of(line, {1: 5}) == 3
    assert booked_to(line, 5, CENT) == booked_to(line, 3, CENT)


def test_a_kit_books_whole_kits_with_its_discount_and_tax_from_any_row():
    """2 kits of (2 x A, 1 x B) at 15 a kit, discount 6 and tax 4 on the first row."""
    rows = [
        LineRow(10, 1, 4, D("15"), D("6"), D("4"), kit_quantity=2),
        LineRow(11, 1, 2, D("15"), None, None, kit_quantity=2),
        LineRow(12, 2, 1, D("5"), None, None),
    ]
    kit, plain = ordered_lines(rows)
    assert (kit.quantity, kit.discount, kit.tax, kit.kit) == (2, D("6"), D("4"), True)
    assert line_net(kit, CENT) == D("24.00") and not plain.kit
    assert shipped_of(kit, {10: 4, 11: 1}) == 1  # one B: one whole kit
    assert shipped_of(kit, {10: 1, 11: 2}) == 0
    first = order_books(rows, {}, {10: 2, 11: 1}, CENT)
    assert first == Booked(D("12.00"), D("2.00"))
    rest = order_books(rows, {10: 2, 11: 1}, {10: 4, 11: 2, 12: 1}, CENT)
    assert rest == Booked(D("17.00"), D("2.00"))  # the second kit and the plain line


def test_a_currency_without_minor_units_rounds_to_whole_units():
    line = _line(price="100", qty=3, discount=None, tax="10")
    one = D("1")
    shares = [shipment_books(line, n, n + 1, one) for n in range(3)]
    assert [s.tax for s in shares] == [D("3"), D("4"), D("3")]
    assert sum((s.net for s in shares), D(0)) == D("300")
