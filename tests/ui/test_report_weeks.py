"""The weekly report and the scorecard's week chart name the person's calendar weeks: in
Sydney on Monday morning (still Sunday in UTC) the report is the week of that Monday,
and the weeks are labelled by their local Mondays. The PDF is read back with QtPdf."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fixtures.store_data import ingest, minute_of, open_store, remote
from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtPdf import QPdfDocument

from app.domain import VipTier
from app.domain.ledger import Coverage, Scorecard, WaitingPerson
from app.networks.registry import NETWORK_IDS
from app.store import Store, coverage
from app.store.coverage import TOP_POSTS
from app.timeutil import iso
from ui.ledger.charts import LABEL_CHARS, coverage_chart, distinct_names
from ui.ledger.labels import chart_tabs
from ui.ledger.report import MARGIN_MM, WAITING_LINES, render_report, waiting_line

pytestmark = pytest.mark.ui

SYDNEY = ZoneInfo("Australia/Sydney")
#: Monday 29 April 2024, 08:00 in Sydney: Sunday 28 April, 22:00 UTC.
MONDAY_MORNING = datetime(2024, 4, 29, 8, 0, tzinfo=SYDNEY)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    sunday_night = datetime(2024, 4, 28, 23, 30, tzinfo=SYDNEY)
    question = remote(1, body="<p>Is the plan final?</p>", minute=minute_of(sunday_night))
    opened.run_sync(ingest, [question])
    yield opened
    opened.close()


def card_in(store: Store, zone) -> Scorecard:
    return coverage.scorecard(store.reader(), iso(MONDAY_MORNING), weeks=2, zone=zone)


def pdf_text(pdf: bytes, folder: Path) -> str:
    path = folder / "weekly.pdf"
    path.write_bytes(pdf)
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    text = document.getAllText(0).text()
    document.close()
    return " ".join(text.split())


def test_the_report_is_the_week_of_the_local_monday(store, qapp, tmp_path) -> None:
    card = card_in(store, SYDNEY)
    made = MONDAY_MORNING.astimezone(SYDNEY)
    text = pdf_text(render_report(card, made), tmp_path)
    assert "Week of 29 Apr 2024 · the last 2 weeks from 22 Apr 2024 · made 29 Apr 2024" in text
    assert "This week: no questions." in text  # Sunday 23:30 was last week
    assert chart_tabs(card)[0].labels == ["22 Apr", "29 Apr"]
    assert [week.asked for week in card.by_week] == [1, 0]


def test_in_utc_the_same_moment_is_still_the_week_before(store, qapp, tmp_path) -> None:
    card = card_in(store, UTC)
    text = pdf_text(render_report(card, MONDAY_MORNING.astimezone(UTC)), tmp_path)
    assert "Week of 22 Apr 2024 · the last 2 weeks from 15 Apr 2024 · made 28 Apr 2024" in text
    assert "This week: 0% of 1 question answered" in text
    assert chart_tabs(card)[0].labels == ["15 Apr", "22 Apr"]


def test_the_fullest_page_keeps_every_name_whole_and_on_the_page(qapp, tmp_path) -> None:
    """Every network there is, every tier, the most posts and waiting people a card holds:
    the names are whole (side by side, Qt Charts cut "Executive team (1,234 asked, 13 h)"
    short) and the last line still lies on the page."""

    def group(label: str) -> Coverage:
        return Coverage(label, 1234, 617, 13 * 3600.0)

    week = group("2024-04-22")
    waiting = tuple(
        WaitingPerson(n, f"Person {n}", "", VipTier.NONE, "2024-04-01T09:00:00Z", n, 3, 1, ("x",))
        for n in range(WAITING_LINES)
    )
    card = Scorecard(
        since="2024-04-22T00:00:00Z",
        until="2024-04-29T00:00:00Z",
        total=week,
        by_week=(week,),
        by_network=tuple(group(network) for network in NETWORK_IDS),
        by_tier=tuple(group(tier) for tier in ("Executive team", "Senior leader", "Key person")),
        by_post=tuple(group(f"Post {n}") for n in range(TOP_POSTS + 1)),
        waiting=waiting,
    )
    path = tmp_path / "full.pdf"
    path.write_bytes(render_report(card, datetime(2024, 4, 29, tzinfo=UTC)))
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    assert document.pageCount() == 1
    everything = document.getAllText(0)
    text = " ".join(everything.text().split())
    assert "Executive team (1,234 asked, 13 h)" in text
    assert f"Person {WAITING_LINES - 1}: waiting since" in text
    margin = MARGIN_MM * 72 / 25.4  # points
    assert everything.boundingRectangle().bottom() <= document.pagePointSize(0).height() - margin
    document.close()


def test_posts_whose_titles_begin_alike_keep_a_bar_each(qapp) -> None:
    """Qt Charts draws one bar for categories of the same name: titles cut to the same
    words are cut longer, until they differ."""

    titles = ["Update from the leadership team: May", "Update from the leadership team: June"]
    assert distinct_names(titles) == [
        "Update from the leadership team: M…",
        "Update from the leadership team: J…",
    ]
    short = ["A short one", "Another short one"]
    assert distinct_names(short) == short
    long_apart = ["Q" * 40, "R" * 40]
    assert [len(name) for name in distinct_names(long_apart)] == [LABEL_CHARS, LABEL_CHARS]
    groups = [Coverage(title, 3, 1, None) for title in titles]
    chart = coverage_chart("By post", groups, titles)
    (axis,) = [a for a in chart.axes() if isinstance(a, QBarCategoryAxis)]
    assert axis.count() == 2


def test_a_waiting_line_counts_questions_only_when_there_are_some() -> None:
    def line(waiting: int, questions: int) -> str:
        person = WaitingPerson(
            1, "Sam Lee", "", VipTier.NONE, "2026-02-08T09:13:00Z", 7, waiting, questions, ("x",)
        )
        return waiting_line(person).split(", ", 2)[-1]

    assert [line(6, 1), line(4, 0), line(5, 2)] == [
        "6 comments (1 question)",
        "4 comments",
        "5 comments (2 questions)",
    ]
