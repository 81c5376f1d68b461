"""Reading the times comment threads show when copied from a browser page.

Sites show a comment's age, not its moment: "3h", "2d", "1w", "5mo" (LinkedIn, X,
Facebook), "3 hours ago", "a day ago", "yesterday" (YouTube, Reddit, forums), or a date
("Mar 3", "3 Mar 2024", "12:41 PM · Mar 3, 2024", "2024-03-03"). ``read_time`` turns one
such piece of text into a UTC moment, counted back from ``now`` (when the text was
copied); it is exactly as precise as the page was ("2d" is two days before ``now``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_UNIT_SECONDS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "w": 7 * 86400,
    "wk": 7 * 86400,
    "week": 7 * 86400,
    "mo": 30 * 86400,
    "month": 30 * 86400,
    "y": 365 * 86400,
    "yr": 365 * 86400,
    "year": 365 * 86400,
}
_UNITS = "|".join(sorted(_UNIT_SECONDS, key=len, reverse=True))
#: "3h", "2 d", "5mo", "1yr", "3h ago", "2 hrs": the compact forms.
_COMPACT = re.compile(rf"(?P<n>\d{{1,4}})\s?(?P<unit>{_UNITS})s?\.?(?:\s+ago)?", re.IGNORECASE)
#: "3 hours ago", "an hour ago", "one day ago", "3 hr. ago".
_WORDY = re.compile(rf"(?P<n>\d{{1,4}}|an?|one)\s+(?P<unit>{_UNITS})s?\.?\s+ago", re.IGNORECASE)
_NOW_WORDS = {"now": 0, "just now": 0, "today": 0, "yesterday": 86400}
_YESTERDAY_AT = re.compile(r"yesterday at .+", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_CLOCK = r"(?:\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?)"
#: "Mar 3", "March 3, 2024", "Mar 3 '24", optionally after or before a clock time.
_MONTH_DAY = re.compile(
    rf"(?:{_CLOCK}\s*[·,•-]?\s*)?(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,?\s+'?(?P<year>\d{{4}}|\d{{2}}))?(?:,?\s*(?:at\s+)?{_CLOCK})?",
    re.IGNORECASE,
)
#: "3 Mar", "3 March 2024", "3. März" is not read (English month names only).
_DAY_MONTH = re.compile(
    rf"(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})\.?(?:\s+(?P<year>\d{{4}}))?"
    rf"(?:,?\s*(?:at\s+)?{_CLOCK})?",
    re.IGNORECASE,
)
#: "2024-03-03", "2024-03-03 14:05", "2024-03-03T14:05:00Z".
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[T ][\d:.]+Z?)?")
#: Marks a page adds beside a time, read as part of it.
_EDITED = re.compile(r"\s*\(?\bedited\b\)?\s*", re.IGNORECASE)


def read_time(text: str, now: datetime) -> datetime | None:
    """The moment ``text`` (the whole of it) names, or None when it is not a time."""
    text = _EDITED.sub(" ", text).strip().rstrip(".").strip()
    if not text or len(text) > 40:
        return None
    lowered = text.casefold()
    if lowered in _NOW_WORDS:
        return now - timedelta(seconds=_NOW_WORDS[lowered])
    if _YESTERDAY_AT.fullmatch(text):
        return now - timedelta(days=1)
    for pattern in (_COMPACT, _WORDY):
        found = pattern.fullmatch(text)
        if found:
            return now - timedelta(
                seconds=_count(found["n"]) * _UNIT_SECONDS[found["unit"].lower()]
            )
    return _date(text, now)


def _count(number: str) -> int:
    return int(number) if number.isdigit() else 1


def _date(text: str, now: datetime) -> datetime | None:
    found = _ISO.fullmatch(text)
    if found:
        return _day(int(found["year"]), int(found["month"]), int(found["day"]))
    found = _MONTH_DAY.fullmatch(text) or _DAY_MONTH.fullmatch(text)
    if found is None:
        return None
    month = _MONTHS[found["month"].casefold()]
    day = int(found["day"])
    year_text = found["year"]
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _day(year, month, day)
    # No year: this year, unless that is still ahead (a comment from last December).
    moment = _day(now.year, month, day)
    if moment is not None and moment > now:
        return _day(now.year - 1, month, day)
    return moment


def _day(year: int, month: int, day: int) -> datetime | None:
    try:
        return datetime(year, month, day, 12, tzinfo=UTC)
    except ValueError:
        return None
