"""Batch replies in the real main window over a synced sandbox inbox: select several (keys
and "same question"), see every personalised reply, queue them all with Ctrl+Enter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain import InboxView
from app.store import comments
from app.text.templates import personalise
from ui.batch.dialog import BatchReplyDialog

pytestmark = pytest.mark.ui

TEMPLATE = "Thanks for asking, {first_name}.\n\n{question}\n\nMore on Friday."


def open_dialog(qtbot, window) -> BatchReplyDialog:
    qtbot.keyClick(window.inbox.list, "r")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), BatchReplyDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)  # its keys work once active
    return dialog


def write(qtbot, dialog: BatchReplyDialog, template: str) -> None:
    """Type the template (QTest types no newline characters: press Enter for them)."""
    dialog.template.clear()
    first, *rest = template.split("\n")
    qtbot.keyClicks(dialog.template, first)
    for line in rest:
        qtbot.keyClick(dialog.template, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.template, line)


def expected_bodies(core, ids: list[int], template: str) -> dict[int, str]:
    db = core.store.reader()
    rows = {i: comments.get_comment(db, i) for i in ids}
    return {i: personalise(template, r["author_name"], r["body_text"]) for i, r in rows.items()}


def queued(core, wait_for) -> dict[int, str]:
    return {item["comment_id"]: item["body"] for item in wait_for(core.outbox_items())}


def test_select_several_preview_and_queue_with_ctrl_enter(window, synced_core, qtbot,
                                                          wait_for):
    inbox = window.inbox
    for _ in range(3):
        qtbot.keyClick(inbox.list, "J", Qt.KeyboardModifier.ShiftModifier)
    chosen = inbox.model.ids()[:4]
    assert inbox.selected_ids() == chosen
    assert inbox.hint.text() == "4 selected · r replies to all"

    dialog = open_dialog(qtbot, window)
    write(qtbot, dialog, TEMPLATE)
    bodies = expected_bodies(synced_core, chosen, TEMPLATE)
    first_names = [comments.get_comment(synced_core.store.reader(), i)["author_name"].split()[0]
                   for i in chosen]
    qtbot.waitUntil(lambda: all(f"Thanks for asking, {name}." in dialog.preview.text()
                                for name in first_names))
    assert dialog.preview_title.text() == "Preview of every reply (4)"

    with qtbot.waitSignal(dialog.queued):
        qtbot.keyClick(dialog.template, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert queued(synced_core, wait_for) == bodies
    qtbot.waitUntil(lambda: not set(chosen) & set(inbox.model.ids()))
    assert window.status.currentMessage().startswith("Queued 4 replies")
    assert inbox.current_id() == inbox.model.ids()[0]


def test_same_question_selects_the_group_and_replies_to_all(window, synced_core, qtbot,
                                                            wait_for):
    inbox = window.inbox
    target = next(i for i in inbox.model.ids()
                  if len(wait_for(synced_core.same_question(i))) >= 3)
    group = wait_for(synced_core.same_question(target))
    inbox.select_id(target)

    qtbot.keyClick(inbox.list, "g")
    qtbot.waitUntil(lambda: inbox.searching and inbox.model.rowCount() == len(group))
    assert inbox.model.ids() == group
    assert inbox.selected_ids() == group
    assert inbox.title.text() == f"Same question · {len(group)}"

    dialog = open_dialog(qtbot, window)
    assert dialog._ids == group
    write(qtbot, dialog, "Hi {name}: {question}")
    with qtbot.waitSignal(dialog.queued):  # Ctrl and the keypad's Enter
        qtbot.keyClick(dialog.template, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.KeypadModifier)
    assert queued(synced_core, wait_for) == expected_bodies(synced_core, group,
                                                            "Hi {name}: {question}")


def test_a_bad_variable_is_explained_and_nothing_is_queued(window, synced_core, qtbot,
                                                           wait_for):
    dialog = open_dialog(qtbot, window)
    write(qtbot, dialog, "Hi {nam}")
    qtbot.waitUntil(lambda: "Unknown variable {nam}" in dialog.error.text())
    qtbot.keyClick(dialog.template, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dialog.queue_button.isEnabled)
    assert dialog.isVisible()
    assert wait_for(synced_core.outbox_items()) == []
    dialog.reject()


def test_insert_buttons_put_the_question_on_its_own_lines(window, qtbot):
    dialog = open_dialog(qtbot, window)
    write(qtbot, dialog, "Hi ")
    qtbot.keyClick(dialog.template, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.template, ", you asked:")
    qtbot.keyClick(dialog.template, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert dialog.template.toPlainText() == "Hi {first_name}, you asked:\n\n{question}\n\n"
    dialog.reject()


def test_ctrl_a_selects_the_whole_view_beyond_the_loaded_page(window, synced_core, qtbot):
    window.sidebar.choose("inbox", InboxView.ALL)
    inbox = window.inbox
    total = comments.view_count(synced_core.store.reader(), InboxView.ALL)
    assert inbox.model.rowCount() < total
    qtbot.keyClick(inbox.list, "a", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(inbox.list.selectionModel().selectedRows()) == total)
    assert len(set(inbox.selected_ids())) == total
