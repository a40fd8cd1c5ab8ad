"""Return disposition time and the uninspected queue's age (reporting/returns_rules.py):
nearest-rank hours from arrival to final disposition, and how long returned units have
waited for inspection (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from scanfloor.reporting.filter_rules import Filters
from scanfloor.reporting.returns_rules import (
    ReturnRecord,
    return_disposition_time,
    uninspected_queue_age,
)


def at(day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


NOW = at(7)

RETURNS = [
    ReturnRecord("WEB", "WH1", at(2), at(2, 12), 0),  # 4 hours
    ReturnRecord("WEB", "WH1", at(2), at(4), 0),  # 48 hours
    ReturnRecord("AMZ", "WH1", at(3), at(3, 9, 30), 0),  # 1.5 hours
    ReturnRecord("AMZ", "WH1", at(3), None, 1, cancelled=True),  # cancelled: left out
    ReturnRecord("WEB", "WH1", at(5), None, 3),  # waiting since Mar 5 08:00: 48 hours
    ReturnRecord("AMZ", "WH1", None, None, 0),  # authorised, nothing arrived
    ReturnRecord("AMZ", "WH1", at(1), None, 2),  # waiting since Mar 1 08:00: 144 hours
    ReturnRecord("WEB", "WH1", at(6, 20), None, 1),  # waiting since Mar 6 20:00: 12 hours
]


def test_disposition_time_runs_from_arrival_to_the_last_unit_disposed():
    _rows, total = return_disposition_time(RETURNS)
    # 1.5, 4, 48 hours: p50 rank ceil(1.5) = 2 -> 4; p90 rank ceil(2.7) = 3 -> 48.
    d = total.durations
    assert (d.count, d.p50_hours, d.p90_hours) == (3, Decimal("4.00"), Decimal("48.00"))


def test_disposition_time_by_channel_counts_returns_completed_in_the_period():
    rows, _total = return_disposition_time(RETURNS, by="channel")
    assert [(r.label, r.durations.count, r.durations.p50_hours) for r in rows] == [
        ("AMZ", 1, Decimal("1.50")),
        ("WEB", 2, Decimal("4.00")),  # 4, 48: rank 1
    ]
    mar4 = Filters(date_from=date(2026, 3, 4), date_to=date(2026, 3, 4))
    assert return_disposition_time(RETURNS, mar4)[1].durations.count == 1  # the 48-hour one


def test_a_period_with_no_completed_return_has_no_disposition_time():
    april = Filters(date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    _rows, total = return_disposition_time(RETURNS, april)
    assert (total.durations.count, total.durations.p50_hours) == (0, None)


def test_the_uninspected_queue_shows_its_units_and_the_oldest_p50_and_p90_wait():
    _rows, total = uninspected_queue_age(RETURNS, NOW)
    # waits 12, 48, 144 hours: oldest 144; p50 rank 2 -> 48; p90 rank 3 -> 144.
    # units 3 + 2 + 1; the cancelled return's unit and the one not arrived are not queued.
    assert (total.returns, total.units) == (3, 6)
    assert (total.oldest_hours, total.p50_hours, total.p90_hours) == (
        Decimal("144.00"),
        Decimal("48.00"),
        Decimal("144.00"),
    )


def test_the_uninspected_queue_per_channel():
    rows, _total = uninspected_queue_age(RETURNS, NOW, by="channel")
    got = [(r.label, r.returns, r.units, r.oldest_hours, r.p50_hours) for r in rows]
    assert got == [
        ("AMZ", 1, 2, Decimal("144.00"), Decimal("144.00")),
        ("WEB", 2, 4, Decimal("48.00"), Decimal("12.00")),  # 12, 48: p50 rank 1
    ]


def test_an_empty_queue_has_no_age_and_a_return_from_the_future_waits_0_hours():
    _rows, empty = uninspected_queue_age(RETURNS[:3], NOW)
    assert (empty.returns, empty.units, empty.oldest_hours, empty.p50_hours) == (0, 0, None, None)
    future = [ReturnRecord("WEB", "WH1", at(8), None, 1)]
    assert uninspected_queue_age(future, NOW)[1].oldest_hours == Decimal("0.00")
