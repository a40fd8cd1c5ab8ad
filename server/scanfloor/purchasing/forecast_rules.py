"""Pure demand rules: a daily demand series from the ledger's figures, and the demand mean
and standard deviation per day that the reorder rules take.

The series (`demand_series`), one record per calendar day of the window (the service sends
zero days too, so quiet days count):
- a day's demand = units that left for customers + units backordered that day - returns
  restocked that day, floored at 0 (a day of returns is not negative demand: a forecast
  below zero would order nothing for days after it). Backorders count so demand is not
  capped by the stock there was.
- a stock-out day (sellable on hand at the START of the day <= 0) is dropped entirely: what
  customers wanted that day is unknown (many do not backorder), so counting it as the little
  that was recorded would teach the forecast that an item sells less the more it runs out.

The method (`estimate_demand`), by the Syntetos-Boylan-Croston classification:
- ADI (average inter-demand interval) = in-stock days / days with demand;
  CV^2 = (sd / mean)^2 of the NON-ZERO demand sizes (population sd).
- ADI >= 1.32: intermittent (CV^2 < 0.49) or lumpy (CV^2 >= 0.49) -> Croston with the
  Syntetos-Boylan approximation; ADI < 1.32: smooth or erratic -> simple exponential
  smoothing. (Syntetos, Boylan & Croston 2005: beyond ADI 1.32, SBA beats SES.)
- SES: level = alpha * x + (1 - alpha) * level, started at the first day's demand.
- Croston: on each day WITH demand, size z += alpha * (x - z) and interval p += alpha *
  (q - p), q = days since the previous demand day (for the first, days since the window
  began, that day included); z and p start at the first demand and its q. Days without
  demand change nothing. SBA = (1 - alpha / 2) * z / p, which removes Croston's upward bias.
- The deviation the safety stock needs is the spread of daily demand itself: the sample
  standard deviation (n - 1) over the in-stock days, zeros included, whichever method gave
  the mean (Croston gives a rate, not a spread).
Arithmetic is Decimal at a fixed 28-digit context (the caller's context never changes an
answer); the mean and sd are rounded half-up to 4 places (units per day).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from .rules import PurchasingRuleError

DEFAULT_ALPHA = Decimal("0.2")  # a common smoothing constant: weights ~ the last 10 days
ADI_CUTOFF = Decimal("1.32")
CV2_CUTOFF = Decimal("0.49")
PLACES = Decimal("0.0001")
_PRECISION = 28

SMOOTH, ERRATIC, INTERMITTENT, LUMPY = "smooth", "erratic", "intermittent", "lumpy"
SES, CROSTON_SBA = "ses", "croston_sba"
NO_HISTORY, NO_DEMAND = "no_history", "no_demand"


@dataclass(frozen=True)
class DemandDay:
    """One calendar day for one item (and warehouse or channel), as the ledger saw it."""

    day: date
    on_hand_at_start: int  # sellable on hand when the day began
    shipped: int = 0  # units that left for customers
    backordered: int = 0  # demand that day that could not be served
    returned: int = 0  # customer returns restocked as sellable

    @property
    def stocked_out(self) -> bool:
        return self.on_hand_at_start <= 0

    @property
    def demand(self) -> int:
        return max(0, self.shipped + self.backordered - self.returned)


@dataclass(frozen=True)
class DemandSeries:
    """The demand per in-stock day, oldest first, and what was left out."""

    demand: tuple[int, ...]
    stock_out_days: int
    first_day: date | None
    last_day: date | None


@dataclass(frozen=True)
class DemandEstimate:
    """What the reorder rules take (mean_per_day as d, sd_per_day as sd_d), and why."""

    method: str  # ses | croston_sba | no_history | no_demand
    classification: str | None  # smooth | erratic | intermittent | lumpy (None: no demand)
    mean_per_day: Decimal
    sd_per_day: Decimal
    days_used: int
    stock_out_days: int
    demand_days: int
    adi: Decimal | None
    cv2: Decimal | None
    alpha: Decimal


def _context() -> decimal.Context:
    return decimal.Context(prec=_PRECISION, rounding=decimal.ROUND_HALF_EVEN)


def _q(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP, context=_context())


def _check_alpha(alpha: Decimal) -> None:
    if not isinstance(alpha, Decimal) or not alpha.is_finite() or not 0 < alpha <= 1:
        raise PurchasingRuleError(
            "invalid_alpha",
            "the smoothing constant is a decimal above 0, at most 1",
            {"alpha": str(alpha)},
        )


def demand_series(days: Iterable[DemandDay]) -> DemandSeries:
    """The daily demand over the in-stock days, oldest first; a day given twice is refused."""
    ordered = sorted(days, key=lambda d: d.day)
    for earlier, later in pairwise(ordered):
        if earlier.day == later.day:
            raise PurchasingRuleError(
                "duplicate_day",
                "a day appears twice in the demand history",
                {"day": later.day.isoformat()},
            )
    for d in ordered:
        if min(d.shipped, d.backordered, d.returned) < 0:
            raise PurchasingRuleError(
                "invalid_demand_day",
                "shipped, backordered and returned are 0 or more",
                {"day": d.day.isoformat()},
            )
    kept = tuple(d.demand for d in ordered if not d.stocked_out)
    return DemandSeries(
        demand=kept,
        stock_out_days=sum(1 for d in ordered if d.stocked_out),
        first_day=ordered[0].day if ordered else None,
        last_day=ordered[-1].day if ordered else None,
    )


def ses(series: Sequence[int], alpha: Decimal = DEFAULT_ALPHA) -> Decimal:
    """Simple exponential smoothing: the level after the last day (unrounded)."""
    _check_alpha(alpha)
    if not series:
        raise PurchasingRuleError("no_history", "smoothing needs at least one day")
    with decimal.localcontext(_context()):
        keep = 1 - alpha
        level = Decimal(series[0])
        for x in series[1:]:
            # alpha * 0 adds nothing: a quiet day only decays the level (same result).
            level = alpha * x + keep * level if x else keep * level
        return +level


def croston(series: Sequence[int], alpha: Decimal = DEFAULT_ALPHA) -> tuple[Decimal, Decimal]:
    """Croston's smoothed demand size z and interval p (unrounded); needs a demand day."""
    _check_alpha(alpha)
    size: Decimal | None = None
    interval = Decimal(0)
    since = 0
    with decimal.localcontext(_context()):
        for x in series:
            since += 1
            if x <= 0:
                continue
            if size is None:
                size, interval = Decimal(x), Decimal(since)
            else:
                size += alpha * (x - size)
                interval += alpha * (since - interval)
            since = 0
    if size is None:
        raise PurchasingRuleError("no_demand", "Croston needs at least one day with demand")
    return size, interval


def croston_sba(series: Sequence[int], alpha: Decimal = DEFAULT_ALPHA) -> Decimal:
    """Demand per day by Croston with the Syntetos-Boylan approximation (unrounded)."""
    size, interval = croston(series, alpha)
    with decimal.localcontext(_context()):
        return (1 - alpha / 2) * size / interval


def sample_sd(series: Sequence[int]) -> Decimal:
    """Sample standard deviation (n - 1); 0 for fewer than two days (unrounded)."""
    n = len(series)
    if n < 2:
        return Decimal(0)
    # sum((x - mean)^2) = (n * sum(x^2) - sum(x)^2) / n: whole numbers until the division.
    total, squares = sum(series), sum(x * x for x in series)
    with decimal.localcontext(_context()):
        return (Decimal(n * squares - total * total) / (n * (n - 1))).sqrt()


def classify(series: Sequence[int]) -> tuple[str | None, Decimal | None, Decimal | None]:
    """(classification, ADI, CV^2) by Syntetos-Boylan-Croston; None when nothing sold."""
    sizes = [x for x in series if x > 0]
    if not sizes:
        return None, None, None
    k, total, squares = len(sizes), sum(sizes), sum(x * x for x in sizes)
    with decimal.localcontext(_context()):
        adi = Decimal(len(series)) / k
        # population variance / mean^2 = (k * sum(x^2) - sum(x)^2) / sum(x)^2, exactly.
        cv2 = Decimal(k * squares - total * total) / (total * total)
    sparse = adi >= ADI_CUTOFF
    spiky = cv2 >= CV2_CUTOFF
    kind = (LUMPY if spiky else INTERMITTENT) if sparse else (ERRATIC if spiky else SMOOTH)
    return kind, adi, cv2


def estimate_demand(days: Iterable[DemandDay], alpha: Decimal = DEFAULT_ALPHA) -> DemandEstimate:
    """Demand mean and deviation per day from the ledger's daily figures, by the rule above."""
    _check_alpha(alpha)
    series = demand_series(days)
    return _estimate(series.demand, series.stock_out_days, alpha)


def estimate_columns(
    on_hand_at_start: Sequence[int],
    shipped: Sequence[int],
    backordered: Sequence[int],
    returned: Sequence[int],
    alpha: Decimal = DEFAULT_ALPHA,
) -> DemandEstimate:
    """estimate_demand over a window given as columns (entry i of each is the i-th calendar
    day, oldest first, each day once): the same rule without a DemandDay per day, for runs
    over thousands of items x hundreds of days."""
    _check_alpha(alpha)
    n = len(on_hand_at_start)
    if not len(shipped) == len(backordered) == len(returned) == n:
        raise PurchasingRuleError("invalid_demand_day", "every column has one entry per day")
    if (
        min(shipped, default=0) < 0
        or min(backordered, default=0) < 0
        or min(returned, default=0) < 0
    ):
        raise PurchasingRuleError(
            "invalid_demand_day", "shipped, backordered and returned are 0 or more"
        )
    kept = tuple(
        s + b - r if s + b > r else 0
        for start, s, b, r in zip(on_hand_at_start, shipped, backordered, returned, strict=True)
        if start > 0
    )
    return _estimate(kept, n - len(kept), alpha)


def _estimate(x: Sequence[int], stock_out_days: int, alpha: Decimal) -> DemandEstimate:
    kind, adi, cv2 = classify(x)
    if not x or kind is None:
        return DemandEstimate(
            method=NO_HISTORY if not x else NO_DEMAND,
            classification=None,
            mean_per_day=_q(Decimal(0)),
            sd_per_day=_q(Decimal(0)),
            days_used=len(x),
            stock_out_days=stock_out_days,
            demand_days=0,
            adi=None,
            cv2=None,
            alpha=alpha,
        )
    intermittent = kind in (INTERMITTENT, LUMPY)
    mean = croston_sba(x, alpha) if intermittent else ses(x, alpha)
    return DemandEstimate(
        method=CROSTON_SBA if intermittent else SES,
        classification=kind,
        mean_per_day=_q(mean),
        sd_per_day=_q(sample_sd(x)),
        days_used=len(x),
        stock_out_days=stock_out_days,
        demand_days=sum(1 for v in x if v > 0),
        adi=_q(adi) if adi is not None else None,
        cv2=_q(cv2) if cv2 is not None else None,
        alpha=alpha,
    )
