"""A laptop that lands in another time zone: within a tick of the status bar the window
says times now show in the new zone, and the thread shown reads its times in it (Python
alone would keep the zone it started in until a restart)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QApplication

from app.domain import InboxRow, TriageState, VipTier
from app.text import timefmt
from app.timeutil import iso, now
from ui.inbox.model import ROW_ROLE

pytestmark = [
    pytest.mark.ui,
    pytest.mark.skipif(not hasattr(time, "tzset"), reason="TZ is read by tzset"),
]


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC0")
    time.tzset()
    yield monkeypatch
    monkeypatch.undo()
    time.tzset()


def test_a_new_time_zone_is_said_and_the_thread_reads_in_it(utc, window, qtbot):
    inbox = window.inbox
    row = inbox.list.currentIndex().data(ROW_ROLE)
    qtbot.waitUntil(
        lambda: timefmt.exact(row.created_at) in inbox.thread_pane.browser.toPlainText()
    )
    in_utc = timefmt.exact(row.created_at)

    window.status.follow_clock()  # a tick with nothing changed says nothing
    assert "time zone" not in window.status.currentMessage()

    utc.setenv("TZ", "JST-9")
    with qtbot.waitSignal(window.status.timesChanged):
        window.status.follow_clock()
    assert window.status.currentMessage() == (
        "Times now show in JST: your computer's time zone changed."
    )
    in_tokyo = timefmt.exact(row.created_at)
    assert in_tokyo != in_utc
    qtbot.waitUntil(lambda: in_tokyo in inbox.thread_pane.browser.toPlainText())


def test_a_snoozed_rows_time_is_painted_again_in_the_new_zone(utc, window, qtbot):
    """The row's own time reads the same in both zones ("5 min"); its snooze's does not."""
    window.resize(1600, 900)
    inbox = window.inbox
    row = InboxRow(
        id=1,
        created_at=iso(now() - timedelta(minutes=5)),
        triage_state=TriageState.SNOOZED,
        snoozed_until=iso(now() + timedelta(days=3)),
        is_question=False,
        answered=False,
        edited_at=None,
        snippet="Could we move the review?",
        author_name="Ada",
        author_title="",
        author_department="",
        post_title="Review",
        network="sandbox",
        account_name="",
        network_shared=False,
        reply_draft=False,
        author_tier=VipTier.NONE,
    )
    inbox.show_rows([row], "Search · 1", "")
    shown = f"Snoozed · {timefmt.until(row.snoozed_until)}"

    def painted():
        QApplication.processEvents()
        view = inbox.list
        return view.viewport().grab(view.visualRect(inbox.model.index(0))).toImage()

    in_utc = painted()
    utc.setenv("TZ", "JST-9")
    with qtbot.waitSignal(window.status.timesChanged):
        window.status.follow_clock()
    assert f"Snoozed · {timefmt.until(row.snoozed_until)}" != shown
    qtbot.waitUntil(lambda: painted() != in_utc)


def test_a_new_zone_qt_read_first_is_still_said(utc, window, qtbot):
    """A date picker opened after landing (Qt reads the zone again as it works out local
    times) does not hide the change from the next tick."""
    utc.setenv("TZ", "JST-9")
    QDateTime.currentDateTime().toString()  # the snooze picker's first time
    with qtbot.waitSignal(window.status.timesChanged):
        window.status.follow_clock()
    assert "JST" in window.status.currentMessage()


def test_a_new_day_has_times_shown_again_without_a_word(window, qtbot, monkeypatch):
    """A snooze's "tomorrow 08:00" is today's after midnight: the rows are painted again,
    and nothing is said (the zone did not change)."""
    from app import localzone

    window.status.follow_clock()  # a tick on the same day changes nothing
    tomorrow = localzone.today() + timedelta(days=1)
    monkeypatch.setattr(localzone, "today", lambda: tomorrow)
    with qtbot.waitSignal(window.status.timesChanged):
        window.status.follow_clock()
    assert "time zone" not in window.status.currentMessage()
    with qtbot.assertNotEmitted(window.status.timesChanged):
        window.status.follow_clock()  # once a day
