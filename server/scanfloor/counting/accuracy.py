"""Inventory accuracy, for reporting: of the bins' first counts, how many matched.

A line counted is an attempt-1 count line (the first count, before any recount) of a task
whose first count was finished (not still open, nor cancelled before it was finished),
counted in [date_from, date_to] (UTC days, both included). It matched when it was within
tolerance (count_lines.within_tolerance: the class's units AND value tolerance). Accuracy is
matched / counted; value accuracy weighs each line by variance_rules.accuracy_weight (the
larger of the booked and counted quantity at cost; lines of unknown value weigh nothing).
Grouped by bin, by zone (the bin's parent) or by ABC class (the class the line was counted
under).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, bindparam, not_, select

from ..catalog.models import Location
from ..errors import ValidationFailed
from ..extensions import db
from .models import CountLine, CountTask
from .variance_rules import accuracy_weight

GROUPINGS = ("location", "zone", "class")
_CL = CountLine.__table__
_CT = CountTask.__table__
_LOC = Location.__table__
_ZONE = _LOC.alias("zone")
_CENT = Decimal("0.01")
_RATIO = Decimal("0.0001")

_FIRST_COUNTS = (
    select(
        _CL.c.location_id,
        _LOC.c.code,
        _LOC.c.parent_id,
        _ZONE.c.code.label("zone_code"),
        _CL.c.abc_class,
        _CL.c.within_tolerance,
        _CL.c.system_qty,
        _CL.c.counted_qty,
        _CL.c.unit_value,
    )
    .join(_CT, _CT.c.id == _CL.c.task_id)
    .join(_LOC, _LOC.c.id == _CL.c.location_id)
    .join(_ZONE, _ZONE.c.id == _LOC.c.parent_id, isouter=True)
    .where(
        _CL.c.warehouse_id == bindparam("wh"),
        _CL.c.attempt == 1,
        _CL.c.counted_at >= bindparam("start"),
        _CL.c.counted_at < bindparam("end"),
        _CT.c.status != "open",
        # A task cancelled during its recount had its first count finished.
        not_(and_(_CT.c.status == "cancelled", _CT.c.attempt == 1)),
    )
)


@dataclass(frozen=True)
class AccuracyRow:
    key: str
    label: str
    counted: int
    matched: int
    accuracy: Decimal | None  # matched / counted, 4 places; None when nothing counted
    value_counted: Decimal
    value_matched: Decimal
    value_accuracy: Decimal | None


@dataclass(frozen=True)
class Accuracy:
    by: str
    rows: list[AccuracyRow]
    total: AccuracyRow


@dataclass
class _Sum:
    label: str
    counted: int = 0
    matched: int = 0
    value_counted: Decimal = Decimal(0)
    value_matched: Decimal = Decimal(0)

    def add(self, matched: bool, weight: Decimal) -> None:
        self.counted += 1
        self.value_counted += weight
        if matched:
            self.matched += 1
            self.value_matched += weight

    def row(self, key: str) -> AccuracyRow:
        return AccuracyRow(
            key=key,
            label=self.label,
            counted=self.counted,
            matched=self.matched,
            accuracy=_ratio(Decimal(self.matched), Decimal(self.counted)),
            value_counted=self.value_counted.quantize(_CENT, ROUND_HALF_UP),
            value_matched=self.value_matched.quantize(_CENT, ROUND_HALF_UP),
            value_accuracy=_ratio(self.value_matched, self.value_counted),
        )


def accuracy(warehouse_id: int, date_from: date, date_to: date, by: str = "location") -> Accuracy:
    """First-count accuracy of the warehouse over the days, per bin, zone or class."""
    if by not in GROUPINGS:
        raise ValidationFailed("unknown grouping", {"by": by, "allowed": list(GROUPINGS)})
    if date_to < date_from:
        raise ValidationFailed("the period ends before it starts", {"from": str(date_from)})
    start = datetime.combine(date_from, time.min, tzinfo=UTC)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=UTC)
    groups: dict[str, _Sum] = {}
    total = _Sum("total")
    for r in db.session.execute(_FIRST_COUNTS, {"wh": warehouse_id, "start": start, "end": end}):
        if by == "location":
            key, label = str(r.location_id), str(r.code)
        elif by == "zone":
            key = "" if r.parent_id is None else str(r.parent_id)
            label = str(r.zone_code or "(no zone)")
        else:
            key = label = str(r.abc_class)
        weight = accuracy_weight(int(r.system_qty), int(r.counted_qty), r.unit_value)
        matched = bool(r.within_tolerance)
        groups.setdefault(key, _Sum(label)).add(matched, weight)
        total.add(matched, weight)
    rows = [g.row(k) for k, g in sorted(groups.items(), key=lambda kv: (kv[1].label, kv[0]))]
    return Accuracy(by=by, rows=rows, total=total.row("total"))


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part / whole).quantize(_RATIO, ROUND_HALF_UP)
