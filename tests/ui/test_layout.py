"""Layout at the window's minimum size: nothing a person must read is cut (the search
hint, the sidebar's places), and the panes keep their widths when a post filter's chip,
a selection count or new counts appear."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain import InboxView
from ui.inbox.view import SEARCH_HINT, SHORT_SEARCH_HINT
from ui.main_window import MINIMUM_HEIGHT, MINIMUM_WIDTH


def _widths(window) -> tuple[int, int, int]:
    return window.sidebar.width(), window.inbox.list.width(), window.inbox.thread_pane.width()


def test_the_window_has_a_minimum_that_fits_a_small_screen(window):
    assert window.minimumWidth() <= MINIMUM_WIDTH and window.minimumHeight() <= MINIMUM_HEIGHT
    assert window.minimumWidth() > 0 and window.minimumHeight() > 0


def test_at_the_minimum_size_the_search_hint_and_places_show_whole(window, qtbot):
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: window.width() == window.minimumWidth())
    search = window.inbox.search
    icons = 2 * search.height()
    assert search.width() - icons >= search.fontMetrics().horizontalAdvance(SEARCH_HINT)
    shown = search.placeholderText()  # "Search" where the title needs the room
    assert shown in (SEARCH_HINT, SHORT_SEARCH_HINT)
    assert search.width() - icons >= search.fontMetrics().horizontalAdvance(shown)
    sidebar = window.sidebar
    labels = ["Needs reply", "Questions", "Mentions", "Snoozed", "Done", "Outbox", "Drafts"]
    labels += ["For approval", "Shared inbox"]
    room = sidebar.columnWidth(0) - sidebar.iconSize().width() - sidebar.indentation()
    for label in labels:
        assert sidebar.fontMetrics().horizontalAdvance(label) <= room, label
    for view, count in window.sidebar.counts.items():
        text = f"{count:,}"
        assert sidebar.fontMetrics().horizontalAdvance(text) <= sidebar.columnWidth(1), view


def test_panes_keep_their_widths_when_chips_and_counts_appear(window, synced_core, qtbot, wait_for):
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() > 3)
    before = _widths(window)
    qtbot.keyClick(window.inbox.list, "J", Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.inbox.list, "J", Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: "selected" in window.inbox.hint.text())
    assert _widths(window) == before
    post = wait_for(synced_core.inbox.posts())[0]
    window.open_post(post.id, post.title)  # the post's chip appears above the list
    qtbot.waitUntil(lambda: window.inbox.post_id == post.id)
    assert _widths(window) == before
    counts = dict(window.sidebar.counts)
    qtbot.keyClick(window.inbox.list, "e")  # counts change
    qtbot.waitUntil(
        lambda: (
            window.sidebar.counts.get(InboxView.NEEDS_REPLY) != counts.get(InboxView.NEEDS_REPLY)
        )
    )
    assert _widths(window) == before
