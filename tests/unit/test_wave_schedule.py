"""SCANFLOOR_WAVE_SCHEDULE (picking/wave_schedule.py): reading it, and which slot is due."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from scanfloor.picking.wave_schedule import ChannelSchedule, ScheduleError, parse_schedule


def test_a_schedule_reads_intervals_times_and_modes():
    got = parse_schedule(" web=*/30|cluster , MARKET=13:00;09:00|Single,b2b=06:15 ")

    assert got == [
        ChannelSchedule("WEB", 30, (), "cluster"),
        ChannelSchedule("MARKET", None, (time(9, 0), time(13, 0)), "single"),
        ChannelSchedule("B2B", None, (time(6, 15),), "cluster"),
    ]


def test_a_blank_schedule_has_no_entries():
    assert parse_schedule("") == []
    assert parse_schedule(" , ,") == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("WEB", "CHANNEL=WHEN"),
        ("=*/5", "CHANNEL=WHEN"),
        ("WEB=", "CHANNEL=WHEN"),
        ("WEB=*/0", "1 to 1440"),
        ("WEB=*/1441", "1 to 1440"),
        ("WEB=*/x", "1 to 1440"),
        ("WEB=9", "HH:MM"),
        ("WEB=09:5", "HH:MM"),
        ("WEB=24:00", "not a time of day"),
        ("WEB=10:60", "not a time of day"),
        ("WEB=*/5|wave", "single, cluster or zone"),
        ("WEB=*/5,web=10:00", "named twice"),
    ],
)
def test_a_schedule_that_cannot_be_read_names_the_entry_and_why(text, says):
    with pytest.raises(ScheduleError) as err:
        parse_schedule(text)

    assert says in str(err.value)


def test_an_interval_is_due_at_its_latest_slot_from_midnight_utc():
    every = ChannelSchedule("WEB", every_minutes=30)

    assert every.latest_slot(datetime(2030, 1, 1, 10, 29, 59, tzinfo=UTC)) == datetime(
        2030, 1, 1, 10, 0, tzinfo=UTC
    )
    assert every.latest_slot(datetime(2030, 1, 1, 10, 30, tzinfo=UTC)) == datetime(
        2030, 1, 1, 10, 30, tzinfo=UTC
    )


def test_an_interval_that_does_not_divide_the_day_restarts_at_midnight():
    every = ChannelSchedule("WEB", every_minutes=7 * 60)

    assert every.latest_slot(datetime(2030, 1, 2, 0, 30, tzinfo=UTC)) == datetime(
        2030, 1, 2, 0, 0, tzinfo=UTC
    )
    assert every.latest_slot(datetime(2030, 1, 1, 23, 0, tzinfo=UTC)) == datetime(
        2030, 1, 1, 21, 0, tzinfo=UTC
    )


def test_times_of_day_are_due_at_the_latest_past_one_or_yesterdays_last():
    times = ChannelSchedule("MARKET", times=(time(9, 0), time(13, 0)))

    assert times.latest_slot(datetime(2030, 1, 1, 12, 59, tzinfo=UTC)) == datetime(
        2030, 1, 1, 9, 0, tzinfo=UTC
    )
    assert times.latest_slot(datetime(2030, 1, 1, 13, 0, tzinfo=UTC)) == datetime(
        2030, 1, 1, 13, 0, tzinfo=UTC
    )
    assert times.latest_slot(datetime(2030, 1, 1, 8, 0, tzinfo=UTC)) == datetime(
        2029, 12, 31, 13, 0, tzinfo=UTC
    )


def test_a_local_or_naive_now_is_read_in_utc():
    times = ChannelSchedule("MARKET", times=(time(9, 0),))
    paris = timezone(timedelta(hours=1))

    # 09:30 in Paris is 08:30 UTC: today's 09:00 UTC slot has not come yet.
    assert times.latest_slot(datetime(2030, 1, 1, 9, 30, tzinfo=paris)) == datetime(
        2029, 12, 31, 9, 0, tzinfo=UTC
    )
    assert times.latest_slot(datetime(2030, 1, 1, 9, 30)) == datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
