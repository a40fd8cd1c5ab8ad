"""Pure service-level rules: order cycle time (capture to ship confirm), dock-to-stock time
(receipt to putaway complete) and backorder ageing. Orders are read as fill_rules.py reads
them: the same withdrawn demand and the same shipped units."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from .fill_rules import FILL_BREAKDOWNS, FILL_FILTERS, OrderRecord
from .filter_rules import DATE_RANGE, NO_FILTERS, Filters, breakdown, label_order, select
from .stats_rules import ZERO, Durations, durations, two

CYCLE_FILTERS = FILL_FILTERS
CYCLE_BREAKDOWNS = FILL_BREAKDOWNS
DOCK_FILTERS = (DATE_RANGE, "warehouse", "supplier")
DOCK_BREAKDOWNS = ("warehouse", "supplier")
AGEING_FILTERS = ("warehouse", "channel")
AGEING_BREAKDOWNS = ("channel", "warehouse")
# (label, first day, last day; None: no end), ages in whole days since the order was captured.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-2", 0, 2),
    ("3-7", 3, 7),
    ("8-14", 8, 14),
    ("15-30", 15, 30),
    (">30", 31, None),
)

R = TypeVar("R")


@dataclass(frozen=True)
class Timing:
    """One row of a duration figure (label None: the total) and what is still waiting."""

    label: str | None
    durations: Durations
    waiting: int


def open_to_ship(order: OrderRecord) -> bool:
    """Something of the order is still to ship: a line short of what is wanted and not
    cancelled."""
    return any(not ln.complete and ln.cancelled_on is None for ln in order.counted_lines)


def completed_at(order: OrderRecord) -> datetime | None:
    """When the order's shipping ended: the confirmation of its last shipment once nothing
    is left to ship; None while something is, or when nothing ever shipped."""
    if not order.counted_lines or open_to_ship(order):
        return None
    return max((s.confirmed_at for ln in order.lines for s in ln.shipped), default=None)


def order_cycle_time(
    orders: Iterable[OrderRecord], filters: Filters = NO_FILTERS, by: str | None = "channel"
) -> tuple[list[Timing], Timing]:
    """Order cycle time: hours from the order's capture to the confirmation of the shipment
    that completed it, as p50 and p90 (nearest rank) over the orders completed.

    An order is complete when nothing is left to ship: every line shipped in full or its
    rest cancelled (units cancelled before the promised ship date are not wanted at all, as
    in the fill rates). An order cancelled with nothing shipped is left out; one with
    something still to ship is counted as waiting, not timed.

    The date range selects orders completed in it (waiting: open orders captured in it). By
    channel or warehouse; none when no order was completed."""
    all_orders = list(orders)
    done = [
        o
        for o in select(all_orders, filters, CYCLE_FILTERS, completed_at)
        if completed_at(o) is not None
    ]
    waiting = [
        o
        for o in select(all_orders, filters, CYCLE_FILTERS, lambda o: o.ordered_at)
        if open_to_ship(o)
    ]
    return _timings(done, waiting, by, CYCLE_BREAKDOWNS, _order_span)


class Completed(Protocol):
    """An order whose completion is already known (None: not completed)."""

    @property
    def ordered_at(self) -> datetime: ...
    @property
    def completed_at(self) -> datetime | None: ...


C = TypeVar("C", bound=Completed)


def cycle_timings(
    done: Sequence[C], waiting: Sequence[C], by: str | None = "channel"
) -> tuple[list[Timing], Timing]:
    """order_cycle_time's figures when the orders are already chosen: `done`, completed in
    the period, each with its completion; `waiting`, open ones captured in it."""
    return _timings(list(done), list(waiting), by, CYCLE_BREAKDOWNS, _completed_span)


def _completed_span(order: Completed) -> tuple[datetime, datetime] | None:
    at = order.completed_at
    return None if at is None else (order.ordered_at, at)


def _order_span(order: OrderRecord) -> tuple[datetime, datetime] | None:
    at = completed_at(order)
    return None if at is None else (order.ordered_at, at)


def _timings(
    done: list[R],
    waiting: list[R],
    by: str | None,
    allowed: tuple[str, ...],
    span: Callable[[R], tuple[datetime, datetime] | None],
) -> tuple[list[Timing], Timing]:
    """Rows (when broken down) and the total of a duration figure: the spans of what was
    done, the count of what is still waiting, per group."""

    def row(label: Any, group: list[R], still: list[R]) -> Timing:
        spans = [s for r in group if (s := span(r)) is not None]
        return Timing(label, durations(spans), len(still))

    rows = []
    if by:
        waiting_by = breakdown(waiting, by, allowed)
        for label, group in breakdown(done, by, allowed).items():
            rows.append(row(label, group, waiting_by.pop(label, [])))
        rows.extend(row(label, [], group) for label, group in waiting_by.items())
        rows.sort(key=lambda r: label_order(r.label))
    return rows, row(None, done, waiting)


@dataclass(frozen=True)
class DockRecord:
    """One received receipt line: when it was received, and when its last unit reached a
    storage location (None: some of it is still on the dock)."""

    warehouse: str
    supplier: str | None
    received_at: datetime
    stocked_at: datetime | None


def dock_to_stock(
    lines: Iterable[DockRecord], filters: Filters = NO_FILTERS, by: str | None = None
) -> tuple[list[Timing], Timing]:
    """Dock-to-stock time: hours from receiving a receipt line to putting away its last
    unit, as p50 and p90 (nearest rank) over the lines put away.

    Lines with units still on the dock are counted as waiting, not timed.

    The date range selects lines put away in it (waiting: lines received in it). By
    warehouse or supplier; none when nothing was put away."""
    all_lines = list(lines)
    stocked = [
        r
        for r in select(all_lines, filters, DOCK_FILTERS, lambda r: r.stocked_at)
        if r.stocked_at is not None
    ]
    waiting = [
        r
        for r in select(all_lines, filters, DOCK_FILTERS, lambda r: r.received_at)
        if r.stocked_at is None
    ]
    return _timings(stocked, waiting, by, DOCK_BREAKDOWNS, _dock_span)


def _dock_span(line: DockRecord) -> tuple[datetime, datetime] | None:
    return None if line.stocked_at is None else (line.received_at, line.stocked_at)


@dataclass(frozen=True)
class WaitingRecord:
    """An order line still waiting for stock: units not yet reserved or picked, and its net
    selling price per unit (tax excluded; None: not priced)."""

    channel: str
    warehouse: str | None
    ordered_at: datetime
    waiting: int
    unit_price: Decimal | None


@dataclass(frozen=True)
class Bucket:
    label: str
    lines: int
    units: int
    value: Decimal  # of the priced units, 2 places
    unpriced_units: int


@dataclass(frozen=True)
class Ageing:
    label: str | None
    buckets: tuple[Bucket, ...]

    @property
    def units(self) -> int:
        return sum(b.units for b in self.buckets)

    @property
    def value(self) -> Decimal:
        return sum((b.value for b in self.buckets), ZERO)


def age_bucket(age_days: int) -> str:
    """The bucket label of an age in whole days (a negative age counts as 0)."""
    age = max(age_days, 0)
    for label, low, high in AGE_BUCKETS:
        if age >= low and (high is None or age <= high):
            return label
    raise AssertionError("the buckets cover every age")  # pragma: no cover


def _bucket(label: str, lines: list[WaitingRecord]) -> Bucket:
    value = sum((ln.unit_price * ln.waiting for ln in lines if ln.unit_price is not None), ZERO)
    return Bucket(
        label=label,
        lines=len(lines),
        units=sum(ln.waiting for ln in lines),
        value=two(value),
        unpriced_units=sum(ln.waiting for ln in lines if ln.unit_price is None),
    )


def _ageing(label: str | None, lines: list[WaitingRecord], as_of: date) -> Ageing:
    by_bucket: dict[str, list[WaitingRecord]] = {name: [] for name, _low, _high in AGE_BUCKETS}
    for ln in lines:
        by_bucket[age_bucket((as_of - ln.ordered_at.date()).days)].append(ln)
    return Ageing(label, tuple(_bucket(name, group) for name, group in by_bucket.items()))


def backorder_ageing(
    lines: Iterable[WaitingRecord],
    as_of: date,
    filters: Filters = NO_FILTERS,
    by: str | None = "channel",
) -> tuple[list[Ageing], Ageing]:
    """Backorder ageing: order lines waiting for stock on a day, in buckets of age (0-2,
    3-7, 8-14, 15-30 and over 30 days), in units and in value.

    Age is whole days from the order's capture to the day. Value is the waiting units at
    the line's net selling price (tax excluded); units without a price are shown apart
    (unpriced), never valued at 0. A line is waiting while units of it are neither reserved
    nor picked; cancelled lines are not waiting.

    A snapshot of the day, so no date range. By channel (or warehouse); every bucket is shown,
    empty ones as 0."""
    chosen = [ln for ln in select(lines, filters, AGEING_FILTERS, lambda r: None) if ln.waiting]
    rows = (
        [_ageing(k, g, as_of) for k, g in breakdown(chosen, by, AGEING_BREAKDOWNS).items()]
        if by
        else []
    )
    return rows, _ageing(None, chosen, as_of)
