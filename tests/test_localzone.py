"""Fireside follows the computer's time zone while it runs: after the zone changes, local
times read in the new one (stored UTC times are untouched), and a check with no change
says so. POSIX zone strings keep the test free of the tz database."""

from __future__ import annotations

import time

import pytest

from app import localzone
from app.text import timefmt

pytestmark = pytest.mark.skipif(not hasattr(time, "tzset"), reason="TZ is read by tzset")

STAMP = "2026-03-02T12:00:00Z"


@pytest.fixture
def zone(monkeypatch):
    """Set the process's zone (as the OS would), read back by the code under test; the
    zone before is read again afterwards."""

    def set_zone(spec: str) -> None:
        monkeypatch.setenv("TZ", spec)

    monkeypatch.setenv("TZ", "UTC0")
    time.tzset()
    yield set_zone
    monkeypatch.undo()
    time.tzset()


def test_a_changed_zone_is_followed_and_times_read_in_it(zone):
    follower = localzone.ZoneFollower()
    assert timefmt.exact(STAMP) == "Mon 2 Mar 2026, 12:00"
    zone("JST-9")
    assert timefmt.exact(STAMP) == "Mon 2 Mar 2026, 12:00"  # Python kept the old zone
    assert follower.changed() is True
    assert timefmt.exact(STAMP) == "Mon 2 Mar 2026, 21:00"
    assert localzone.zone_now() == ("JST", 9 * 3600.0)


def test_no_change_is_no_change(zone):
    follower = localzone.ZoneFollower()
    assert follower.changed() is False
    zone("UTC0")
    assert follower.changed() is False


def test_a_zone_with_summer_time_is_one_zone_all_year(zone):
    """Its rules name both seasons, whichever one it is now: a check across the change
    of season compares the same rules."""
    zone("CET-1CEST,M3.5.0,M10.5.0/3")
    time.tzset()
    follower = localzone.ZoneFollower()
    assert localzone.zone_rules() == (("CET", 3600.0), ("CEST", 7200.0))
    assert follower.changed() is False


def test_a_change_another_library_read_first_is_still_followed(zone):
    """Qt reads the zone again (tzset) whenever it works out a local time (a date picker
    opening): the change must still be seen, and said, at the next check."""
    follower = localzone.ZoneFollower()
    zone("JST-9")
    time.tzset()  # what QDateTime.currentDateTime() does
    assert follower.changed() is True
    assert follower.changed() is False
