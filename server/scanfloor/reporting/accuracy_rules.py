"""Pure rules of inventory record accuracy: did the system's quantity of an item in a bin
match what was counted there, within the item's tolerance. The tolerance test itself is the
counting rules' (counting/variance_rules.within_tolerance), so a count line and this KPI
never disagree about what "within tolerance" means."""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..counting.variance_rules import accuracy_weight, variance_value, within_tolerance
from .filter_rules import DATE_RANGE, NO_FILTERS, Filters, breakdown, select
from .stats_rules import ZERO, rate, two

ACCURACY_FILTERS = (DATE_RANGE, "warehouse", "zone", "abc_class", "worker")
ACCURACY_BREAKDOWNS = ("location", "zone", "abc_class", "item", "worker")


@dataclass(frozen=True)
class CountRecord:
    """One counted location x item record: the first count of it (before any recount), the
    system quantity when it was counted, and the tolerance of the item's count class."""

    counted_on: date
    warehouse: str
    location: str
    zone: str | None
    abc_class: str | None
    item: str
    worker: str | None
    system_qty: int
    counted_qty: int
    tolerance_units: int
    tolerance_value: Decimal
    unit_value: Decimal | None  # the item's unit cost when counted; None: never costed

    @property
    def within(self) -> bool:
        variance = self.counted_qty - self.system_qty
        return within_tolerance(variance, variance_value(variance, self.unit_value), self)

    @property
    def weight(self) -> Decimal:
        """The value at stake (counting/variance_rules.accuracy_weight)."""
        return accuracy_weight(self.system_qty, self.counted_qty, self.unit_value)


@dataclass(frozen=True)
class Accuracy:
    """One row of the accuracy report (label None: the records with no value for the
    breakdown, or the total)."""

    label: str | None
    records: int
    matched: int
    rate: Decimal | None
    value_counted: Decimal
    value_matched: Decimal
    value_rate: Decimal | None


def _accuracy(label: str | None, records: list[CountRecord]) -> Accuracy:
    matched = [r for r in records if r.within]
    with decimal.localcontext() as ctx:
        ctx.prec = 34
        value_counted = sum((r.weight for r in records), ZERO)
        value_matched = sum((r.weight for r in matched), ZERO)
    return Accuracy(
        label=label,
        records=len(records),
        matched=len(matched),
        rate=rate(len(matched), len(records)),
        value_counted=two(value_counted),
        value_matched=two(value_matched),
        value_rate=rate(value_matched, value_counted),
    )


def inventory_record_accuracy(
    counts: Iterable[CountRecord], filters: Filters = NO_FILTERS, by: str | None = None
) -> tuple[list[Accuracy], Accuracy]:
    """Inventory record accuracy: of the location x item records counted in the period, the
    share whose system quantity matched the count within the item's tolerance.

    A record is the first count of an item in a bin (a recount does not get a second
    chance). It matched when the difference between counted and system units is within the
    tolerance of the item's count class: no more units than the class allows, and, when the
    item has a cost, no more value than the class allows.

    Accuracy = matched records / records counted.
    Value-weighted accuracy = value of the matched records / value of the records counted,
    where a record's value is the larger of its system and counted quantity at the item's
    unit cost (an empty bin where stock was found still weighs). Items never costed weigh
    nothing in the value-weighted figure.

    The date range selects records counted in it. Breakdown by location, zone, ABC class,
    item or worker; none when nothing was counted."""
    chosen = select(counts, filters, ACCURACY_FILTERS, lambda r: r.counted_on)
    rows = [
        _accuracy(label, records)
        for label, records in breakdown(chosen, by, ACCURACY_BREAKDOWNS).items()
    ]
    return (rows if by else []), _accuracy(None, chosen)
