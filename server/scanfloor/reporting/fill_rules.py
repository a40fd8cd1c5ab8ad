"""Pure fill-rate rules: line fill, unit fill and order fill, by channel (or warehouse), and
the order records they (and order cycle time) read.

Shared reading of an order (every fill rate and the cycle time use it):
- A line's units shipped are the units of its confirmed shipments (never more than ordered).
  Its first shipment is the earliest confirmed one (by confirmation time, then shipment id).
- Cancelled lines: the unshipped rest of a line cancelled BEFORE its promised ship date (or,
  with no promise, at any time) is withdrawn demand: the customer or channel no longer
  wanted it, so it is left out of what was ordered. Cancelled ON or after the promised date,
  the rest stays ordered and counts as not filled: the cancellation followed a miss, and
  cancelling late must not improve a fill rate.
- A line with no demand left (all of it withdrawn) is not counted at all; nor is an order
  with no such line.
- Returns do not change any fill rate: what shipped, shipped.
- A figure is judged as of a day (as_of, normally today; the records hold what had happened
  by then). A line not yet judged is pending: left out of the rate and shown beside it, so a
  recent period can still change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .filter_rules import DATE_RANGE, NO_FILTERS, Filters, breakdown, select
from .once import once
from .stats_rules import rate

FILL_FILTERS = (DATE_RANGE, "warehouse", "channel")
FILL_BREAKDOWNS = ("channel", "warehouse")


@dataclass(frozen=True)
class Shipped:
    """Units of one order line in one confirmed shipment."""

    shipment_id: int
    confirmed_at: datetime
    units: int


# The derived figures of a line or an order are cached_property: a report asks each of them
# several times per order (completed_at, open_to_ship, the filters), and over 100,000 orders
# working them out again was most of its time (bench_dashboards). A record is frozen, so a
# figure never goes stale; the cache lives beside the fields, not in them (eq, hash and the
# records' JSON read the fields only).
@dataclass(frozen=True)
class LineRecord:
    """One order line: units ordered, the promised ship date, what shipped, and the day its
    unshipped rest was cancelled (None: not cancelled)."""

    line_no: int
    ordered: int
    promised_on: date | None = None
    shipped: tuple[Shipped, ...] = ()
    cancelled_on: date | None = None

    @once
    def shipments(self) -> dict[int, tuple[datetime, int]]:
        """Shipment id -> (confirmed at, units), in shipping order."""
        out: dict[int, tuple[datetime, int]] = {}
        for s in self.shipped:
            at, units = out.get(s.shipment_id, (s.confirmed_at, 0))
            out[s.shipment_id] = (min(at, s.confirmed_at), units + s.units)
        return dict(sorted(out.items(), key=lambda kv: (kv[1][0], kv[0])))

    @once
    def first_shipment(self) -> tuple[int, int] | None:
        """(shipment id, units) of the line's first shipment; None before any."""
        first = next(iter(self.shipments.items()), None)
        return None if first is None else (first[0], first[1][1])

    @once
    def shipped_units(self) -> int:
        return min(self.ordered, sum(s.units for s in self.shipped))

    @once
    def withdrawn(self) -> int:
        """Unshipped units cancelled before the promise broke (module docstring)."""
        if self.cancelled_on is None:
            return 0
        if self.promised_on is not None and self.cancelled_on >= self.promised_on:
            return 0
        return self.ordered - self.shipped_units

    @once
    def demand(self) -> int:
        return self.ordered - self.withdrawn

    @once
    def complete(self) -> bool:
        return self.shipped_units >= self.demand

    def promise_passed(self, as_of: date) -> bool:
        return self.promised_on is not None and self.promised_on < as_of

    def units_by_promise(self) -> int:
        """Units shipped on or before the promised day (no promise: every unit shipped)."""
        if self.promised_on is None:
            return self.shipped_units
        on_time = sum(s.units for s in self.shipped if s.confirmed_at.date() <= self.promised_on)
        return min(self.demand, on_time)


@dataclass(frozen=True)
class OrderRecord:
    order_id: int
    channel: str
    warehouse: str | None
    ordered_at: datetime
    lines: tuple[LineRecord, ...]

    @once
    def counted_lines(self) -> tuple[LineRecord, ...]:
        return tuple(ln for ln in self.lines if ln.demand > 0)


@dataclass(frozen=True)
class Fill:
    """One row of a fill rate: what was judged (lines, units or orders), how much of it was
    filled, how much is still pending, and filled / judged."""

    label: str | None
    judged: int
    filled: int
    pending: int
    rate: Decimal | None


Tally = tuple[int, int, int]  # judged, filled, pending
Counter = Callable[[OrderRecord, date], Tally]


def _line_judged(line: LineRecord, as_of: date) -> bool:
    return bool(line.shipped) or line.cancelled_on is not None or line.promise_passed(as_of)


def _line_filled(line: LineRecord) -> bool:
    first = line.first_shipment
    return first is not None and first[1] >= line.demand


def _lines(order: OrderRecord, as_of: date) -> Tally:
    judged = [ln for ln in order.counted_lines if _line_judged(ln, as_of)]
    pending = len(order.counted_lines) - len(judged)
    return len(judged), sum(1 for ln in judged if _line_filled(ln)), pending


def _units(order: OrderRecord, as_of: date) -> Tally:
    judged = filled = pending = 0
    for line in order.counted_lines:
        if line.complete or line.cancelled_on is not None or line.promise_passed(as_of):
            judged += line.demand
            filled += line.units_by_promise()
        else:
            pending += line.demand
    return judged, filled, pending


def _orders(order: OrderRecord, as_of: date) -> Tally:
    lines = order.counted_lines
    if not lines:
        return 0, 0, 0
    if not all(_line_judged(ln, as_of) for ln in lines):
        return 0, 0, 1
    firsts = {ln.first_shipment[0] for ln in lines if ln.first_shipment is not None}
    one_shipment = len(firsts) == 1 and all(_line_filled(ln) for ln in lines)
    return 1, int(one_shipment), 0


def _fill(
    orders: Iterable[OrderRecord], as_of: date, filters: Filters, by: str | None, count: Counter
) -> tuple[list[Fill], Fill]:
    chosen = select(orders, filters, FILL_FILTERS, lambda o: o.ordered_at)

    def row(label: str | None, group: list[OrderRecord]) -> Fill:
        tallies = [count(order, as_of) for order in group]
        judged, filled, pending = (sum(t[i] for t in tallies) for i in range(3))
        return Fill(label, judged, filled, pending, rate(filled, judged))

    rows = [row(k, g) for k, g in breakdown(chosen, by, FILL_BREAKDOWNS).items()] if by else []
    return rows, row(None, chosen)


def line_fill(
    orders: Iterable[OrderRecord],
    as_of: date,
    filters: Filters = NO_FILTERS,
    by: str | None = "channel",
) -> tuple[list[Fill], Fill]:
    """Line fill rate: lines shipped complete in their first shipment / lines ordered.

    A line is filled when its first confirmed shipment carried every unit still wanted. It
    is judged once it has shipped anything, was cancelled, or its promised ship date has
    passed; until then it is pending. A line cancelled after its promised ship date counts
    as not filled; units cancelled before it are not counted as ordered.

    The date range selects orders captured in it. By channel (or warehouse); none when no
    line was judged."""
    return _fill(orders, as_of, filters, by, _lines)


def unit_fill(
    orders: Iterable[OrderRecord],
    as_of: date,
    filters: Filters = NO_FILTERS,
    by: str | None = "channel",
) -> tuple[list[Fill], Fill]:
    """Unit fill rate: units shipped by the promised ship date / units ordered.

    A unit is filled when a shipment carrying it was confirmed on or before its line's
    promised ship date (a line without a promised date: whenever it shipped). A line is
    judged once it has shipped in full, was cancelled, or its promised ship date has passed;
    until then its units are pending. Units cancelled after the promised date count as
    ordered and not filled; units cancelled before it are not counted as ordered.

    The date range selects orders captured in it. By channel (or warehouse); none when no
    unit was judged."""
    return _fill(orders, as_of, filters, by, _units)


def order_fill(
    orders: Iterable[OrderRecord],
    as_of: date,
    filters: Filters = NO_FILTERS,
    by: str | None = "channel",
) -> tuple[list[Fill], Fill]:
    """Order fill rate: orders shipped complete in one shipment / orders.

    An order is filled when one confirmed shipment carried every unit of every line still
    wanted. It is judged once each of its lines is judged for line fill (shipped anything,
    cancelled, or past its promised ship date); until then it is pending. An order cancelled
    whole before its promised ship date is not counted.

    The date range selects orders captured in it. By channel (or warehouse); none when no
    order was judged."""
    return _fill(orders, as_of, filters, by, _orders)
