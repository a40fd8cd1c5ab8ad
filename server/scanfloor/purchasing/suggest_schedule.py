"""When scheduled suggestion runs are due (SCANFLOOR_PURCHASING_SCHEDULE), pure.

Format: times of day, UTC, `HH:MM[;HH:MM...]` (read by the rules the wave schedule uses,
schedule_slots.py). Blank: no schedule, runs by hand only. `scanfloor purchasing suggest
--scheduled`, from cron every few minutes, runs the latest slot at or before now once: the
run is keyed by the slot (suggestion_runs.slot is unique), so a second call for the same
slot does nothing and a missed slot is superseded by the next. A run over one warehouse
has a slot of its own (`...@<warehouse id>`), so each warehouse's scheduled run is once too.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from ..schedule_slots import ScheduleError, latest_time_slot, parse_times

SETTING = "SCANFLOOR_PURCHASING_SCHEDULE"


def parse_purchasing_schedule(text: str) -> tuple[time, ...]:
    """The schedule's times, sorted; () when blank; ScheduleError says what is wrong."""
    if not text.strip():
        return ()
    return parse_times(SETTING, text.strip())


def due_slot(times: tuple[time, ...], now: datetime) -> datetime | None:
    """The slot due at `now` (the latest at or before it, UTC); None without a schedule."""
    return latest_time_slot(times, now) if times else None


def slot_key(slot: datetime, warehouse_id: int | None = None) -> str:
    """The run's key for a slot: `purchasing:YYYY-MM-DDTHH:MMZ[@warehouse]` (<= 40 chars)."""
    key = f"purchasing:{slot.astimezone(UTC):%Y-%m-%dT%H:%MZ}"
    return key if warehouse_id is None else f"{key}@{warehouse_id}"


__all__ = ["SETTING", "ScheduleError", "due_slot", "parse_purchasing_schedule", "slot_key"]
