"""Stored UTC timestamps as people read them: "4 min", "3 h", "Yesterday", "12 Mar"."""

from __future__ import annotations

from datetime import datetime

from app.timeutil import now, parse


def relative(stamp: str | None, at: datetime | None = None) -> str:
    """Short and local: minutes and hours today, then a weekday, then a date."""
    if not stamp:
        return ""
    moment = parse(stamp)
    current = at or now()
    seconds = (current - moment).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    local, today = moment.astimezone(), current.astimezone()
    days = (today.date() - local.date()).days
    if days == 0:
        return f"{int(seconds // 3600)} h"
    if days == 1:
        return "Yesterday"
    if days < 7:
        return local.strftime("%a")
    if local.year == today.year:
        return f"{local.day} {local:%b}"
    return f"{local.day} {local:%b %Y}"


def exact(stamp: str | None) -> str:
    """The full local date and time, for tooltips and the thread header."""
    if not stamp:
        return ""
    local = parse(stamp).astimezone()
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def until(stamp: str | None, at: datetime | None = None) -> str:
    """A future moment, for snoozes: "17:00", "tomorrow 08:00", "Mon 08:00", "12 Mar 08:00"."""
    if not stamp:
        return ""
    local = parse(stamp).astimezone()
    days = (local.date() - (at or now()).astimezone().date()).days
    if days <= 0:
        return f"{local:%H:%M}"
    if days == 1:
        return f"tomorrow {local:%H:%M}"
    if days < 7:
        return f"{local:%a %H:%M}"
    return f"{local.day} {local:%b %H:%M}"


def ago(stamp: str | None, at: datetime | None = None) -> str:
    """A past moment in a sentence: "just now", "4 min ago", "yesterday", "on Thu",
    "on 12 Mar" ("" when there is none)."""
    when = relative(stamp, at)
    if not when:
        return ""
    if when == "now":
        return "just now"
    if when.endswith(("min", "h")):
        return f"{when} ago"
    return "yesterday" if when == "Yesterday" else f"on {when}"


def duration(seconds: float | None) -> str:
    """A length of time as people say it: "12 min", "3 h", "1.5 h", "4 d" ("—": none)."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    hours = seconds / 3600
    if hours < 10:
        return f"{hours:.1f} h".replace(".0 h", " h")
    if hours < 48:
        return f"{round(hours)} h"
    return f"{round(hours / 24)} d"
