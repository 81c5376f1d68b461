"""Following the computer's time zone while Fireside runs.

Python reads the OS's zone once, when it first converts a time, and keeps it: on a
laptop that lands in another zone, every local time Fireside shows (in the inbox, a
thread, a snooze, a scheduled send, the scorecard's weeks) would stay in the old one
until a restart. :meth:`ZoneFollower.changed` reads the zone again (``time.tzset``, which
looks at ``TZ`` and ``/etc/localtime`` on Linux and macOS; the C runtime's own ``_tzset``
on Windows, whose ``localtime`` Python's conversions go through) and says whether it
differs from the zone it read last. Stored times are UTC and never change; only how they
read does.

It compares with the zone it read itself, not with the process's just before reading:
Qt reads the zone again whenever it works out a local time (a date picker opening), and
a change it read first would otherwise pass unseen. A zone is told apart by its names and
offsets on 1 January and 1 July, so summer time starting or ending is no change.
"""

from __future__ import annotations

import contextlib
import sys
import time
from datetime import date, datetime


def today() -> date:
    """The local date now (what "today", "tomorrow" and a weekday name are relative to)."""
    return datetime.now().astimezone().date()


def zone_now() -> tuple[str, float]:
    """The local zone's abbreviation and UTC offset in seconds, as of now."""
    return _named(datetime.now().astimezone())


def _named(local: datetime) -> tuple[str, float]:
    offset = local.utcoffset()
    return local.tzname() or "local time", offset.total_seconds() if offset else 0.0


def zone_rules() -> tuple[tuple[str, float], ...]:
    """What tells the local zone from another, the same in summer and winter: its
    abbreviation and UTC offset on this year's 1 January and 1 July."""
    year = datetime.now().year
    return tuple(_named(datetime(year, month, 1).astimezone()) for month in (1, 7))


class ZoneFollower:
    """The OS's time zone as this follower last read it."""

    def __init__(self) -> None:
        self._rules = zone_rules()

    def changed(self) -> bool:
        """Read the OS's time zone again; True when it differs from the one read before."""
        _read_again()
        rules = zone_rules()
        changed, self._rules = rules != self._rules, rules
        return changed


def _read_again() -> None:
    if hasattr(time, "tzset"):
        time.tzset()
    elif sys.platform == "win32":  # pragma: no cover - no Windows machine runs the suite
        import ctypes

        # An older C runtime without it: times follow the zone after a restart, as before.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("ucrtbase")._tzset()
