"""How fresh each place an account reads is, in words: "Contoso / Town hall: updated 5
min ago; next check in 23 h". Teams asks apps to poll a channel at most once a day, so
the person sees how old each channel's comments may be (F5 reads every channel now)."""

from __future__ import annotations

from datetime import datetime

from app.domain import Freshness
from app.timeutil import now, parse


def _ago(stamp: str, at: datetime) -> str:
    seconds = max(0, int((at - parse(stamp)).total_seconds()))
    if seconds < 60:
        return "updated just now"
    if seconds < 3600:
        return f"updated {seconds // 60} min ago"
    if seconds < 86400:
        return f"updated {seconds // 3600} h ago"
    return f"updated {seconds // 86400} d ago"


def _next(stamp: str, at: datetime) -> str:
    seconds = int((parse(stamp) - at).total_seconds())
    if seconds <= 0:
        return "checked at the next sync"
    if seconds < 3600:
        return f"next check in {max(1, seconds // 60)} min"
    return f"next check in {seconds // 3600} h"


def line(place: Freshness, at: datetime | None = None) -> str:
    moment = at or now()
    if place.synced_at is None:
        words = "not read yet"
    else:
        words = _ago(place.synced_at, moment)
        if place.next_check_at is not None:
            words += f"; {_next(place.next_check_at, moment)}"
    if place.problem:
        words += f". {place.problem}"
    return f"{place.place}: {words}"


def freshness_text(places: tuple[Freshness, ...], at: datetime | None = None) -> str:
    """One line per place, and how to read them all now; "" when there is nothing."""
    if not places:
        return ""
    lines = [line(p, at) for p in places]
    return "\n".join([*lines, "F5 reads every one of them now."])
