"""The Themes page: Ctrl+Shift+T (or the sidebar) shows the open questions' themes with
their counts, newest first; Enter opens a theme's group in the inbox, and the sidebar's
selection follows there; the Themes row counts the themes; themes follow the inbox as it
changes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from app.domain import TriageState
from app.domain.grouping import Theme
from app.errors import StoreError
from ui import theme
from ui.common.contrast import TEXT, ratio
from ui.themes.delegate import PAD, SIDE
from ui.themes.model import THEME_ROLE, details, headline
from ui.themes.page import READING

pytestmark = pytest.mark.ui


def _open_themes(qtbot, window):
    qtbot.keyClick(
        window,
        Qt.Key.Key_T,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    page = window.themes
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page and page.model.rowCount() > 0)
    qtbot.waitUntil(page.list.hasFocus)
    return page


def test_themes_list_counts_newest_first_and_speak(window, synced_core, qtbot, wait_for):
    page = _open_themes(qtbot, window)
    themes = wait_for(synced_core.grouping.themes())
    shown = [page.model.index(n).data(THEME_ROLE) for n in range(page.model.rowCount())]
    assert shown == themes
    first = page.model.index(0)
    assert first.data(Qt.ItemDataRole.DisplayRole).startswith(headline(themes[0]))
    assert " ask" in headline(themes[0]) and themes[0].label in headline(themes[0])
    assert first.data(Qt.ItemDataRole.AccessibleTextRole).startswith(headline(themes[0]))
    assert "newest first" in page.hint.text()
    assert window.sidebar.currentItem() is window.sidebar.themes


def test_enter_opens_the_theme_as_a_group(window, synced_core, qtbot):
    page = _open_themes(qtbot, window)
    theme = page.model.index(0).data(THEME_ROLE)
    qtbot.keyClick(page.list, Qt.Key.Key_Return)
    inbox = window.inbox
    qtbot.waitUntil(lambda: window.pages.currentWidget() is inbox and inbox.searching)
    qtbot.waitUntil(lambda: inbox.model.rowCount() > 0 and inbox.model.ids()[0] == theme.seed_id)
    assert inbox.title.text().startswith("Same question")
    sidebar = window.sidebar  # the selection follows to where the person is
    assert sidebar.currentItem() is sidebar._views[inbox.view]
    assert inbox.searching and inbox.title.text().startswith("Same question")  # still the group
    inbox.list.setFocus()
    qtbot.keyClick(inbox.list, Qt.Key.Key_Escape)  # clears the ticks first
    qtbot.keyClick(inbox.list, Qt.Key.Key_Escape)  # then back to the view the row names
    qtbot.waitUntil(lambda: not inbox.searching)
    assert sidebar.currentItem() is sidebar._views[inbox.view]


def test_the_themes_row_counts_the_themes(window, synced_core, qtbot, wait_for):
    row = window.sidebar.themes
    window.after_first_paint()  # the count starts after the first paint, as the app does
    themes = wait_for(synced_core.grouping.themes())
    assert len(themes) > 1
    qtbot.waitUntil(lambda: row.text(1) == f"{len(themes):,}")
    assert row.data(0, Qt.ItemDataRole.AccessibleTextRole) == f"Themes, {len(themes):,}"
    theme = themes[0]
    group = wait_for(synced_core.grouping.matches(theme.seed_id))
    members = [theme.seed_id, *(m.comment_id for m in group)]
    wait_for(synced_core.inbox.set_triage(members, TriageState.DONE))  # one theme answered
    after = wait_for(synced_core.grouping.themes())
    assert len(after) < len(themes)
    qtbot.waitUntil(lambda: row.text(1) == f"{len(after):,}")


def test_a_theme_answered_away_leaves_the_list(window, synced_core, qtbot, wait_for):
    page = _open_themes(qtbot, window)
    before = page.model.rowCount()
    theme = page.model.index(0).data(THEME_ROLE)
    group = wait_for(synced_core.grouping.matches(theme.seed_id))
    members = [theme.seed_id, *(m.comment_id for m in group)]
    wait_for(synced_core.inbox.set_triage(members, TriageState.DONE))
    qtbot.waitUntil(
        lambda: all(
            page.model.index(n).data(THEME_ROLE).seed_id != theme.seed_id
            for n in range(page.model.rowCount())
        )
    )
    assert page.model.rowCount() <= before


def test_a_second_count_shows_only_when_someone_asked_twice() -> None:
    once_each = Theme(1, "Is the Leeds site closing?", 5, 5, "2024-05-02T09:00:00Z")
    twice = Theme(1, "Is the Leeds site closing?", 34, 37, "2024-05-02T09:00:00Z")
    assert details(once_each).startswith("Newest ") and "open comment" not in details(once_each)
    assert details(twice).startswith("37 open comments · newest ")


def test_the_page_says_it_is_reading_until_the_themes_come(window, qtbot):
    window.sidebar.choose("themes")
    page = window.themes
    assert page.isVisible() and page.model.rowCount() == 0
    assert page.hint.text() == READING  # shown at once, before the read comes back
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    assert "newest first" in page.hint.text()


def test_a_failed_read_says_so_and_the_next_visit_reads_again(
    window, synced_core, qtbot, monkeypatch
):
    themes = synced_core.grouping.themes

    async def failing() -> list[Theme]:
        raise StoreError("the disk is full")

    monkeypatch.setattr(synced_core.grouping, "themes", failing)
    window.sidebar.choose("themes")
    window.sidebar.entered.emit()
    page = window.themes
    qtbot.waitUntil(lambda: "could not be read (the disk is full)" in page.hint.text())
    assert page.model.rowCount() == 0
    monkeypatch.setattr(synced_core.grouping, "themes", themes)
    window.sidebar.choose("inbox")
    window.sidebar.entered.emit()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.inbox)
    window.sidebar.choose("themes")
    window.sidebar.entered.emit()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    assert "newest first" in page.hint.text()


def _inkiest(shot: QImage, top: int, bottom: int) -> float:
    """The contrast with the background (near the top left corner) of the inkiest pixel in
    these lines of ``shot``."""
    back = QColor(shot.pixel(3, 3))
    return max(
        ratio(QColor(shot.pixel(x, y)), back)
        for x in range(shot.width())
        for y in range(top, bottom)
    )


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_a_theme_row_has_room_and_its_details_read_quieter(window, themed, scheme, qtbot):
    """Each row: the headline in the text's colour, the details under it quieter, both
    readable and room around them (one plain text read as a wall of words), selected or
    not, the list with the keyboard or without (a tinted selection then: its words are
    the text's colour, not white); long headlines wrap, nothing cut."""
    theme.apply(themed, scheme)
    page = _open_themes(qtbot, window)
    page.list.setCurrentIndex(page.model.index(1))
    line = page.list.fontMetrics().height()
    for row in (0, 1):  # unselected, selected
        for focus in (page.list, window.sidebar):
            focus.setFocus()
            qtbot.waitUntil(focus.hasFocus)
            rect = page.list.visualRect(page.model.index(row))
            assert rect.height() >= 2 * line + 2 * PAD
            shot = page.list.viewport().grab(rect).toImage()
            half = shot.height() // 2
            head, more = _inkiest(shot, PAD, half), _inkiest(shot, half, shot.height() - PAD)
            assert head >= more, (row, focus, head, more)
            if row == 0 or focus is not page.list:  # Fusion's own focused selection aside
                assert head >= TEXT and more >= TEXT, (row, focus, head, more)
            assert row == 1 or head > more
    wrap_to = page.list.viewport().width() - 2 * page.list.spacing() - 2 * SIDE
    for row in range(page.model.rowCount()):
        text = headline(page.model.index(row).data(THEME_ROLE))
        needed = page.list.fontMetrics().boundingRect(
            0, 0, wrap_to, 1 << 20, Qt.TextFlag.TextWordWrap, text
        )
        assert page.list.visualRect(page.model.index(row)).height() >= needed.height() + line
