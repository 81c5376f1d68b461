"""Presence: the window title with the counts, the tray's count, and a notification when
a VIP comments (real sandbox network, real sync)."""

from __future__ import annotations

from paging import next_page
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPixmap

from app.domain import InboxView
from ui.inbox.model import ROW_ROLE
from ui.presence import badge_icon, notice, window_title


def test_the_window_title_says_what_waits():
    assert window_title({}) == "Fireside"
    assert window_title({InboxView.NEEDS_REPLY: 1}) == "Fireside — 1 needs a reply"
    assert (
        window_title({InboxView.NEEDS_REPLY: 1619, InboxView.QUESTIONS: 3})
        == "Fireside — 1,619 need a reply · 3 questions"
    )


def test_the_tray_icon_carries_the_count(qapp):
    plain = QPixmap(64, 64)
    plain.fill(Qt.GlobalColor.darkBlue)
    base = QIcon(plain)
    none, some = badge_icon(base, 0), badge_icon(base, 12)
    assert none.pixmap(64, 64).toImage() == plain.toImage()
    assert some.pixmap(64, 64).toImage() != plain.toImage()


def test_the_window_title_follows_the_counts(window, qtbot):
    qtbot.waitUntil(lambda: window.windowTitle() == window_title(window.sidebar.counts))
    assert "need" in window.windowTitle()


def _local_comment_by(core, remote_author: str) -> int | None:
    row = (
        core.store.reader()
        .execute(
            "SELECT c.id FROM comments c JOIN people p ON p.id = c.author_id "
            "WHERE p.remote_id = ? AND c.is_mine = 0 LIMIT 1",
            [remote_author],
        )
        .fetchone()
    )
    return None if row is None else row[0]


def test_a_starred_person_commenting_is_announced(window, synced_core, qtbot, wait_for):
    presence = window.presence
    qtbot.waitUntil(lambda: presence._after is not None)
    for _ in range(30):  # a colleague who has commented before (authors are random)
        fresh = synced_core.sandbox.simulate_comments(1)[0]
        known = _local_comment_by(synced_core, fresh["author"]["id"])
        if known is not None:
            break
    assert known is not None
    name = wait_for(synced_core.inbox.star_author(known, True))
    with qtbot.waitSignal(presence.notified, timeout=20_000) as shown:
        wait_for(synced_core.engine.sync_all(), timeout=20_000)
    title, text = shown.args
    assert title == f"{name} (Key person) commented" and text


def test_starring_from_the_keyboard_marks_the_person(window, qtbot):
    model = window.inbox.model  # VIPs by the directory come first: pick someone else
    for _ in range(100):
        plain = [
            r for r in range(model.rowCount()) if not model.index(r).data(ROW_ROLE).author_tier
        ]
        if plain or not next_page(qtbot, model):
            break
    chosen = model.row_id(plain[0])
    window.inbox.select_id(chosen)
    qtbot.keyClick(window.inbox.list, "*")
    qtbot.waitUntil(lambda: window.status.currentMessage().startswith("Starred "))
    spoken = Qt.ItemDataRole.AccessibleTextRole
    qtbot.waitUntil(lambda: "VIP: Key person." in window.inbox.list.currentIndex().data(spoken))
    qtbot.keyClick(window.inbox.list, "*")
    qtbot.waitUntil(lambda: window.status.currentMessage().startswith("Unstarred "))

    def plain_again() -> bool:  # back in place among the others (maybe not loaded now)
        at = model.row_of(chosen)
        return at is None or "VIP:" not in model.index(at).data(spoken)

    qtbot.waitUntil(plain_again)


def test_a_burst_is_one_notification():
    class Row:
        def __init__(self, name):
            self.author_name, self.snippet = name, "text"

    title, text = notice([Row("Ana"), Row("Ben"), Row("Ana")])
    assert title == "3 new comments from VIPs" and text == "Ana, Ben"
