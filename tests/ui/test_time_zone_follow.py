"""A laptop that lands in another time zone: within a tick of the status bar the window
says times now show in the new zone, and the thread shown reads its times in it (Python
alone would keep the zone it started in until a restart)."""

from __future__ import annotations

import time

import pytest

from app.text import timefmt
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

    window.status.follow_zone()  # a tick with nothing changed says nothing
    assert "time zone" not in window.status.currentMessage()

    utc.setenv("TZ", "JST-9")
    with qtbot.waitSignal(window.status.zoneChanged):
        window.status.follow_zone()
    assert window.status.currentMessage() == (
        "Times now show in JST: your computer's time zone changed."
    )
    in_tokyo = timefmt.exact(row.created_at)
    assert in_tokyo != in_utc
    qtbot.waitUntil(lambda: in_tokyo in inbox.thread_pane.browser.toPlainText())
