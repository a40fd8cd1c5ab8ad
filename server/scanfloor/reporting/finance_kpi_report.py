"""Runners of the working-capital figures, inventory turns and days of supply, per category
(report_service.py), read from the books: finance's stock values and journal, never the
movements.

The arithmetic, per category (items.attributes 'category'; none: "none") and valued place
(a warehouse, or IN-TRANSIT for stock between warehouses), in the functional currency:
- stock value now = the sum of its items' stock_values there (what the inventory accounts
  hold for it: `finance verify` holds the two equal);
- the change of a day = the debits less the credits of that day's journal lines on the
  inventory and in-transit accounts for its items there (entries dated by their entry
  date: receipts, shipments, transfers, counts, scraps, and the cost adjustments of
  invoices and landed costs to stock still on hand). The opening valuation's entry values
  a place at once; its parts per item come from opening_values (value - correction);
- the value at the end of a day = value now - the changes of every later day, so one read of
  the journal from the period's first day on gives every day's value (stock_rules sums them
  into the average, the closing value is the last day's);
- cost of goods sold of a day = the debits less the credits on the COGS accounts for its
  items there: shipments at cost, less customer returns put back at cost, plus the
  corrections and the part of an invoice's or landed cost's change that fell on goods
  already sold (the opening valuation's correction likewise).
Amounts the books hold without an item (none but the opening valuation's, read per item
instead) would count under no category.

Supplier performance and gross margin, the figures purchasing and finance already had,
are their services' answers (purchasing/performance_service.py, finance/margin_service.py)
shaped into reports: margin_supplier_report.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..catalog.models import Item, Location
from ..extensions import db
from ..finance.document_models import OpeningValue
from ..finance.journal_models import JournalEntry, JournalLine
from ..finance.models import AccountRole
from ..finance.period_rules import period_of
from ..finance.valuation_models import StockValue
from .filter_rules import Filters
from .kpi_shape import as_day, period, table
from .report_service import DECIMAL, INTEGER, Column, Report, Row, kpi_by_id, runner
from .stock_rules import Capital, CategoryStock, days_of_supply, inventory_turns

INVENTORY_ROLES, COGS_ROLES = ("inventory", "in_transit"), ("cogs",)
PLACES = Decimal("0.0001")  # money as the books store it (Numeric(20, 4))
ZERO = Decimal(0)
_JE, _JL, _AR = JournalEntry.__table__, JournalLine.__table__, AccountRole.__table__
_SV, _OV, _I, _L = StockValue.__table__, OpeningValue.__table__, Item.__table__, Location.__table__

Key = tuple[str | None, int]  # category (None: no item, or an item without one), valued place
_CATEGORY = _I.c.attributes["category"].as_string()


def _money(value: Any) -> Decimal:
    # SQLite sums NUMERIC as REAL: back to the books' 4 places.
    return Decimal(str(value or 0)).quantize(PLACES)


@dataclass
class _Books:
    """Per (category, place): the value now, and per day from the first day on the
    inventory change and the cost of goods sold."""

    now: dict[Key, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    change: dict[Key, dict[date, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    cogs: dict[Key, dict[date, Decimal]] = field(default_factory=lambda: defaultdict(dict))

    def add(
        self, into: dict[Key, dict[date, Decimal]], key: Key, day: date, amount: Decimal
    ) -> None:
        into[key][day] = into[key].get(day, ZERO) + amount


def _accounts() -> tuple[set[int], set[int]]:
    rows = db.session.execute(
        select(_AR.c.account_id, _AR.c.role).where(_AR.c.role.in_(INVENTORY_ROLES + COGS_ROLES))
    )
    inventory: set[int] = set()
    cogs: set[int] = set()
    for account, role in rows:
        (inventory if role in INVENTORY_ROLES else cogs).add(int(account))
    return inventory, cogs


def _read_books(first: date, place_id: int | None) -> _Books:
    """The books from `first` on (module docstring), at one place or every one, summed per
    category in SQL (a category's items are never read one by one)."""
    books = _Books()
    inventory, cogs = _accounts()
    stock = (
        select(_CATEGORY, _SV.c.place_id, func.sum(_SV.c.value))
        .join(_I, _I.c.id == _SV.c.item_id)
        .group_by(_CATEGORY, _SV.c.place_id)
    )
    opening_entries = select(_OV.c.entry_id).where(_OV.c.entry_id.is_not(None))
    lines = (
        select(
            _JE.c.entry_date, _CATEGORY, _JL.c.warehouse_id, _JL.c.account_id,
            func.sum(_JL.c.debit), func.sum(_JL.c.credit),
        )
        .select_from(_JL.join(_JE, _JE.c.id == _JL.c.entry_id)
                     .join(_I, _I.c.id == _JL.c.item_id, isouter=True))
        .where(
            _JE.c.period >= period_of(first),  # the entries' index, then the exact day
            _JE.c.entry_date >= first,
            _JL.c.account_id.in_(sorted(inventory | cogs)),
            _JE.c.id.not_in(opening_entries),
        )
        .group_by(_JE.c.entry_date, _CATEGORY, _JL.c.warehouse_id, _JL.c.account_id)
    )  # fmt: skip
    opening = (
        select(_JE.c.entry_date, _CATEGORY, _OV.c.place_id,
               func.sum(_OV.c.value), func.sum(_OV.c.correction))
        .join(_JE, _JE.c.id == _OV.c.entry_id)
        .join(_I, _I.c.id == _OV.c.item_id)
        .where(_JE.c.entry_date >= first)
        .group_by(_JE.c.entry_date, _CATEGORY, _OV.c.place_id)
    )  # fmt: skip
    if place_id is not None:
        stock = stock.where(_SV.c.place_id == place_id)
        lines = lines.where(_JL.c.warehouse_id == place_id)
        opening = opening.where(_OV.c.place_id == place_id)
    session = db.session
    for category, place, value in session.execute(stock):
        books.now[(category, int(place))] += _money(value)
    for day, category, place, account, debit, credit in session.execute(lines):
        if place is None:
            continue  # an inventory or COGS line always names its place
        into = books.change if int(account) in inventory else books.cogs
        books.add(into, (category, int(place)), as_day(day), _money(debit) - _money(credit))
    for day, category, place, value, correction in session.execute(opening):
        key, at = (category, int(place)), as_day(day)
        books.add(books.change, key, at, _money(value) - _money(correction))
        books.add(books.cogs, key, at, _money(correction))
    return books


def _codes(books: _Books) -> dict[int, str]:
    """Place id -> its code, of the places read."""
    places = sorted({p for _, p in set(books.now) | set(books.change) | set(books.cogs)})
    return {
        int(i): str(c)
        for i, c in db.session.execute(select(_L.c.id, _L.c.code).where(_L.c.id.in_(places)))
    }


def category_stocks(filters: Filters) -> list[CategoryStock]:
    """Each category's stock at each place over the period, as stock_rules reads it."""
    assert filters.date_from is not None and filters.date_to is not None
    first, last = filters.date_from, filters.date_to
    place_id = None
    if filters.warehouse:
        place_id = db.session.scalar(select(_L.c.id).where(_L.c.code == filters.warehouse))
        if place_id is None:
            return []
    books = _read_books(first, place_id)
    codes = _codes(books)
    out = []
    keys = set(books.now) | set(books.change) | set(books.cogs)
    for cat in sorted(keys, key=lambda k: (k[0] or "", k[0] is None, k[1])):
        days = books.change.get(cat, {})
        opening = books.now.get(cat, ZERO) - sum(days.values(), ZERO)
        ends, value = [], opening
        for day in sorted(d for d in days if d <= last):
            value += days[day]
            ends.append((day, value))
        sold = tuple(sorted((d, a) for d, a in books.cogs.get(cat, {}).items() if d <= last))
        out.append(CategoryStock(cat[0], codes[cat[1]], opening, tuple(ends), sold))
    return out


COLUMNS = (
    Column("days", "Days", INTEGER),
    Column("cogs", "Cost of goods sold", DECIMAL),
    Column("average_value", "Average inventory value", DECIMAL),
    Column("closing_value", "Closing inventory value", DECIMAL),
    Column("turns", "Turns", DECIMAL),
    Column("annualised_turns", "Turns a year", DECIMAL),
    Column("days_of_supply", "Days of supply", DECIMAL),
)


def _cells(c: Capital) -> dict[str, Any]:
    return {col.name: getattr(c, col.name) for col in COLUMNS}


def _capital_report(kpi_id: str, filters: Filters, by: str | None, as_of: date) -> Report:
    filters, notes = period(filters, as_of)
    stocks = category_stocks(filters)
    rule = inventory_turns if kpi_id == "inventory_turns" else days_of_supply
    groups, total = rule(stocks, filters, by_category=by is not None)
    rows, total_row = table(by, (Row(g.label, _cells(g)) for g in groups), Row(None, _cells(total)))
    return Report(
        kpi=kpi_by_id(kpi_id),
        filters=filters,
        by=by,
        as_of=as_of,
        columns=COLUMNS,
        rows=rows,
        total=total_row,
        notes=(*notes, "values at cost from the books (stock values and journal)"),
        records=_labelled(stocks, by),
    )


def _labelled(stocks: Iterable[CategoryStock], by: str | None) -> tuple[tuple[Any, Any], ...]:
    return tuple((None if by is None else s.category, s) for s in stocks)


@runner("inventory_turns")
def inventory_turns_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Inventory turns over the period, in total or per category."""
    return _capital_report("inventory_turns", filters, by, as_of)


@runner("days_of_supply")
def days_of_supply_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Days of supply at the end of the period, in total or per category."""
    return _capital_report("days_of_supply", filters, by, as_of)
