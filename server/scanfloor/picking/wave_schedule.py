"""Pure rules of the wave schedule (SCANFLOOR_WAVE_SCHEDULE): when a channel's wave is due.

Format: entries separated by commas, each `CHANNEL=WHEN[|MODE]`:
- WHEN `*/N`: every N minutes (1-1440) from midnight UTC (*/30: 00:00, 00:30, ...);
- WHEN `HH:MM[;HH:MM...]`: at those times of day, UTC;
- MODE: single | cluster | zone (default cluster).
Example: `WEB=*/30|cluster,MARKET=09:00;13:00|single`. Blank: no schedule.

A wave is due at the latest slot at or before now; each (channel, warehouse, slot) releases
at most once (the release runs as a command keyed by the slot), so running the scheduler
every minute, or twice by mistake, releases each slot once. A missed slot is superseded by
the next one: its orders go in that wave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

# Times of day and their slots are shared with the purchasing schedule (one reading of HH:MM).
from ..schedule_slots import ScheduleError as ScheduleError  # re-exported: callers catch it here
from ..schedule_slots import as_utc_moment, latest_time_slot, parse_times

MODES = ("single", "cluster", "zone")
DEFAULT_MODE = "cluster"


@dataclass(frozen=True)
class ChannelSchedule:
    channel: str
    every_minutes: int | None = None
    times: tuple[time, ...] = ()
    mode: str = DEFAULT_MODE

    def latest_slot(self, now: datetime) -> datetime:
        """The latest slot at or before `now` (UTC)."""
        now = as_utc_moment(now)
        if self.every_minutes is not None:
            midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
            minutes = (now - midnight) // timedelta(minutes=1)
            return midnight + timedelta(minutes=minutes - minutes % self.every_minutes)
        return latest_time_slot(self.times, now)


def _when(channel: str, raw: str) -> tuple[int | None, tuple[time, ...]]:
    if raw.startswith("*/"):
        n = raw[2:]
        if not n.isdigit() or not 1 <= int(n) <= 1440:
            raise ScheduleError(f"{channel}: */N takes N minutes, 1 to 1440 (got {raw!r})")
        return int(n), ()
    return None, parse_times(channel, raw)


def parse_schedule(text: str) -> list[ChannelSchedule]:
    """The entries of a schedule (module docstring); ScheduleError names a bad one."""
    out: list[ChannelSchedule] = []
    seen: set[str] = set()
    for entry in text.split(","):
        entry = entry.strip()
        if not entry:
            continue
        channel, sep, rest = entry.partition("=")
        channel = channel.strip().upper()
        if not sep or not channel or not rest.strip():
            raise ScheduleError(f"entries are CHANNEL=WHEN[|MODE] (got {entry!r})")
        if channel in seen:
            raise ScheduleError(f"{channel}: named twice")
        seen.add(channel)
        when, _, mode = rest.strip().partition("|")
        mode = mode.strip().lower() or DEFAULT_MODE
        if mode not in MODES:
            raise ScheduleError(f"{channel}: mode is single, cluster or zone (got {mode!r})")
        every, times = _when(channel, when.strip())
        out.append(ChannelSchedule(channel, every, times, mode))
    return out
