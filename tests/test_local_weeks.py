"""The person's calendar weeks (app.localweeks) in Los Angeles, Sydney and UTC: which
Monday a moment belongs to (a Sunday 23:30 local is still that week), when each week
starts as a UTC instant, the 167- and 169-hour weeks across daylight-saving changes, a
Monday whose midnight never comes, and the OS's own zone when none is given."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.localweeks import last_mondays, monday_of, week_starts

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
SYDNEY = ZoneInfo("Australia/Sydney")
TEHRAN = ZoneInfo("Asia/Tehran")
ZONES = [LOS_ANGELES, SYDNEY, UTC]


def hours(span: timedelta) -> float:
    return span / timedelta(hours=1)


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_sunday_2330_local_is_the_end_of_its_week_and_monday_0000_starts_the_next(zone) -> None:
    sunday_night = datetime(2024, 4, 28, 23, 30, tzinfo=zone)
    monday_midnight = datetime(2024, 4, 29, 0, 0, tzinfo=zone)
    assert monday_of(sunday_night, zone) == date(2024, 4, 22)
    assert monday_of(monday_midnight, zone) == date(2024, 4, 29)
    assert week_starts(date(2024, 4, 29), zone) == monday_midnight


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        (LOS_ANGELES, datetime(2024, 4, 29, 7, 0, tzinfo=UTC)),  # PDT, UTC-7
        (SYDNEY, datetime(2024, 4, 28, 14, 0, tzinfo=UTC)),  # AEST, UTC+10: Sunday in UTC
        (UTC, datetime(2024, 4, 29, 0, 0, tzinfo=UTC)),
    ],
    ids=str,
)
def test_a_week_starts_at_local_midnight_as_a_utc_instant(zone, start: datetime) -> None:
    assert week_starts(date(2024, 4, 29), zone) == start
    # the same UTC moment is in different weeks in different places
    assert monday_of(start, zone) == date(2024, 4, 29)
    assert monday_of(start - timedelta(seconds=1), zone) == date(2024, 4, 22)


@pytest.mark.parametrize(
    ("zone", "monday", "length"),
    [
        (LOS_ANGELES, date(2024, 3, 4), 167),  # clocks forward Sunday 10 March
        (LOS_ANGELES, date(2024, 10, 28), 169),  # back Sunday 3 November
        (SYDNEY, date(2024, 9, 30), 167),  # forward Sunday 6 October
        (SYDNEY, date(2024, 4, 1), 169),  # back Sunday 7 April
        (UTC, date(2024, 3, 4), 168),
    ],
    ids=str,
)
def test_weeks_across_a_daylight_saving_change_have_their_real_length(
    zone, monday: date, length: int
) -> None:
    start, end = week_starts(monday, zone), week_starts(monday + timedelta(weeks=1), zone)
    assert hours(end - start) == length
    assert start.astimezone(zone).hour == end.astimezone(zone).hour == 0
    last_minute = end - timedelta(minutes=1)  # Sunday 23:59 local, after the change
    assert monday_of(last_minute, zone) == monday
    assert last_minute.astimezone(zone).strftime("%a %H:%M") == "Sun 23:59"


def test_a_monday_whose_midnight_never_comes_starts_at_the_change() -> None:
    # Tehran moved its clocks from 00:00 to 01:00 on Monday 22 March 2021
    start = week_starts(date(2021, 3, 22), TEHRAN)
    assert start == datetime(2021, 3, 21, 20, 30, tzinfo=UTC)
    assert start.astimezone(TEHRAN).strftime("%a %H:%M") == "Mon 01:00"
    assert monday_of(start - timedelta(seconds=1), TEHRAN) == date(2021, 3, 15)


def test_last_mondays_count_calendar_weeks_back_from_now() -> None:
    now = datetime(2024, 3, 11, 5, 0, tzinfo=UTC)  # Monday in UTC, Sunday 22:00 in LA
    assert last_mondays(now, 3, LOS_ANGELES) == [
        date(2024, 2, 19),
        date(2024, 2, 26),
        date(2024, 3, 4),
        date(2024, 3, 11),
    ]
    assert last_mondays(now, 1, UTC) == [date(2024, 3, 11), date(2024, 3, 18)]


@pytest.fixture
def os_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], ZoneInfo]]:
    """Sets the process's time zone (TZ) as the OS would; put back afterwards."""
    if not hasattr(time, "tzset"):
        pytest.skip("the OS time zone can be changed in-process only where time.tzset exists")

    def use(name: str) -> ZoneInfo:
        monkeypatch.setenv("TZ", name)
        time.tzset()
        return ZoneInfo(name)

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("monday", [date(2024, 4, 29), date(2024, 9, 30), date(2024, 4, 1)])
def test_without_a_zone_the_weeks_are_the_os_zones(os_zone, monday: date) -> None:
    zone = os_zone("Australia/Sydney")
    start = week_starts(monday)
    assert start == week_starts(monday, zone)
    assert monday_of(start) == monday
    assert monday_of(start - timedelta(seconds=1)) == monday - timedelta(weeks=1)


def test_without_a_zone_a_skipped_midnight_is_read_as_with_one(os_zone) -> None:
    zone = os_zone("Asia/Tehran")
    assert week_starts(date(2021, 3, 22)) == week_starts(date(2021, 3, 22), zone)
