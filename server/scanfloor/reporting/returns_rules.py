"""Pure returns rules: how long a return takes from arrival to its final disposition, and how
old the queue of returned units still waiting for inspection is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .filter_rules import DATE_RANGE, NO_FILTERS, Filters, breakdown, select
from .stats_rules import Durations, durations, hours, percentile, seconds_between

RETURNS_FILTERS = (DATE_RANGE, "warehouse", "channel")
RETURNS_BREAKDOWNS = ("channel", "warehouse")
QUEUE_FILTERS = ("warehouse", "channel")


@dataclass(frozen=True)
class ReturnRecord:
    """One return (RMA): when its first unit arrived, when every received unit had its final
    disposition (the RMA completed), and the units received but not yet inspected."""

    channel: str
    warehouse: str
    arrived_at: datetime | None
    completed_at: datetime | None
    awaiting_units: int
    cancelled: bool = False


@dataclass(frozen=True)
class DispositionTime:
    label: str | None
    durations: Durations


def return_disposition_time(
    returns: Iterable[ReturnRecord], filters: Filters = NO_FILTERS, by: str | None = None
) -> tuple[list[DispositionTime], DispositionTime]:
    """Return disposition time: hours from a return's arrival (its first unit received) to
    its final disposition (every received unit inspected and sent to stock, quarantine,
    refurbishment, the vendor or scrap), as p50 and p90 (nearest rank).

    Cancelled returns are left out. The date range selects returns completed in it. By
    channel or warehouse; none when no return was completed."""
    done = [
        r
        for r in select(returns, filters, RETURNS_FILTERS, lambda r: r.completed_at)
        if not r.cancelled and r.arrived_at is not None and r.completed_at is not None
    ]

    def row(label: str | None, group: list[ReturnRecord]) -> DispositionTime:
        spans = [
            (r.arrived_at, r.completed_at)
            for r in group
            if r.arrived_at is not None and r.completed_at is not None
        ]
        return DispositionTime(label, durations(spans))

    rows = [row(k, g) for k, g in breakdown(done, by, RETURNS_BREAKDOWNS).items()] if by else []
    return rows, row(None, done)


@dataclass(frozen=True)
class QueueAge:
    """The uninspected queue on a moment: returns and units waiting, the oldest wait and the
    p50 and p90 (nearest rank) of the waits, in hours (None when the queue is empty)."""

    label: str | None
    returns: int
    units: int
    oldest_hours: Decimal | None
    p50_hours: Decimal | None
    p90_hours: Decimal | None


def uninspected_queue_age(
    returns: Iterable[ReturnRecord],
    now: datetime,
    filters: Filters = NO_FILTERS,
    by: str | None = None,
) -> tuple[list[QueueAge], QueueAge]:
    """Uninspected returns queue age: of the returns with units received but not yet
    inspected, how many and how long they have waited since their first unit arrived: the
    oldest, p50 and p90 (nearest rank), in hours, one wait per return.

    A snapshot of the moment, so no date range. A return that arrived after that moment (two
    clocks disagree) waits 0 hours. By channel or warehouse."""
    queue = [
        r
        for r in select(returns, filters, QUEUE_FILTERS, lambda r: None)
        if not r.cancelled and r.awaiting_units > 0 and r.arrived_at is not None
    ]

    def row(label: str | None, group: list[ReturnRecord]) -> QueueAge:
        waits = [
            max(0, seconds_between(r.arrived_at, now)) for r in group if r.arrived_at is not None
        ]
        oldest, p50, p90 = (percentile(waits, p) for p in (100, 50, 90))
        return QueueAge(
            label=label,
            returns=len(group),
            units=sum(r.awaiting_units for r in group),
            oldest_hours=None if oldest is None else hours(oldest),
            p50_hours=None if p50 is None else hours(p50),
            p90_hours=None if p90 is None else hours(p90),
        )

    rows = [row(k, g) for k, g in breakdown(queue, by, RETURNS_BREAKDOWNS).items()] if by else []
    return rows, row(None, queue)
