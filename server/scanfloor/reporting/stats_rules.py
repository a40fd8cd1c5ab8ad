"""Pure statistics every KPI shares: rates, rounding, nearest-rank percentiles, durations,
and the robust spread (median, MAD) that anomaly flags stand on.

- Percentile (the one definition, every p50 and p90 in Scanfloor): nearest rank. Sort the n
  values; the p-th percentile is the value at rank ceil(p / 100 x n) (counting from 1). It is
  always a value that was observed (no interpolation: "half the orders shipped within 5.25
  hours" names a real order), and p50 of an even count is the lower middle value.
- Median (robust statistics only): the middle value of the sorted values, or the mean of the
  two middle ones for an even count. Iglewicz and Hoaglin define the modified z-score with this
  median, so anomaly flags use it; report percentiles use nearest rank.
- MAD (median absolute deviation) = median of |x - median|.
- Modified z-score = 0.6745 x (x - median) / MAD (Iglewicz and Hoaglin, 1993); a value is
  unusual when it is above THRESHOLD (3.5). When MAD is 0 (more than half the values are
  equal) it falls back to (x - median) / (1.253314 x mean absolute deviation), the same scale
  for a normal distribution (1.253314 = sqrt(pi / 2)); when that is 0 too every value is the
  same and nothing stands out (no score).
- A duration is whole seconds from start to end; one that is negative (two clocks disagree)
  counts as 0 and is reported as clamped, so bad data shows instead of vanishing.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

RATE_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")
ZERO = Decimal(0)
SECONDS_PER_HOUR = 3600

IGLEWICZ_HOAGLIN = Decimal("0.6745")
MEAN_AD_SCALE = Decimal("1.253314")
THRESHOLD = Decimal("3.5")
MAD, MEAN_AD = "mad", "mean_ad"
_ONE_SECOND = timedelta(seconds=1)

# Wide enough for any sum of NUMERIC(20, 4) amounts; fixed so answers never depend on the
# caller's context.
_CONTEXT = decimal.Context(prec=34, rounding=ROUND_HALF_UP)

N = TypeVar("N", int, Decimal)


class ReportingRuleError(ValueError):
    """A report asked for something that has no meaning (p 0, an unknown breakdown)."""

    def __init__(self, code: str, message: str, details: dict[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, object] = dict(details or {})


def rate(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole, 4 places half up; None when the whole is 0 (nothing to rate)."""
    if whole == 0:
        return None
    with decimal.localcontext(_CONTEXT):
        return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES)


def per(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole, 2 places half up (per hour, turns, days); None when the whole is 0."""
    if whole == 0:
        return None
    with decimal.localcontext(_CONTEXT):
        return (Decimal(part) / Decimal(whole)).quantize(TWO_PLACES)


def two(value: int | Decimal) -> Decimal:
    """value to 2 places, half up."""
    with decimal.localcontext(_CONTEXT):
        return Decimal(value).quantize(TWO_PLACES)


def percentile(values: Iterable[N], p: int) -> N | None:
    """Nearest-rank p-th percentile (module docstring); None for no values."""
    if isinstance(p, bool) or not isinstance(p, int) or not 0 < p <= 100:
        raise ReportingRuleError(
            "invalid_percentile", "a percentile is a whole number from 1 to 100", {"p": p}
        )
    ordered = sorted(values)
    if not ordered:
        return None
    rank = -(-p * len(ordered) // 100)  # ceil without floats
    return ordered[rank - 1]


def median(values: Iterable[int | Decimal]) -> Decimal | None:
    """The middle value (mean of the two middle ones for an even count); None for none."""
    ordered = sorted(Decimal(v) for v in values)
    n = len(ordered)
    if n == 0:
        return None
    if n % 2:
        return ordered[n // 2]
    with decimal.localcontext(_CONTEXT):
        return (ordered[n // 2 - 1] + ordered[n // 2]) / 2


@dataclass(frozen=True)
class Spread:
    """Where a population sits and how far it strays: what a modified z-score is taken
    against. scale is MAD (method mad) or the mean absolute deviation (method mean_ad)."""

    count: int
    median: Decimal
    mad: Decimal
    mean_ad: Decimal

    @property
    def method(self) -> str | None:
        if self.mad > 0:
            return MAD
        return MEAN_AD if self.mean_ad > 0 else None


def spread(values: Sequence[int | Decimal]) -> Spread | None:
    """Median, MAD and mean absolute deviation of the values; None for no values."""
    mid = median(values)
    if mid is None:
        return None
    with decimal.localcontext(_CONTEXT):
        deviations = [abs(Decimal(v) - mid) for v in values]
        mad = median(deviations)
        mean_ad = sum(deviations, ZERO) / len(deviations)
    assert mad is not None  # same count as values, which is not empty
    return Spread(len(values), mid, mad, mean_ad)


def modified_z(value: int | Decimal, population: Spread) -> Decimal | None:
    """The modified z-score of value against the population (module docstring), unrounded;
    None when every value of the population is the same."""
    with decimal.localcontext(_CONTEXT):
        distance = Decimal(value) - population.median
        if population.method == MAD:
            return IGLEWICZ_HOAGLIN * distance / population.mad
        if population.method == MEAN_AD:
            return distance / (MEAN_AD_SCALE * population.mean_ad)
    return None


def unusual(score: Decimal | None, threshold: Decimal = THRESHOLD) -> bool:
    """Above the threshold, on the high side only (a small loss is not an exception)."""
    return score is not None and score > threshold


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds from start to end (rounded down); negative when end is earlier."""
    return (end - start) // _ONE_SECOND


def hours(seconds: int) -> Decimal:
    """Seconds as hours, 2 places half up."""
    with decimal.localcontext(_CONTEXT):
        return (Decimal(seconds) / SECONDS_PER_HOUR).quantize(TWO_PLACES)


@dataclass(frozen=True)
class Durations:
    """How long a set of things took: how many, their p50 and p90 in hours (None for none),
    and how many had an end before their start (counted as 0 hours)."""

    count: int
    p50_hours: Decimal | None
    p90_hours: Decimal | None
    clamped: int


def durations(spans: Iterable[tuple[datetime, datetime]]) -> Durations:
    """p50 and p90 (nearest rank) of (start, end) spans, in hours."""
    seconds: list[int] = []
    clamped = 0
    for start, end in spans:
        s = seconds_between(start, end)
        if s < 0:
            clamped += 1
            s = 0
        seconds.append(s)
    p50, p90 = percentile(seconds, 50), percentile(seconds, 90)
    return Durations(
        count=len(seconds),
        p50_hours=None if p50 is None else hours(p50),
        p90_hours=None if p90 is None else hours(p90),
        clamped=clamped,
    )
