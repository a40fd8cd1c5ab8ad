"""Pure labour rules: picks, lines and units per labour hour, per worker and zone.

Why active quarter-hours: the floor has no clock-in/clock-out, and the time between a task's
claim and its completion includes breaks, a device left on a shelf and other work. A worker's
quarter-hour with a confirmed pick in it is time spent picking; one without is not. The cost
is a small bias: an isolated pick counts a whole quarter-hour, and so does a quarter-hour in
which the worker also did other work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from .filter_rules import DATE_RANGE, NO_FILTERS, Filters, breakdown, select
from .stats_rules import TWO_PLACES, ReportingRuleError

SLOT_MINUTES = 15
SLOTS_PER_HOUR = 60 // SLOT_MINUTES
LABOUR_FILTERS = (DATE_RANGE, "warehouse", "zone", "worker")
LABOUR_BREAKDOWNS = ("worker", "zone")


@dataclass(frozen=True)
class QuarterWork:
    """What a worker picked in one zone during one quarter-hour of the clock: pick
    confirmations, the order lines they served and the units picked (a worker's picks of
    each quarter-hour can be summed per zone from the picks, or read from the daily facts)."""

    start: datetime  # the quarter-hour's first moment, UTC
    warehouse: str
    zone: str | None
    worker: str
    picks: int
    lines: int
    units: int

    def __post_init__(self) -> None:
        if self.start.minute % SLOT_MINUTES or self.start.second or self.start.microsecond:
            raise ReportingRuleError(
                "invalid_quarter_hour",
                "a quarter-hour starts at :00, :15, :30 or :45",
                {"start": self.start.isoformat()},
            )

    @property
    def slot(self) -> tuple[str, datetime]:
        return self.worker, self.start


@dataclass(frozen=True)
class Productivity:
    label: str | None
    picks: int
    lines: int
    units: int
    labour_hours: Decimal
    picks_per_hour: Decimal | None
    lines_per_hour: Decimal | None
    units_per_hour: Decimal | None


def _slot_shares(work: list[QuarterWork]) -> dict[tuple[str, datetime, str | None], Fraction]:
    """(worker, quarter-hour, zone) -> the share of that quarter-hour the zone gets: split
    evenly between the zones the worker picked in during it."""
    zones: dict[tuple[str, datetime], set[str | None]] = defaultdict(set)
    for w in work:
        zones[w.slot].add(w.zone)
    return {
        (worker, start, zone): Fraction(1, len(in_slot))
        for (worker, start), in_slot in zones.items()
        for zone in in_slot
    }


def _per_hour(count: int, slots: Fraction) -> Decimal | None:
    if slots == 0:
        return None
    exact = Fraction(count * SLOTS_PER_HOUR) / slots
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(TWO_PLACES)


def _productivity(
    label: str | None,
    work: list[QuarterWork],
    shares: dict[tuple[str, datetime, str | None], Fraction],
) -> Productivity:
    slots = sum((shares[key] for key in {(*w.slot, w.zone) for w in work}), Fraction(0))
    hours = slots / SLOTS_PER_HOUR
    picks = sum(w.picks for w in work)
    lines = sum(w.lines for w in work)
    units = sum(w.units for w in work)
    return Productivity(
        label=label,
        picks=picks,
        lines=lines,
        units=units,
        labour_hours=(Decimal(hours.numerator) / Decimal(hours.denominator)).quantize(TWO_PLACES),
        picks_per_hour=_per_hour(picks, slots),
        lines_per_hour=_per_hour(lines, slots),
        units_per_hour=_per_hour(units, slots),
    )


def pick_productivity(
    work: Iterable[QuarterWork], filters: Filters = NO_FILTERS, by: str | None = "worker"
) -> tuple[list[Productivity], Productivity]:
    """Picks, lines and units per labour hour.

    A pick is one pick confirmed on the scanner (a short pick that found nothing is still a
    pick: the walk was made); lines are the order lines the picks served, counted once in
    each quarter-hour they were picked in; units are the units picked. A labour hour is four
    active quarter-hours: a worker's quarter-hour of the clock (:00-:15, :15-:30, :30-:45,
    :45-:00) is active when they confirmed at least one pick in it. Quarter-hours without a
    pick (a break, other work) are not labour; a quarter-hour in which a worker picked in
    two zones counts half to each zone.

    Per hour = picks (lines, units) / labour hours. The date range selects quarter-hours in
    it. By worker or zone; none when nobody picked."""
    active = [w for w in work if w.picks > 0]
    shares = _slot_shares(active)  # before filtering: a worker's time split stays the same
    chosen = select(active, filters, LABOUR_FILTERS, lambda w: w.start)
    rows = (
        [_productivity(k, g, shares) for k, g in breakdown(chosen, by, LABOUR_BREAKDOWNS).items()]
        if by
        else []
    )
    return rows, _productivity(None, chosen, shares)
