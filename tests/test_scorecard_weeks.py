"""The coverage scorecard counts the person's calendar weeks, not UTC's: in Los Angeles,
Sydney and UTC a question from Sunday 23:30 local time is in the week it ends, one from
Monday 00:00 in the next, and a week across a daylight-saving change (read through the
core's ``Ledger`` with the zone it was given) has 167 or 169 hours; the store's times and
the period's ends stay UTC."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fixtures.store_data import at, ingest, minute_of, open_store, remote

from app.core.ledger import Ledger
from app.domain.ledger import Scorecard
from app.store import Store, coverage
from app.timeutil import iso, parse

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
SYDNEY = ZoneInfo("Australia/Sydney")
QUESTION = "<p>When does the new plan start?</p>"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.close()


def ask_at(store: Store, *moments: datetime) -> None:
    """One question (by its own person) at each moment."""
    asked = [remote(n, body=QUESTION, minute=minute_of(m)) for n, m in enumerate(moments, 1)]
    store.run_sync(ingest, asked)


def weeks_of(card: Scorecard) -> list[tuple[str, int]]:
    return [(week.label, week.asked) for week in card.by_week]


@pytest.mark.parametrize("zone", [LOS_ANGELES, SYDNEY, UTC], ids=str)
def test_sunday_2330_local_counts_in_the_week_it_ends(store: Store, zone: tzinfo) -> None:
    def local(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2024, 4, day, hour, minute, tzinfo=zone)

    ask_at(
        store,
        local(21, 23, 59),
        local(22, 0),
        local(28, 23, 30),  # Sunday evening: still the week of Monday 22 April
        local(29, 0),
    )
    card = coverage.scorecard(store.reader(), iso(local(25, 12)), weeks=2, zone=zone)
    assert weeks_of(card) == [("2024-04-15", 1), ("2024-04-22", 2)]
    card = coverage.scorecard(store.reader(), iso(local(30, 12)), weeks=2, zone=zone)
    assert weeks_of(card) == [("2024-04-22", 2), ("2024-04-29", 1)]
    assert (card.since, card.until) == (iso(local(22, 0)), iso(local(29, 0) + timedelta(days=7)))
    assert card.total.asked == 3


def test_one_utc_moment_is_in_different_weeks_in_different_places(store: Store) -> None:
    # Sunday 28 April 16:00 UTC: still Sunday in Los Angeles, already Monday in Sydney
    ask_at(store, datetime(2024, 4, 28, 16, 0, tzinfo=UTC))
    now = iso(datetime(2024, 4, 30, 12, 0, tzinfo=UTC))
    expected = {LOS_ANGELES: ("2024-04-22", 1), SYDNEY: ("2024-04-29", 1), UTC: ("2024-04-22", 1)}
    for zone, week in expected.items():
        card = coverage.scorecard(store.reader(), now, weeks=2, zone=zone)
        assert week in weeks_of(card), zone


@pytest.mark.parametrize(
    ("zone", "monday", "hours"),
    [
        (LOS_ANGELES, datetime(2024, 3, 4), 167),  # clocks forward Sunday 10 March
        (SYDNEY, datetime(2024, 4, 1), 169),  # clocks back Sunday 7 April
    ],
    ids=str,
)
async def test_a_daylight_saving_week_through_the_core(
    store: Store, zone: tzinfo, monday: datetime, hours: int
) -> None:
    first = monday.replace(tzinfo=zone)
    second = (monday + timedelta(weeks=1)).replace(tzinfo=zone)
    ask_at(
        store,
        first,
        second - timedelta(minutes=30),  # Sunday 23:30, after the change
        second,
    )
    ledger = Ledger(store, clock=lambda: iso(second + timedelta(hours=12)), zone=zone)
    card = await ledger.scorecard(2)
    week = f"{monday:%Y-%m-%d}"
    assert weeks_of(card) == [(week, 2), (f"{second:%Y-%m-%d}", 1)]
    assert parse(card.since) == first
    assert (second.astimezone(UTC) - first.astimezone(UTC)) / timedelta(hours=1) == hours
    assert parse(card.until) == (monday + timedelta(weeks=2)).replace(tzinfo=zone)


def test_a_scorecard_of_no_weeks_is_refused_in_plain_words(store: Store) -> None:
    with pytest.raises(ValueError, match="at least one week"):
        coverage.scorecard(store.reader(), at(0), weeks=0, zone=UTC)
