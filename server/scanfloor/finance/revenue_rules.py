"""Pure revenue rules: what a shipment of an order's lines books as revenue and sales tax.

Policy:
- An ordered line is one order_lines row, or for a kit the rows of its components (they
  share the line number, and each carries the price of one kit). Its quantity is what was
  ordered: units, for a kit kits (kit_quantity). Its net is round(price x quantity) -
  discount and its tax is the tax, both whole-line amounts, rounded half up to the
  functional currency's quantum (money.py). Order capture keeps a kit's discount and tax
  on its first component row; they are summed over the rows here, so either place reads
  the same.
- A line books in proportion to what has shipped of it, rounded cumulatively: once S of its
  Q have shipped it has booked round(net x S / Q) and round(tax x S / Q), and a shipment
  books the difference between that after it and before it. Each shipment is within one
  quantum of its exact share, and once the line has shipped whole its entries sum exactly
  to its net and tax (the last shipment takes the remainder).
- A kit has shipped the kits whose every component unit has shipped: the least, over its
  components, of units shipped // units in one kit.
- A line with no price books nothing, neither revenue nor tax: nobody said what it sold
  for (capture refuses a discount or a tax without a price).
- A discount above price x quantity (capture refuses it; a line whose quantity was lowered
  later may come to it) leaves a net of 0: revenue is never negative. Shipped beyond the
  quantity counts as the quantity.
- The figures are the line's as it stands at each shipment: a line changed between two of
  its shipments books the rest of its new figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .money import round_to, share

ZERO = Decimal(0)


@dataclass(frozen=True)
class LineRow:
    """One order_lines row as revenue reads it."""

    id: int
    line_no: int
    quantity: int  # units of this row's item
    price: Decimal | None  # per unit; a kit component's: per kit
    discount: Decimal | None
    tax: Decimal | None
    kit_quantity: int | None = None  # kits ordered (kit component rows only)


STORED_PLACES = Decimal("0.0001")  # order_lines' price, discount and tax


def line_row(row: Any) -> LineRow:
    """An order_lines row as read from the database (id, line_no, quantity, price, discount,
    tax, kit_quantity); SQLite hands NUMERIC back through float: 4 places, as the columns."""

    def money(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(STORED_PLACES)

    return LineRow(
        id=int(row.id),
        line_no=int(row.line_no),
        quantity=int(row.quantity),
        price=money(row.price),
        discount=money(row.discount),
        tax=money(row.tax),
        kit_quantity=None if row.kit_quantity is None else int(row.kit_quantity),
    )


@dataclass(frozen=True)
class OrderedLine:
    """An ordered line: its rows (one, or a kit's components) and its money."""

    line_no: int
    rows: tuple[LineRow, ...]
    quantity: int  # units, or kits
    price: Decimal | None
    discount: Decimal
    tax: Decimal

    @property
    def kit(self) -> bool:
        return self.rows[0].kit_quantity is not None


@dataclass(frozen=True)
class Booked:
    """Revenue (net) and tax a shipment books; the channel owes both."""

    net: Decimal
    tax: Decimal

    @property
    def receivable(self) -> Decimal:
        return self.net + self.tax

    def __add__(self, other: Booked) -> Booked:
        return Booked(self.net + other.net, self.tax + other.tax)


NOTHING = Booked(ZERO, ZERO)


def ordered_lines(rows: Iterable[LineRow]) -> list[OrderedLine]:
    """The order's rows grouped by ordered line (line number order)."""
    by_no: dict[int, list[LineRow]] = {}
    for r in sorted(rows, key=lambda r: (r.line_no, r.id)):
        by_no.setdefault(r.line_no, []).append(r)
    out = []
    for no, group in by_no.items():
        first = group[0]
        quantity = first.kit_quantity if first.kit_quantity is not None else first.quantity
        out.append(
            OrderedLine(
                line_no=no,
                rows=tuple(group),
                quantity=quantity,
                price=first.price,
                discount=sum((r.discount or ZERO for r in group), ZERO),
                tax=sum((r.tax or ZERO for r in group), ZERO),
            )
        )
    return out


def shipped_of(line: OrderedLine, shipped: Mapping[int, int]) -> int:
    """Units (kits: whole kits) of the line shipped, given units shipped per row id."""
    if not line.kit:
        return min(shipped.get(line.rows[0].id, 0), line.quantity)
    kits = line.quantity
    for r in line.rows:
        per_kit = r.quantity // line.quantity if line.quantity else 0
        if per_kit <= 0:
            return 0
        kits = min(kits, shipped.get(r.id, 0) // per_kit)
    return max(kits, 0)


def line_net(line: OrderedLine, q: Decimal) -> Decimal:
    """round(price x quantity) - discount, never below 0 (module docstring)."""
    if line.price is None:
        return ZERO
    gross = round_to(line.price * line.quantity, q)
    return max(gross - round_to(line.discount, q), ZERO)


def booked_to(line: OrderedLine, shipped: int, q: Decimal) -> Booked:
    """What the line has booked once `shipped` of it have shipped (cumulative rounding)."""
    if line.price is None or line.quantity <= 0:
        return NOTHING
    part = max(0, min(shipped, line.quantity))
    if part == 0:
        return NOTHING
    net = share(line_net(line, q), part, line.quantity, q)
    tax = share(round_to(line.tax, q), part, line.quantity, q)
    return Booked(net, tax)


def shipment_books(line: OrderedLine, before: int, after: int, q: Decimal) -> Booked:
    """What a shipment taking the line from `before` to `after` shipped books."""
    now, was = booked_to(line, after, q), booked_to(line, before, q)
    return Booked(now.net - was.net, now.tax - was.tax)


def order_books(
    rows: Sequence[LineRow],
    before: Mapping[int, int],
    after: Mapping[int, int],
    q: Decimal,
) -> Booked:
    """What a shipment books for one order: its lines' shares summed; `before` and `after`
    are units shipped per row id before and after the shipment."""
    total = NOTHING
    for line in ordered_lines(rows):
        total += shipment_books(line, shipped_of(line, before), shipped_of(line, after), q)
    return total
