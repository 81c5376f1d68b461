"""The person's calendar weeks: from Monday 00:00 to the next Monday 00:00 on their own
clock, as the UTC instants the store keeps. A week is named by its Monday's local date.

The zone is the OS's unless one is given (``zone=None``): Python then converts through the
system's own rules (``datetime.astimezone()`` and naive local times), so no zone name has
to be found. Dates are counted on the local calendar, never in hours, so a week across a
daylight-saving change lasts the 167 or 169 hours it really has.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo


def monday_of(moment: datetime, zone: tzinfo | None = None) -> date:
    """The local date of the Monday that starts the week ``moment`` (aware) falls in."""
    local = moment.astimezone(zone)
    return local.date() - timedelta(days=local.weekday())


def week_starts(monday: date, zone: tzinfo | None = None) -> datetime:
    """The UTC instant local time reaches 00:00 on ``monday``: the first of that day.
    Where clocks go back at midnight, 00:00 comes twice and the first counts; where they
    go forward at midnight, it never comes and the day starts at the change (of the
    missing time's two readings, the one that falls on the Monday)."""
    readings = (
        datetime.combine(monday, time(fold=fold), tzinfo=zone).astimezone(UTC) for fold in (0, 1)
    )
    return min(at for at in readings if at.astimezone(zone).date() == monday)


def last_mondays(now: datetime, weeks: int, zone: tzinfo | None = None) -> list[date]:
    """The Mondays of the ``weeks`` weeks up to the one ``now`` falls in, oldest first,
    and then the next Monday (where the last week ends)."""
    this_week = monday_of(now, zone)
    return [this_week - timedelta(weeks=weeks - 1 - n) for n in range(weeks + 1)]
