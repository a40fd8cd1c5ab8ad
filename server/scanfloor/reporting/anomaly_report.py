"""Runners of the anomaly flags (report_service.py): unusual adjustments, scraps and count
losses per location, worker and item, and repeated small losses at one location.

The records are the stock changes of the daily facts, read as the shrink trend reads them
(stock_report.py: one query, narrowed in SQL by warehouse, zone and date); the rules
(anomaly_rules.py) decide what is flagged. Each flag is one row, labelled with its subject
(`location WH1-A-01: count losses`), carrying the numbers that raised it, its fingerprint
(ack_rules.py) and, once someone looked into it, who acknowledged it, when and their note.
Its drill-down is the changes that made it.

Peers (who a member is compared with): every location, worker or item with a count,
adjustment or scrap of any kind in the period and the filters, so a member that only had
gains, or only another kind of change, counts with 0 in a family. Members with no stock
change at all are not compared: nothing says they were looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from .ack_rules import (
    flag_changes,
    pattern_fingerprint,
    pattern_subject,
    unusual_fingerprint,
    unusual_subject,
)
from .ack_service import AckView, acks_for
from .anomaly_rules import (
    ANOMALY_DIMENSIONS,
    FAMILIES,
    MIN_POPULATION,
    PatternFlag,
    UnusualFlag,
    repeated_small_losses,
    unusual_losses,
)
from .filter_rules import Filters
from .report_service import DATE, DECIMAL, INTEGER, TEXT, Column, Report, Row, kpi_by_id, runner
from .stats_rules import THRESHOLD
from .stock_report import stock_changes
from .stock_rules import StockChange

ACK_COLUMNS = (
    Column("subject", "Flag", TEXT),
    Column("fingerprint", "Fingerprint", TEXT),
    Column("acknowledged_by", "Acknowledged by", TEXT),
    Column("acknowledged_at", "Acknowledged at", TEXT),
    Column("ack_note", "Note", TEXT),
)
UNUSUAL_COLUMNS = (
    Column("dimension", "Per", TEXT),
    Column("member", "Who or where", TEXT),
    Column("family", "Kind of loss", TEXT),
    Column("units", "Units", INTEGER),
    Column("events", "Changes", INTEGER),
    Column("population", "Compared with", INTEGER),
    Column("median", "Median", DECIMAL),
    Column("mad", "MAD", DECIMAL),
    Column("mean_ad", "Mean absolute deviation", DECIMAL),
    Column("method", "Scaled by", TEXT),
    Column("score", "Modified z-score", DECIMAL),
    Column("threshold", "Threshold", DECIMAL),
    *ACK_COLUMNS,
)
PATTERN_COLUMNS = (
    Column("location", "Location", TEXT),
    Column("first_day", "First loss", DATE),
    Column("last_day", "Last loss", DATE),
    Column("losses", "Losses", INTEGER),
    Column("units_lost", "Units lost", INTEGER),
    Column("small_at_most", "Small: units at most", DECIMAL),
    Column("min_losses", "Days needed", INTEGER),
    Column("window_days", "Within days", INTEGER),
    *ACK_COLUMNS,
)


def _ack_cells(subject: str, fingerprint: str, ack: AckView | None) -> dict[str, Any]:
    """What the console acknowledges a flag with (subject, fingerprint), and the
    acknowledgement once there is one."""
    return {
        "subject": subject,
        "fingerprint": fingerprint,
        "acknowledged_by": None if ack is None else ack.acked_by_username,
        "acknowledged_at": None if ack is None else ack.acked_at.isoformat(),
        "ack_note": None if ack is None else ack.note,
    }


def _peers(changes: Sequence[StockChange], filters: Filters, dimension: str) -> list[str]:
    """Every member with a stock change of any kind in the period (module docstring)."""
    found = {getattr(c, dimension) for c in changes if filters.in_range(c.on)}
    return sorted(m for m in found if m is not None)


def _ack_notes(acks: dict[str, AckView], flags: int) -> list[str]:
    return [f"{flags} flag(s), {len(acks)} acknowledged"]


def _unusual_cells(f: UnusualFlag) -> dict[str, Any]:
    return {
        "dimension": f.dimension, "member": f.member, "family": f.family, "units": f.units,
        "events": f.events, "population": f.population, "median": f.median, "mad": f.mad,
        "mean_ad": f.mean_ad, "method": f.method, "score": f.score, "threshold": f.threshold,
    }  # fmt: skip


@runner("unusual_losses")
def unusual_losses_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Unusual losses per location, worker and item (or only the one `by` names), in each
    family: adjustments, scraps, count losses."""
    changes = stock_changes(filters)
    flags: list[tuple[UnusualFlag, list[StockChange]]] = []
    for dimension in (by,) if by else ANOMALY_DIMENSIONS:
        peers = _peers(changes, filters, dimension)
        for family in FAMILIES:
            for flag in unusual_losses(changes, dimension, family, filters, peers):
                behind = [c for c in flag_changes(flag, changes) if filters.in_range(c.on)]
                flags.append((flag, behind))
    flags.sort(key=lambda fc: (-fc[0].score, unusual_subject(fc[0])))
    prints = [unusual_fingerprint(f, behind) for f, behind in flags]
    acks = acks_for(prints)
    rows = tuple(
        Row(
            unusual_subject(f),
            {**_unusual_cells(f), **_ack_cells(unusual_subject(f), p, acks.get(p))},
        )
        for (f, _), p in zip(flags, prints, strict=True)
    )
    notes = [
        *_ack_notes(acks, len(flags)),
        f"a member is compared with every {' / '.join((by,) if by else ANOMALY_DIMENSIONS)} "
        f"that had a count, adjustment or scrap in the period; fewer than {MIN_POPULATION} "
        f"to compare is too few to judge; flagged above a modified z-score of {THRESHOLD}",
    ]
    return Report(
        kpi=kpi_by_id("unusual_losses"),
        filters=filters,
        by=by,
        as_of=as_of,
        columns=UNUSUAL_COLUMNS,
        rows=rows,
        total=None,
        notes=tuple(notes),
        records=tuple((unusual_subject(f), c) for f, behind in flags for c in behind),
    )


def _pattern_cells(flag: PatternFlag) -> dict[str, Any]:
    return {
        "location": flag.location, "first_day": flag.first_day, "last_day": flag.last_day,
        "losses": len(flag.losses), "units_lost": sum(-c.units for c in flag.losses),
        "small_at_most": flag.small_at_most, "min_losses": flag.min_losses,
        "window_days": flag.window_days,
    }  # fmt: skip


@runner("repeated_small_losses")
def repeated_small_losses_report(filters: Filters, by: str | None, as_of: date) -> Report:
    """Locations that lost small amounts again and again (one row per flagged location)."""
    flags = repeated_small_losses(stock_changes(filters), filters)
    prints = [pattern_fingerprint(f) for f in flags]
    acks = acks_for(prints)
    rows = tuple(
        Row(f.location, {**_pattern_cells(f), **_ack_cells(pattern_subject(f), p, acks.get(p))})
        for f, p in zip(flags, prints, strict=True)
    )
    return Report(
        kpi=kpi_by_id("repeated_small_losses"),
        filters=filters,
        by=by,
        as_of=as_of,
        columns=PATTERN_COLUMNS,
        rows=rows,
        total=None,
        notes=tuple(_ack_notes(acks, len(flags))),
        records=tuple((f.location, c) for f in flags for c in f.losses),
    )
