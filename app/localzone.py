"""Following the computer's time zone while Fireside runs.

Python reads the OS's zone once, when it first converts a time, and keeps it: on a
laptop that lands in another zone, every local time Fireside shows (in the inbox, a
thread, a snooze, a scheduled send, the scorecard's weeks) would stay in the old one
until a restart. :func:`follow_os_zone` reads the zone again (``time.tzset``, which looks
at ``TZ`` and ``/etc/localtime`` on Linux and macOS; the C runtime's own ``_tzset`` on
Windows, whose ``localtime`` Python's conversions go through) and says whether it
changed. Stored times are UTC and never change; only how they read does.
"""

from __future__ import annotations

import contextlib
import sys
import time
from datetime import datetime


def zone_now() -> tuple[str, float]:
    """The local zone's abbreviation and UTC offset in seconds, as of now."""
    local = datetime.now().astimezone()
    offset = local.utcoffset()
    return local.tzname() or "local time", offset.total_seconds() if offset else 0.0


def follow_os_zone() -> bool:
    """Read the OS's time zone again; True when it differs from the one read before."""
    before = zone_now()
    _read_again()
    return zone_now() != before


def _read_again() -> None:
    if hasattr(time, "tzset"):
        time.tzset()
    elif sys.platform == "win32":  # pragma: no cover - no Windows machine runs the suite
        import ctypes

        # An older C runtime without it: times follow the zone after a restart, as before.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("ucrtbase")._tzset()
