"""Deleting drafts in the window, against a real core: by key in the editor and in the
sidebar, from the menu and the sidebar's context menu; the status bar's Undo (button and
key); the Deleted drafts dialog restoring by keyboard; a queued draft refused with the
way to the Outbox, a scheduled one deleted only once the person agreed. Deleting the open
draft keeps its last keystrokes."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain import DraftState
from app.store import drafts
from app.timeutil import in_seconds
from ui.common import autosave
from ui.editor.deleted_dialog import DeletedDraftsDialog

pytestmark = pytest.mark.ui

Key = Qt.Key
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def no_timed_saves(monkeypatch):
    """Only an explicit save can store the text: what reaches the database before the
    delete was saved by the delete itself."""
    monkeypatch.setattr(autosave, "QUIET_MS", 600_000)
    monkeypatch.setattr(autosave, "DEADLINE_MS", 600_000)


@pytest.fixture
def three(core, wait_for) -> list[int]:
    """Three drafts, listed newest first: Third, Second, First."""
    ids = []
    for day, title in enumerate(("First", "Second", "Third"), start=1):
        draft_id = wait_for(core.drafts.new(title, f"{title} words."))
        wait_for(core.drafts.save(draft_id, title, f"{title} words, edited."))
        stamp = f"2026-01-0{day}T09:00:00Z"  # apart: saves within a second would tie
        wait_for(
            core.store.run(
                lambda db, i=draft_id, at=stamp: db.execute(
                    "UPDATE drafts SET updated_at = ? WHERE id = ?", [at, i]
                )
            )
        )
        ids.append(draft_id)
    return ids


def listed(window) -> list[int]:
    sidebar = window.sidebar
    return [sidebar._draft_of(sidebar.drafts.child(i)) for i in range(sidebar.drafts.childCount())]


def deleted_at(core, wait_for, draft_id: int) -> str | None:
    return wait_for(core.drafts.get(draft_id)).deleted_at


def window_listing(open_window, core, qtbot, ids: list[int]):
    """The window, once its sidebar lists the drafts ``ids`` (newest first)."""
    window = open_window(core)
    qtbot.waitUntil(lambda: listed(window) == ids[::-1])
    return window


def open_in_editor(window, qtbot, draft_id: int) -> None:
    qtbot.waitUntil(lambda: draft_id in listed(window))
    window.open_draft(draft_id)
    editor = window.editor
    qtbot.waitUntil(lambda: editor.draft_id == draft_id and editor.body_edit.isEnabled())
    editor.body_edit.setFocus()
    qtbot.waitUntil(editor.body_edit.hasFocus)


@pytest.mark.usefixtures("no_timed_saves")
def test_ctrl_shift_delete_in_the_editor_keeps_the_last_keystrokes_and_moves_on(
    core, open_window, three, qtbot, wait_for
):
    first, second, third = three
    window = open_window(core)
    open_in_editor(window, qtbot, second)
    editor = window.editor
    editor.body_edit.moveCursor(editor.body_edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.body_edit, " And one more line")

    qtbot.keyClick(editor.body_edit, Key.Key_Delete, CTRL_SHIFT)

    qtbot.waitUntil(lambda: deleted_at(core, wait_for, second) is not None)
    assert wait_for(core.drafts.get(second)).body == "Second words, edited. And one more line"
    qtbot.waitUntil(lambda: editor.draft_id == first)  # the next draft in the list
    qtbot.waitUntil(lambda: listed(window) == [third, first])
    assert window.status.currentMessage() == "Draft “Second” deleted"
    assert window.status.offer_button.isVisible()
    assert window.status.offer_button.text() == "Undo (Ctrl+Shift+R)"


def test_the_status_bar_undo_brings_the_draft_back_exactly_as_it_was(
    core, open_window, three, qtbot, wait_for
):
    second = three[1]
    wait_for(core.drafts.set_language(second, "en_GB"))
    wait_for(core.drafts.set_state(second, DraftState.FOR_REVIEW))
    before = wait_for(core.drafts.get(second))
    versions = wait_for(core.drafts.versions(second))
    window = open_window(core)
    open_in_editor(window, qtbot, second)
    order = listed(window)
    window.menus.entries["editor.delete_draft"].trigger()  # File > Delete draft
    qtbot.waitUntil(window.status.offer_button.isVisible)
    qtbot.waitUntil(lambda: second not in listed(window))

    window.status.offer_button.click()

    qtbot.waitUntil(lambda: deleted_at(core, wait_for, second) is None)
    assert wait_for(core.drafts.get(second)) == before
    assert wait_for(core.drafts.versions(second)) == versions
    qtbot.waitUntil(lambda: window.editor.draft_id == second)
    qtbot.waitUntil(lambda: listed(window) == order)  # in its place again
    assert window.status.currentMessage() == "Draft “Second” restored."
    assert not window.status.offer_button.isVisible()
    assert not window.deletion.undo_action.isEnabled()  # nothing more to undo


def test_ctrl_shift_r_undoes_a_delete_made_in_the_sidebar(
    core, open_window, three, qtbot, wait_for
):
    first, second, third = three
    window = window_listing(open_window, core, qtbot, three)
    sidebar = window.sidebar
    sidebar.setFocus()
    sidebar.setCurrentItem(sidebar.drafts.child(2))  # First
    qtbot.waitUntil(lambda: window.editor.draft_id == first)
    sidebar.setFocus()
    qtbot.waitUntil(sidebar.hasFocus)

    qtbot.keyClick(sidebar, Key.Key_Delete, CTRL_SHIFT)

    qtbot.waitUntil(lambda: listed(window) == [third, second])
    qtbot.waitUntil(lambda: window.editor.draft_id == second)  # the last: the one before it
    assert deleted_at(core, wait_for, first) is not None
    qtbot.keyClick(QApplication.focusWidget(), Key.Key_R, CTRL_SHIFT)
    qtbot.waitUntil(lambda: listed(window) == [third, second, first])


def test_the_sidebar_context_menu_deletes_the_draft_of_its_row(
    core, open_window, three, qtbot, wait_for
):
    first, second, third = three
    window = window_listing(open_window, core, qtbot, three)
    sidebar = window.sidebar
    sidebar.setCurrentItem(sidebar.drafts.child(0))  # Third, by the keyboard's Menu key
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(0, 0), QPoint(0, 0))
    QApplication.sendEvent(sidebar.viewport(), event)
    menu = sidebar.context_menu
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Delete draft", "Deleted drafts…"]
    menu.actions()[0].trigger()
    menu.close()

    qtbot.waitUntil(lambda: listed(window) == [second, first])
    assert deleted_at(core, wait_for, third) is not None


def test_the_last_draft_deleted_leaves_the_drafts_page(core, open_window, qtbot, wait_for):
    only = wait_for(core.drafts.new("Only", "Alone."))
    window = open_window(core)
    open_in_editor(window, qtbot, only)
    qtbot.keyClick(window.editor.body_edit, Key.Key_Delete, CTRL_SHIFT)
    qtbot.waitUntil(lambda: window.editor.draft_id is None)
    assert window.pages.currentWidget() is window.editor
    assert window.sidebar.currentItem() is window.sidebar.drafts
    qtbot.waitUntil(lambda: listed(window) == [])


def test_a_queued_draft_is_refused_and_the_box_leads_to_the_outbox(
    core, open_window, three, qtbot, wait_for
):
    first, _, _ = three
    wait_for(core.store.run(drafts.set_state, first, DraftState.QUEUED))
    window = open_window(core)
    open_in_editor(window, qtbot, first)

    qtbot.keyClick(window.editor.body_edit, Key.Key_Delete, CTRL_SHIFT)

    qtbot.waitUntil(lambda: window.deletion.asking is not None)
    box = window.deletion.asking
    assert "queued in the Outbox" in box.text() and "Cancel it in the Outbox first" in box.text()
    # Nothing here is cancelled, so the way out says Close (the default: Enter leaves it)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Close)
    assert box.button(QMessageBox.StandardButton.Cancel) is None
    [go] = [b for b in box.buttons() if b.text() == "Open the Outbox"]
    go.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.outbox)
    assert deleted_at(core, wait_for, first) is None


def test_a_scheduled_draft_is_deleted_only_once_the_person_agrees(
    core, open_window, three, qtbot, wait_for
):
    first, _, _ = three
    wait_for(core.store.run(drafts.set_state, first, DraftState.SCHEDULED, in_seconds(3600)))
    window = open_window(core)
    open_in_editor(window, qtbot, first)

    qtbot.keyClick(window.editor.body_edit, Key.Key_Delete, CTRL_SHIFT)
    qtbot.waitUntil(lambda: window.deletion.asking is not None)
    box = window.deletion.asking
    assert "is scheduled to publish on " in box.text() and "publish will not happen" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(box, Key.Key_Escape)  # Cancel: nothing changes
    qtbot.waitUntil(lambda: window.deletion.asking is None)
    assert deleted_at(core, wait_for, first) is None
    window.activateWindow()  # a window manager does this; offscreen Qt has none
    qtbot.waitUntil(window.isActiveWindow)
    window.editor.body_edit.setFocus()

    qtbot.keyClick(window.editor.body_edit, Key.Key_Delete, CTRL_SHIFT)
    qtbot.waitUntil(lambda: window.deletion.asking is not None)
    box = window.deletion.asking
    [delete] = [b for b in box.buttons() if b.text() == "Delete draft"]
    delete.click()
    qtbot.waitUntil(lambda: deleted_at(core, wait_for, first) is not None)
    qtbot.waitUntil(lambda: window.editor.draft_id != first)


def test_the_deleted_drafts_dialog_restores_by_keyboard_newest_first(
    core, open_window, three, qtbot, wait_for
):
    first, second, third = three
    wait_for(core.store.run(drafts.set_state, first, DraftState.SCHEDULED, in_seconds(3600)))
    wait_for(core.drafts.delete(first, drop_schedule=True))
    wait_for(core.drafts.delete(third))
    window = open_window(core)
    qtbot.waitUntil(lambda: listed(window) == [second])

    window.menus.entries["window.deleted_drafts"].trigger()  # File > Deleted drafts…

    dialog = window.deletion.dialog
    assert isinstance(dialog, DeletedDraftsDialog)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.view.hasFocus())
    model = dialog.model
    rows = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert rows == ["Third", "First (was scheduled)"]  # the most recently deleted first
    assert model.index(1, 2).data() == "First words, edited."
    # Rows with room around their words, as in the app's other tables (not pressed
    # together: a tree's rows were as tall as the text, "just now" against the lines).
    line = dialog.view.fontMetrics().height()
    assert dialog.view.rowHeight(0) >= line * 1.5
    assert dialog.view.columnWidth(1) >= dialog.view.fontMetrics().horizontalAdvance("just now")
    qtbot.keyClick(dialog.view, Key.Key_Down)
    qtbot.keyClick(dialog.view, Key.Key_Return)  # Restore

    qtbot.waitUntil(lambda: deleted_at(core, wait_for, first) is None)
    assert wait_for(core.drafts.get(first)).state is DraftState.DRAFT
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    qtbot.waitUntil(lambda: window.editor.draft_id == first)
    assert "restored as a plain draft" in window.status.currentMessage()
    qtbot.waitUntil(lambda: set(listed(window)) == {first, second})
    assert deleted_at(core, wait_for, third) is not None  # only the one chosen came back

    window.menus.entries["window.deleted_drafts"].trigger()
    dialog = window.deletion.dialog
    qtbot.waitUntil(lambda: dialog.loaded and dialog.view.hasFocus())
    qtbot.keyClick(dialog.view, Key.Key_Escape)  # closes, restoring nothing
    qtbot.waitUntil(lambda: window.deletion.dialog is None)
    assert deleted_at(core, wait_for, third) is not None


def test_the_deleted_drafts_model_passes_the_model_tester(qtmodeltester, core, wait_for):
    from ui.editor.deleted_dialog import DeletedDraftsModel

    for title in ("A", "B"):
        wait_for(core.drafts.delete(wait_for(core.drafts.new(title, "Text."))))
    model = DeletedDraftsModel()
    model.show(wait_for(core.drafts.deleted()))
    qtmodeltester.check(model)


def test_a_deleted_draft_opened_from_an_older_list_is_shown_read_only(
    core, open_window, three, qtbot, wait_for
):
    first = three[0]
    window = open_window(core)
    wait_for(core.drafts.delete(first))
    window.sidebar.choose("drafts")
    window.editor.open_draft(first)  # as a search result chosen before the delete does
    editor = window.editor
    qtbot.waitUntil(lambda: editor.draft_id == first and editor.body_edit.isEnabled())
    assert editor.body_edit.isReadOnly() and editor.title_edit.isReadOnly()
    assert not editor.publish_button.isEnabled()
    assert "This draft is deleted" in editor.banner.text()
