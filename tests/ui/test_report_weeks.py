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
from PySide6.QtPdf import QPdfDocument

from app.domain.ledger import Scorecard
from app.store import Store, coverage
from app.timeutil import iso
from ui.ledger.labels import chart_tabs
from ui.ledger.report import render_report

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
