"""Pure supplier performance rules: lead time from actual receipts, on-time-in-full per PO
line, fill rate, and lead-time adherence against the promised lead time.

- Lead time of a receipt = calendar days from the PO date to the receipt date (one sample per
  receipt: a line delivered in two drops gives two). Mean and SAMPLE standard deviation
  (n - 1; 0 for one sample). A receipt dated before its PO is refused (bad data, not speed).
- Planning lead time: the receipts' mean and deviation once there are at least
  MIN_LEAD_TIME_SAMPLES of them, else the promised lead time with deviation 0 (two receipts
  say little; the promise is what the supplier signed up to).
- On time (per PO line, against its due date): EARLY when the last receipt came more than
  `early_days` before the due date (early stock takes space and cash), LATE when it came more
  than `late_days` after; nothing received and due + late_days has passed is LATE too.
  A line is judged once settled: received within the short tolerance, or closed. An open
  line still short is LATE once due + late_days has passed (days counted to `as_of`), else
  PENDING: not judged, left out of every rate. A line closed with nothing received is LATE.
- In full: SHORT when received < ordered * (1 - short_pct / 100), OVER when received >
  ordered * (1 + over_pct / 100), else IN FULL. Compared exactly (no rounding of a tolerance).
- OTIF = on time AND in full; OTIF rate = OTIF lines / judged lines.
- Fill rate = sum(min(received, ordered)) / sum(ordered) over judged lines: units, with
  over-deliveries capped so an extra case on one line cannot hide a short on another.
- Lead-time adherence: each receipt's lead time against the promise, within the same early /
  late day tolerances; reports the share within, and the mean actual minus promised.
Rates are Decimal fractions (0-1) rounded half-up to 4 places; None when nothing to rate.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .rules import PurchasingRuleError

MIN_LEAD_TIME_SAMPLES = 3
PLACES = Decimal("0.0001")
EARLY, ON_TIME, LATE, PENDING = "early", "on_time", "late", "pending"
SHORT, IN_FULL, OVER = "short", "in_full", "over"
RECEIPTS, PROMISED = "receipts", "promised"
_PRECISION = 28


def _context() -> decimal.Context:
    return decimal.Context(prec=_PRECISION, rounding=decimal.ROUND_HALF_EVEN)


def _q(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP, context=_context())


def _rate(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    with decimal.localcontext(_context()):
        return _q(Decimal(part) / whole)


@dataclass(frozen=True)
class Tolerance:
    """How far a delivery may stray and still count: days either side, percent either way."""

    early_days: int = 0
    late_days: int = 0
    short_pct: Decimal = Decimal(0)
    over_pct: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        for name in ("early_days", "late_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise PurchasingRuleError(
                    "invalid_tolerance", f"{name} is a whole number of days, 0 or more"
                )
        for name in ("short_pct", "over_pct"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not 0 <= value <= 100:
                raise PurchasingRuleError(
                    "invalid_tolerance", f"{name} is a percentage from 0 to 100"
                )


@dataclass(frozen=True)
class LeadTimeStats:
    samples: int
    mean_days: Decimal
    sd_days: Decimal
    source: str  # receipts | promised


@dataclass(frozen=True)
class PoLineDelivery:
    """One PO line as delivered so far; received_on is the date of its last receipt; a
    closed line will receive nothing more (cancelled lines are not passed at all)."""

    ordered: int
    received: int
    due: date
    received_on: date | None = None
    closed: bool = False


@dataclass(frozen=True)
class OtifResult:
    timing: str  # early | on_time | late | pending
    fullness: str  # short | in_full | over
    days_off: int  # receipt (or as_of) minus due date: negative is early
    units_off: int  # received minus ordered: negative is short

    @property
    def judged(self) -> bool:
        return self.timing != PENDING

    @property
    def on_time(self) -> bool:
        return self.timing == ON_TIME

    @property
    def in_full(self) -> bool:
        return self.fullness == IN_FULL

    @property
    def otif(self) -> bool:
        return self.on_time and self.in_full


@dataclass(frozen=True)
class Adherence:
    samples: int
    promised_days: int
    mean_days: Decimal | None
    mean_delta_days: Decimal | None  # actual - promised: positive is slower than promised
    within_rate: Decimal | None  # share of receipts within the tolerance window


@dataclass(frozen=True)
class SupplierScore:
    lines_judged: int
    otif_rate: Decimal | None
    fill_rate: Decimal | None
    counts: dict[str, int]  # early, late, short, over, otif, pending


# --- lead time ---------------------------------------------------------------------------


def lead_time_days(ordered_on: date, received_on: date) -> int:
    days = (received_on - ordered_on).days
    if days < 0:
        raise PurchasingRuleError(
            "receipt_before_order",
            "a receipt cannot be dated before its purchase order",
            {"ordered_on": ordered_on.isoformat(), "received_on": received_on.isoformat()},
        )
    return days


def _mean_sd(values: Sequence[int]) -> tuple[Decimal, Decimal]:
    with decimal.localcontext(_context()):
        mean = Decimal(sum(values)) / len(values)
        if len(values) < 2:
            return mean, Decimal(0)
        var = sum(((v - mean) ** 2 for v in values), Decimal(0)) / (len(values) - 1)
        return mean, var.sqrt()


def lead_time_stats(pairs: Iterable[tuple[date, date]]) -> LeadTimeStats | None:
    """Mean and sample deviation of (PO date, receipt date) pairs; None without receipts."""
    days = [lead_time_days(o, r) for o, r in pairs]
    if not days:
        return None
    mean, sd = _mean_sd(days)
    return LeadTimeStats(len(days), _q(mean), _q(sd), RECEIPTS)


def planning_lead_time(
    pairs: Iterable[tuple[date, date]],
    promised_days: int,
    min_samples: int = MIN_LEAD_TIME_SAMPLES,
) -> LeadTimeStats:
    """The lead time the reorder rules plan with: receipts when enough, else the promise."""
    if not isinstance(promised_days, int) or promised_days < 0:
        raise PurchasingRuleError(
            "invalid_lead_time", "the promised lead time is whole days, 0 or more"
        )
    stats = lead_time_stats(pairs)
    if stats is not None and stats.samples >= min_samples:
        return stats
    samples = stats.samples if stats else 0
    return LeadTimeStats(samples, _q(Decimal(promised_days)), _q(Decimal(0)), PROMISED)


def lead_time_adherence(
    pairs: Iterable[tuple[date, date]], promised_days: int, tolerance: Tolerance = Tolerance()
) -> Adherence:
    """How receipts' lead times compare with the promised lead time."""
    days = [lead_time_days(o, r) for o, r in pairs]
    if not days:
        return Adherence(0, promised_days, None, None, None)
    mean, _sd = _mean_sd(days)
    low, high = promised_days - tolerance.early_days, promised_days + tolerance.late_days
    within = sum(1 for d in days if low <= d <= high)
    return Adherence(
        samples=len(days),
        promised_days=promised_days,
        mean_days=_q(mean),
        mean_delta_days=_q(_context().subtract(mean, promised_days)),
        within_rate=_rate(within, len(days)),
    )


# --- on time, in full --------------------------------------------------------------------


def _fullness(ordered: int, received: int, tol: Tolerance) -> str:
    # received/ordered against 1 -+ pct/100, multiplied out so the comparison is exact.
    if received * 100 < ordered * (100 - tol.short_pct):
        return SHORT
    if received * 100 > ordered * (100 + tol.over_pct):
        return OVER
    return IN_FULL


def judge_line(line: PoLineDelivery, as_of: date, tolerance: Tolerance = Tolerance()) -> OtifResult:
    """Early / on time / late / pending, and short / in full / over, for one PO line."""
    if line.ordered <= 0 or line.received < 0:
        raise PurchasingRuleError(
            "invalid_delivery",
            "ordered is 1 or more and received 0 or more",
            {"ordered": line.ordered, "received": line.received},
        )
    fullness = _fullness(line.ordered, line.received, tolerance)
    units_off = line.received - line.ordered
    settled = fullness != SHORT or line.closed
    if not settled or line.received_on is None:
        # Still waiting for (the rest of) it: late once the window has passed.
        days_off = (as_of - line.due).days
        timing = LATE if days_off > tolerance.late_days or line.closed else PENDING
        return OtifResult(timing, fullness, days_off, units_off)
    days_off = (line.received_on - line.due).days
    if days_off < -tolerance.early_days:
        timing = EARLY
    elif days_off > tolerance.late_days:
        timing = LATE
    else:
        timing = ON_TIME
    return OtifResult(timing, fullness, days_off, units_off)


def fill_rate(lines: Iterable[PoLineDelivery]) -> Decimal | None:
    """Units received (capped at ordered per line) / units ordered."""
    items = list(lines)
    return _rate(sum(min(ln.received, ln.ordered) for ln in items), sum(ln.ordered for ln in items))


def score_supplier(
    lines: Iterable[PoLineDelivery], as_of: date, tolerance: Tolerance = Tolerance()
) -> SupplierScore:
    """OTIF rate, fill rate and the count of each failure over a supplier's PO lines."""
    judged: list[tuple[PoLineDelivery, OtifResult]] = []
    counts = dict.fromkeys((EARLY, LATE, SHORT, OVER, "otif", PENDING), 0)
    for line in lines:
        result = judge_line(line, as_of, tolerance)
        if not result.judged:
            counts[PENDING] += 1
            continue
        judged.append((line, result))
        for key in (result.timing, result.fullness):
            if key in counts:
                counts[key] += 1
        counts["otif"] += result.otif
    return SupplierScore(
        lines_judged=len(judged),
        otif_rate=_rate(counts["otif"], len(judged)),
        fill_rate=fill_rate(line for line, _ in judged),
        counts=counts,
    )
