"""Pure rules shared by the schedules read from settings (waves: picking/wave_schedule.py;
purchase suggestions: purchasing/suggest_schedule.py): times of day written `HH:MM`
separated by ';', UTC, and the slot due at a moment: the latest one at or before it
(yesterday's last when today's first has not come yet)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta


class ScheduleError(ValueError):
    """A schedule that cannot be read; the message says which entry and why."""


def parse_times(label: str, raw: str) -> tuple[time, ...]:
    """`HH:MM[;HH:MM...]` -> the times, sorted, once each; errors start with `label`."""
    times = []
    for part in raw.split(";"):
        hh, sep, mm = part.strip().partition(":")
        if not (sep and hh.isdigit() and mm.isdigit() and len(mm) == 2):
            raise ScheduleError(f"{label}: times are HH:MM separated by ';' (got {part!r})")
        if not (0 <= int(hh) <= 23 and 0 <= int(mm) <= 59):
            raise ScheduleError(f"{label}: {part!r} is not a time of day")
        times.append(time(int(hh), int(mm)))
    return tuple(sorted(set(times)))


def as_utc_moment(now: datetime) -> datetime:
    """An aware moment in UTC (a naive one is taken as UTC already)."""
    return now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)


def latest_time_slot(times: Sequence[time], now: datetime) -> datetime:
    """The latest of the daily `times` at or before `now` (UTC); needs at least one time."""
    now = as_utc_moment(now)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = [datetime.combine(midnight.date(), t, tzinfo=UTC) for t in times]
    past = [s for s in today if s <= now]
    if past:
        return max(past)
    return max(today) - timedelta(days=1)
