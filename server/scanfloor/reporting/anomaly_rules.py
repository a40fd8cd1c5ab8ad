"""Pure anomaly rules: which locations, workers and items lose unusually much stock, and which
locations lose small amounts again and again. No black box: every flag carries the numbers
that raised it, so a person can redo the arithmetic (stats_rules.py has the statistics)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .filter_rules import DATE_RANGE, NO_FILTERS, Filters, label_order, select
from .stats_rules import (
    THRESHOLD,
    ReportingRuleError,
    median,
    modified_z,
    spread,
    two,
    unusual,
)
from .stock_rules import ADJUSTMENT, COUNT, SCRAP, StockChange

ANOMALY_FILTERS = (DATE_RANGE, "warehouse", "zone")
ANOMALY_DIMENSIONS = ("location", "worker", "item")
# The three families a flag is raised in: adjustments both ways, scraps, count losses.
ADJUSTMENTS, SCRAPS, COUNT_LOSSES = "adjustments", "scraps", "count_losses"
FAMILIES = (ADJUSTMENTS, SCRAPS, COUNT_LOSSES)
MIN_POPULATION = 5
PATTERN_LOSSES = 3
PATTERN_DAYS = 7


def family_units(change: StockChange, family: str) -> int:
    """The units a change adds to a family: adjustments by size either way, scraps and count
    losses by units lost; 0 when it is not of the family."""
    if family == ADJUSTMENTS and change.kind == ADJUSTMENT:
        return abs(change.units)
    if family == SCRAPS and change.kind == SCRAP:
        return -change.units
    if family == COUNT_LOSSES and change.kind == COUNT and change.units < 0:
        return -change.units
    return 0


@dataclass(frozen=True)
class UnusualFlag:
    """A member (a location, worker or item) whose total stands out from its peers."""

    dimension: str
    member: str
    family: str
    units: int  # the member's total in the family over the period
    events: int  # how many changes made that total
    population: int  # how many members it was compared with (itself included)
    median: Decimal
    mad: Decimal
    mean_ad: Decimal
    method: str  # mad | mean_ad: which spread scaled the score
    score: Decimal  # modified z-score, 2 places
    threshold: Decimal


def unusual_losses(
    changes: Iterable[StockChange],
    dimension: str,
    family: str,
    filters: Filters = NO_FILTERS,
    peers: Sequence[str] = (),
    min_population: int = MIN_POPULATION,
) -> list[UnusualFlag]:
    """Unusual adjustments, scraps and count losses: a location, worker or item whose total
    of one of them over the period stands out from its peers'.

    Each member's total units in the family (adjustments counted by size either way, scraps
    and count losses by units lost) is compared with every member's: modified z-score =
    0.6745 x (total - median) / MAD, where MAD is the median of the members' distances from
    the median. A member is flagged when its score, to 2 places, is above 3.5 (Iglewicz and
    Hoaglin); only the high side is flagged (unusually little loss is not an exception).
    When MAD is 0 (most members have the same total) the score is (total - median) /
    (1.253314 x mean absolute deviation) instead; when every total is the same, nothing is
    flagged. Fewer than 5 members to compare is too few to judge, so nothing is flagged.
    Peers with no change in the period count with a total of 0.

    The date range selects changes made in it. Every flag shows the total, the median, the
    MAD, the score and the threshold that raised it. Largest score first."""
    if dimension not in ANOMALY_DIMENSIONS or family not in FAMILIES:
        raise ReportingRuleError(
            "unsupported_anomaly",
            "anomalies are looked for per location, worker or item, in adjustments, scraps "
            "or count losses",
            {"dimension": dimension, "family": family},
        )
    totals: dict[str, list[int]] = {peer: [] for peer in peers}
    for c in select(changes, filters, ANOMALY_FILTERS, lambda c: c.on):
        member = getattr(c, dimension)
        units = family_units(c, family)
        if member is not None and units:
            totals.setdefault(member, []).append(units)
    sums = {member: sum(units) for member, units in totals.items()}
    population = spread(list(sums.values()))
    if population is None or population.count < min_population or population.method is None:
        return []
    flags = []
    for member, total in sums.items():
        raw = modified_z(total, population)
        # Judged on the score as shown, so a flag never shows 3.50 "above 3.5".
        score = None if raw is None else two(raw)
        if score is not None and unusual(score):
            flags.append(
                UnusualFlag(
                    dimension=dimension,
                    member=member,
                    family=family,
                    units=total,
                    events=len(totals[member]),
                    population=population.count,
                    median=population.median,
                    mad=population.mad,
                    mean_ad=two(population.mean_ad),
                    method=population.method,
                    score=score,
                    threshold=THRESHOLD,
                )
            )
    return sorted(flags, key=lambda f: (-f.score, label_order(f.member)))


@dataclass(frozen=True)
class PatternFlag:
    """A location that lost small amounts again and again: the losses that made the
    pattern, and the bounds it was judged by."""

    location: str
    first_day: date
    last_day: date
    losses: tuple[StockChange, ...]
    small_at_most: Decimal  # the median loss of every location: a loss this size or less
    min_losses: int
    window_days: int


def _small_losses(changes: list[StockChange]) -> tuple[Decimal | None, list[StockChange]]:
    losses = [c for c in changes if c.kind in (COUNT, ADJUSTMENT) and c.units < 0]
    cut = median([-c.units for c in losses])
    if cut is None:
        return None, []
    return cut, [c for c in losses if -c.units <= cut]


def _first_run(days: list[date], need: int, window: int) -> tuple[date, date] | None:
    """The first `need` different days that fit in `window` consecutive days."""
    for i in range(len(days) - need + 1):
        if days[i + need - 1] - days[i] < timedelta(days=window):
            return days[i], days[i + need - 1]
    return None


def repeated_small_losses(
    changes: Iterable[StockChange],
    filters: Filters = NO_FILTERS,
    min_losses: int = PATTERN_LOSSES,
    window_days: int = PATTERN_DAYS,
) -> list[PatternFlag]:
    """Repeated small losses (a shrink pattern): a location that lost a small amount on at
    least 3 different days within 7 consecutive days.

    A loss is units taken out of a location by a count or an adjustment (scraps are known
    losses and do not count). It is small when it is no more units than the median loss of
    all the locations' losses in the period; "no more than", so a location that keeps losing
    one unit is caught even when most losses are one unit. Several small losses on one day
    (one count of a bin finding several items short) make one day, not a pattern.

    The date range selects losses made in it. Every flag lists the losses that made the
    pattern and the median it was judged by. Locations in label order."""
    chosen = select(changes, filters, ANOMALY_FILTERS, lambda c: c.on)
    cut, small = _small_losses(chosen)
    if cut is None:
        return []
    by_location: dict[str, list[StockChange]] = {}
    for c in small:
        by_location.setdefault(c.location, []).append(c)
    flags = []
    for location in sorted(by_location):
        losses = by_location[location]
        run = _first_run(sorted({c.on for c in losses}), min_losses, window_days)
        if run is None:
            continue
        first, last = run
        flags.append(
            PatternFlag(
                location=location,
                first_day=first,
                last_day=last,
                losses=tuple(sorted((c for c in losses if first <= c.on <= last), key=_when)),
                small_at_most=cut,
                min_losses=min_losses,
                window_days=window_days,
            )
        )
    return flags


def _when(change: StockChange) -> tuple[date, str, int]:
    return change.on, change.item, change.units
