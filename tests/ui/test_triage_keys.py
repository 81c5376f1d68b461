"""Keyboard triage in the real main window over a synced sandbox inbox: j/k move (from the
moment the window opens), Enter and Esc, e marks done and lands on the next comment, s
snoozes from the popup, u undoes, / searches, g groups the same question, ? lists every key
from the registry; a post filters every view until its chip (or Esc) clears it; links in
the thread pane open only after the real address was shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from paging import first_page_ids
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain import VIEW_TITLES, Comment, InboxView, Post, TriageState
from app.store import comments
from app.store.accounts import list_posts
from app.store.search import search_comments
from app.timeutil import now, parse
from ui.actions.help import HelpDialog
from ui.actions.keymap import COMMANDS
from ui.inbox.snooze import MORNING_HOUR, SnoozeMenu
from ui.main_window import MainWindow
from ui.sidebar import PlaceKind
from ui.thread.browser import confirm_and_open

pytestmark = pytest.mark.ui


def needs_reply_count(window) -> int:
    return window.sidebar.counts[InboxView.NEEDS_REPLY]


def state_of(core, comment_id: int) -> Comment:
    return comments.get_comment(core.store.reader(), comment_id)


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def test_j_and_k_move_and_the_thread_follows(window, qtbot):
    inbox = window.inbox
    ids = inbox.model.ids()
    assert inbox.current_id() == ids[0]
    press(qtbot, window, "j")
    press(qtbot, window, "j")
    press(qtbot, window, "k")
    assert inbox.current_id() == ids[1]
    words = " ".join(state_of(window.inbox.core, ids[1]).body_text.split()[:6])
    qtbot.waitUntil(lambda: words in " ".join(inbox.thread_pane.browser.toPlainText().split()))

    press(qtbot, window, Qt.Key.Key_Return)
    assert inbox.thread_pane.browser.hasFocus()
    press(qtbot, window, "j")  # the keys still work from the thread pane
    assert inbox.current_id() == ids[2]
    press(qtbot, window, Qt.Key.Key_Escape)
    assert inbox.list.hasFocus()


def test_e_marks_done_lands_on_the_next_and_u_undoes(window, synced_core, qtbot):
    inbox = window.inbox
    press(qtbot, window, "j")
    ids = inbox.model.ids()
    before = needs_reply_count(window)

    press(qtbot, window, "e")
    qtbot.waitUntil(lambda: ids[1] not in inbox.model.ids())
    assert inbox.current_id() == ids[2]
    assert state_of(synced_core, ids[1]).triage_state is TriageState.DONE
    qtbot.waitUntil(lambda: needs_reply_count(window) == before - 1)
    assert "Marked 1 comment done" in window.status.currentMessage()

    press(qtbot, window, "u")
    qtbot.waitUntil(lambda: ids[1] in inbox.model.ids())
    assert state_of(synced_core, ids[1]).triage_state is TriageState.OPEN
    assert window.status.currentMessage().startswith("Undid")
    qtbot.waitUntil(lambda: needs_reply_count(window) == before)


def test_s_snoozes_until_tomorrow_morning(window, synced_core, qtbot):
    inbox = window.inbox
    target, following = inbox.model.ids()[:2]
    press(qtbot, window, "s")
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), SnoozeMenu))
    qtbot.keyClick(QApplication.activePopupWidget(), "t")  # &Tomorrow 08:00
    qtbot.waitUntil(lambda: target not in inbox.model.ids())
    assert inbox.current_id() == following
    row = state_of(synced_core, target)
    until = parse(row.snoozed_until).astimezone()
    assert row.triage_state is TriageState.SNOOZED
    assert (until.date(), until.hour, until.minute) == (
        (now().astimezone() + timedelta(days=1)).date(),
        MORNING_HOUR,
        0,
    )

    window.sidebar.choose(PlaceKind.INBOX, InboxView.SNOOZED)
    assert inbox.model.ids() == [target]


def test_slash_searches_and_esc_returns_to_the_view(window, synced_core, qtbot):
    inbox = window.inbox
    press(qtbot, window, "/")
    assert inbox.search.hasFocus()
    qtbot.keyClicks(inbox.search, "automation")
    qtbot.waitUntil(lambda: inbox.searching and inbox.model.rowCount() > 0)
    expected = [r.id for r in search_comments(synced_core.store.reader(), "automation")]
    assert inbox.model.ids() == expected
    assert inbox.title.text() == f"Search · {len(expected)}"

    press(qtbot, window, Qt.Key.Key_Return)
    assert inbox.list.hasFocus()
    press(qtbot, window, Qt.Key.Key_Escape)
    assert inbox.model.view is InboxView.NEEDS_REPLY
    assert inbox.search.text() == ""


def test_question_mark_lists_every_key_from_the_registry(window, qtbot):
    press(qtbot, window, "?")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), HelpDialog))
    dialog = QApplication.activeModalWidget()
    rows = {(row.text(0), row.text(1)) for row in dialog.rows()}
    for command in COMMANDS:
        assert (command.key_text, command.label) in rows, command.name
    dialog.reject()


def test_a_link_opens_only_after_showing_where_it_goes(window, qtbot, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    browser = window.inbox.thread_pane.browser
    assert browser.loadResource(2, QUrl("http://tracker.example/pixel.png")) is None

    box = confirm_and_open(browser, QUrl("https://evil.example/login"))
    assert box.informativeText() == "https://evil.example/login"
    assert "evil.example" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert opened == []

    box = confirm_and_open(browser, QUrl("https://evil.example/login"))
    box.button(QMessageBox.StandardButton.Open).click()
    assert opened == ["https://evil.example/login"]

    box = confirm_and_open(browser, QUrl("file:///etc/passwd"))
    assert box.windowTitle() == "Link not opened"
    assert box.informativeText() == "file:///etc/passwd"
    box.close()
    assert opened == ["https://evil.example/login"]


def test_j_works_as_soon_as_the_window_opens(synced_core, bridge, qtbot, settle):
    """No one clicks or focuses anything first: the keyboard starts in the inbox list."""
    made = MainWindow(synced_core, bridge)
    try:
        made.show()
        made.activateWindow()
        qtbot.waitUntil(made.inbox.list.hasFocus)
        ids = made.inbox.model.ids()
        assert made.inbox.current_id() == ids[0]
        press(qtbot, made, "j")
        assert made.inbox.current_id() == ids[1]
    finally:
        settle(made)


def wait_posts(core) -> list[Post]:
    return list_posts(core.store.reader())


def test_a_post_filters_every_view_until_its_chip_clears_it(window, synced_core, qtbot):
    inbox, sidebar = window.inbox, window.sidebar
    db = synced_core.store.reader()
    post = max(wait_posts(synced_core), key=lambda p: p.open)
    assert comments.view_count(db, InboxView.ALL, post.id) > post.open > 1
    item = sidebar._post_items[post.id]
    assert item.text(1) == f"{post.open:,}"  # the post's open comments

    sidebar.choose_post(post.id)  # as a click on the post
    assert inbox.post_id == post.id and inbox.view is InboxView.NEEDS_REPLY
    assert inbox.model.ids() == first_page_ids(inbox, InboxView.NEEDS_REPLY, post.id)
    assert inbox.post_chip.isVisible()
    assert inbox.post_chip.text().startswith(f"Post: {post.title[:20]}")
    assert inbox.post_chip.text().endswith("×")
    assert item.font(0).bold()

    for key, view in (
        (Qt.Key.Key_6, InboxView.ALL),
        (Qt.Key.Key_5, InboxView.DONE),
        (Qt.Key.Key_2, InboxView.QUESTIONS),
        (Qt.Key.Key_1, InboxView.NEEDS_REPLY),
    ):
        press(qtbot, window, key, Qt.KeyboardModifier.ControlModifier)
        assert inbox.view is view, view
        assert inbox.post_id == post.id, view  # still on the post
        assert inbox.title.text() == VIEW_TITLES[view]
        assert inbox.model.ids() == first_page_ids(inbox, view, post.id), view
        assert inbox.post_chip.isVisible() and item.font(0).bold()
    window.sidebar.choose(PlaceKind.INBOX, InboxView.ALL)  # the sidebar's views too
    assert inbox.post_id == post.id
    assert inbox.model.ids() == first_page_ids(inbox, InboxView.ALL, post.id)

    qtbot.mouseClick(inbox.post_chip, Qt.MouseButton.LeftButton)
    assert inbox.post_id is None and inbox.view is InboxView.ALL
    assert inbox.model.ids() == first_page_ids(inbox, InboxView.ALL, None)
    assert not inbox.post_chip.isVisible()
    assert not item.font(0).bold()


def test_esc_in_the_list_clears_the_post_filter(window, synced_core, qtbot):
    inbox = window.inbox
    post = max(wait_posts(synced_core), key=lambda p: p.open)
    window.sidebar.choose_post(post.id)
    window.sidebar.entered.emit()  # Enter on the row moves the keyboard into the list
    qtbot.waitUntil(inbox.list.hasFocus)
    press(qtbot, window, "e")
    qtbot.waitUntil(lambda: window.status.currentMessage().startswith("Marked 1 comment"))
    assert inbox.post_id == post.id  # a triage action stays on the post
    press(qtbot, window, Qt.Key.Key_Escape)
    assert inbox.post_id is None
    assert inbox.model.ids() == first_page_ids(inbox, InboxView.NEEDS_REPLY, None)
