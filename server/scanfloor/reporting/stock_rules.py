"""Pure stock rules: adjustment and shrink trends per ISO week, stock-out days per item, and
the working-capital figures (inventory turns, days of supply) per category.

Vocabulary:
- A stock change is a movement between a physical location and a virtual one that is not a
  customer or a vendor: a count (to or from Inventory Loss/Gain by a count), an adjustment
  (to or from Inventory Loss/Gain by hand) or a scrap (into Scrap). Its units are signed:
  positive when stock was found (into the location), negative when it was lost (out of it);
  its value is the units at cost, with the same sign (None when the item was never costed).
- Shrink = units lost by counts and adjustments minus units found by them: the stock that
  went missing without an explanation. Scrap is a known loss and is shown apart, not in
  shrink.
- Weeks are ISO 8601 weeks (Monday to Sunday), labelled like 2026-W05; the first days of a
  January can belong to the last week of the year before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .filter_rules import DATE_RANGE, NO_FILTERS, Filters, breakdown, select
from .stats_rules import ZERO, ReportingRuleError, per, rate, two

COUNT, ADJUSTMENT, SCRAP = "count", "adjustment", "scrap"
KINDS = (COUNT, ADJUSTMENT, SCRAP)
TREND_FILTERS = (DATE_RANGE, "warehouse", "zone", "worker")
TREND_BREAKDOWNS = ("location", "zone", "worker", "item")
STOCKOUT_FILTERS = (DATE_RANGE, "warehouse")
CAPITAL_FILTERS = (DATE_RANGE, "warehouse")
DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class StockChange:
    """One count, adjustment or scrap movement (module docstring)."""

    on: date
    kind: str
    warehouse: str
    location: str
    zone: str | None
    worker: str | None
    item: str
    units: int
    value: Decimal | None
    # Where to find the movements behind it (the drill-down's link); no part of a figure.
    item_id: int | None = None
    location_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS or self.units == 0 or (self.kind == SCRAP and self.units > 0):
            raise ReportingRuleError(
                "invalid_stock_change",
                "a stock change is a count, adjustment or scrap of units other than 0; "
                "a scrap only takes units out",
                {"kind": self.kind, "units": self.units},
            )


def iso_week(day: date) -> str:
    """The ISO week a day belongs to, as YYYY-Www."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_between(first: date, last: date) -> list[str]:
    """Every ISO week from the one holding `first` to the one holding `last`."""
    monday = first - timedelta(days=first.weekday())
    out = []
    while monday <= last:
        out.append(iso_week(monday))
        monday += timedelta(days=7)
    return out


@dataclass(frozen=True)
class WeekFigures:
    week: str
    found_units: int = 0
    lost_units: int = 0
    scrapped_units: int = 0
    found_value: Decimal = ZERO
    lost_value: Decimal = ZERO
    scrapped_value: Decimal = ZERO
    uncosted_units: int = 0  # units of the above whose value is unknown

    @property
    def shrink_units(self) -> int:
        return self.lost_units - self.found_units

    @property
    def shrink_value(self) -> Decimal:
        return self.lost_value - self.found_value


def _week(week: str, changes: Sequence[StockChange]) -> WeekFigures:
    def units(found: bool, kinds: tuple[str, ...]) -> int:
        return sum(abs(c.units) for c in changes if c.kind in kinds and (c.units > 0) == found)

    def value(found: bool, kinds: tuple[str, ...]) -> Decimal:
        return two(
            sum(
                (
                    abs(c.value)
                    for c in changes
                    if c.value is not None and c.kind in kinds and (c.units > 0) == found
                ),
                ZERO,
            )
        )

    books = (COUNT, ADJUSTMENT)
    return WeekFigures(
        week=week,
        found_units=units(True, books),
        lost_units=units(False, books),
        scrapped_units=units(False, (SCRAP,)),
        found_value=value(True, books),
        lost_value=value(False, books),
        scrapped_value=value(False, (SCRAP,)),
        uncosted_units=sum(abs(c.units) for c in changes if c.value is None),
    )


@dataclass(frozen=True)
class Trend:
    label: str | None
    weeks: tuple[WeekFigures, ...]


def _trend(label: str | None, changes: list[StockChange], weeks: list[str]) -> Trend:
    per_week: dict[str, list[StockChange]] = {w: [] for w in weeks}
    for c in changes:
        per_week.setdefault(iso_week(c.on), []).append(c)
    return Trend(label, tuple(_week(w, cs) for w, cs in sorted(per_week.items())))


def adjustment_trend(
    changes: Iterable[StockChange], filters: Filters = NO_FILTERS, by: str | None = None
) -> tuple[list[Trend], Trend]:
    """Adjustment and shrink trend: per ISO week (Monday to Sunday), the units and value
    found and lost by counts and adjustments, and scrapped.

    Shrink = units lost by counts and adjustments - units found by them (negative when more
    was found than lost); its value likewise, at cost. Scrap is a known loss, shown apart
    and not in shrink. Units of items never costed are counted in units and shown as
    uncosted, never valued at 0.

    The date range selects changes made in it, and every week it touches is shown, empty
    weeks as 0. By location, zone, worker or item."""
    chosen = select(changes, filters, TREND_FILTERS, lambda c: c.on)
    days = [c.on for c in chosen]
    first = filters.date_from or (min(days) if days else None)
    last = filters.date_to or (max(days) if days else None)
    weeks = weeks_between(first, last) if first and last else []
    rows = (
        [_trend(k, g, weeks) for k, g in breakdown(chosen, by, TREND_BREAKDOWNS).items()]
        if by
        else []
    )
    return rows, _trend(None, chosen, weeks)


def _range(filters: Filters) -> tuple[date, date]:
    if filters.date_from is None or filters.date_to is None:
        raise ReportingRuleError(
            "date_range_required", "this figure needs a period with a first and a last day"
        )
    return filters.date_from, filters.date_to


@dataclass(frozen=True)
class SellableHistory:
    """An item's sellable on hand in a warehouse: before the first change listed (opening),
    the net change of each day (a day may repeat; its changes add up), and the first day it
    ever held sellable stock (None: never). Changes before a period lead up to its start."""

    item: str
    category: str | None
    warehouse: str
    opening: int
    changes: tuple[tuple[date, int], ...]
    first_stocked_on: date | None


@dataclass(frozen=True)
class StockOut:
    label: str | None  # the item; None for the total
    days: int  # days the item was carried
    stockout_days: int
    rate: Decimal | None  # stock-out days / days carried


def _stockout(history: SellableHistory, first: date, last: date) -> StockOut:
    net: dict[date, int] = {}
    for day, change in history.changes:
        net[day] = net.get(day, 0) + change
    on_hand = history.opening + sum(c for d, c in net.items() if d < first)
    days = out = 0
    day = first
    while day <= last:
        carried = history.first_stocked_on is not None and history.first_stocked_on < day
        if carried:
            days += 1
            out += on_hand <= 0
        on_hand += net.get(day, 0)
        day += timedelta(days=1)
    return StockOut(history.item, days, out, rate(out, days))


def stockout_days(
    histories: Iterable[SellableHistory], filters: Filters
) -> tuple[list[StockOut], StockOut]:
    """Stock-out days per item: the days of the period on which the item had no sellable
    stock (sellable on hand 0 or less) at the start of the day.

    Only days on which the item was carried count: from the day after it first held sellable
    stock (before that it was not stocked yet, not out of stock). Rate = stock-out days /
    days carried. Rows in order of most stock-out days, then item.

    Needs a date range (the period's days, both included)."""
    first, last = _range(filters)
    ranged = Filters(warehouse=filters.warehouse)
    chosen = select(histories, ranged, STOCKOUT_FILTERS, lambda h: None)
    rows = sorted(
        (_stockout(h, first, last) for h in chosen),
        key=lambda r: (-r.stockout_days, r.label or ""),
    )
    days = sum(r.days for r in rows)
    out = sum(r.stockout_days for r in rows)
    return rows, StockOut(None, days, out, rate(out, days))


@dataclass(frozen=True)
class CategoryStock:
    """A category's stock value in a warehouse at cost: before the first day listed
    (opening), at the end of each day it changed, and the cost of goods sold per day. Values
    before a period lead up to its start."""

    category: str | None
    warehouse: str
    opening_value: Decimal
    day_end_values: tuple[tuple[date, Decimal], ...]
    cogs: tuple[tuple[date, Decimal], ...]


@dataclass(frozen=True)
class Capital:
    """Working capital of a category over the period (label None: the total)."""

    label: str | None
    days: int
    cogs: Decimal
    average_value: Decimal
    closing_value: Decimal
    turns: Decimal | None
    annualised_turns: Decimal | None
    days_of_supply: Decimal | None


def _values(stock: CategoryStock, first: date, last: date) -> tuple[Decimal, Decimal, Decimal]:
    """(sum of the day-end values over the period's days, the closing value, COGS)."""
    ends = dict(sorted(stock.day_end_values))
    earlier = [d for d in ends if d < first]
    value = ends[max(earlier)] if earlier else stock.opening_value
    total = ZERO
    day = first
    while day <= last:
        value = ends.get(day, value)
        total += value
        day += timedelta(days=1)
    cogs = sum((amount for d, amount in stock.cogs if first <= d <= last), ZERO)
    return total, value, cogs


def _capital(label: str | None, stocks: list[CategoryStock], first: date, last: date) -> Capital:
    days = (last - first).days + 1
    sums = [_values(s, first, last) for s in stocks]
    average = sum((s[0] for s in sums), ZERO) / days
    closing = sum((s[1] for s in sums), ZERO)
    cogs = sum((s[2] for s in sums), ZERO)
    turns = per(cogs, average)
    return Capital(
        label=label,
        days=days,
        cogs=two(cogs),
        average_value=two(average),
        closing_value=two(closing),
        turns=turns,
        annualised_turns=per(cogs * DAYS_PER_YEAR, average * days),
        days_of_supply=per(closing * days, cogs),
    )


def _working_capital(
    stocks: Iterable[CategoryStock], filters: Filters, by_category: bool
) -> tuple[list[Capital], Capital]:
    first, last = _range(filters)
    chosen = select(stocks, Filters(warehouse=filters.warehouse), CAPITAL_FILTERS, lambda s: None)
    rows = (
        [
            _capital(k, g, first, last)
            for k, g in breakdown(chosen, "category", ("category",)).items()
        ]
        if by_category
        else []
    )
    return rows, _capital(None, chosen, first, last)


def inventory_turns(
    stocks: Iterable[CategoryStock], filters: Filters, by_category: bool = True
) -> tuple[list[Capital], Capital]:
    """Inventory turns: cost of goods sold in the period / average inventory value.

    Average inventory value = the mean of the stock's value at cost at the end of each day
    of the period (a day with no change keeps the day before's value). Annualised turns =
    turns x 365 / days in the period. Per category; none when the stock was worth nothing.

    Needs a date range (the period's days, both included)."""
    return _working_capital(stocks, filters, by_category)


def days_of_supply(
    stocks: Iterable[CategoryStock], filters: Filters, by_category: bool = True
) -> tuple[list[Capital], Capital]:
    """Days of supply: how many days the stock on hand at the end of the period would last
    at the period's rate of sale: closing inventory value / (cost of goods sold in the
    period / days in the period), at cost.

    Per category; none when nothing was sold in the period (the stock would last for ever).

    Needs a date range (the period's days, both included)."""
    return _working_capital(stocks, filters, by_category)
