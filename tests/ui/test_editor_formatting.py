"""The editor as a writer expects it: Tab from the title goes into the text, a formatting
toolbar with the usual keys (each change one step of undo), the preview at the text's
font size, and spell checking in the title and the text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QToolButton

from app.core import Core
from ui.bridge import CoreBridge
from ui.editor.panel import EditorPanel

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def panel(core: Core, qtbot, settle) -> Iterator[EditorPanel]:
    bridge = CoreBridge(core.events)
    widget = EditorPanel(core, bridge)
    bridge.setParent(widget)
    widget.resize(1000, 600)
    widget.show()
    widget.activateWindow()
    widget.new_draft()
    qtbot.waitUntil(lambda: widget.draft_id is not None and widget.body_edit.isEnabled())
    yield widget
    settle(widget)


def write(panel: EditorPanel, qtbot, text: str) -> None:
    """The text in the body, the keyboard in it."""
    panel.body_edit.setPlainText(text)
    panel.body_edit.setFocus()
    qtbot.waitUntil(panel.body_edit.hasFocus)


def select(panel: EditorPanel, start: int, end: int) -> None:
    cursor = panel.body_edit.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
    panel.body_edit.setTextCursor(cursor)


def test_tab_from_the_title_goes_into_the_text(panel, qtbot):
    panel.title_edit.setFocus()
    qtbot.waitUntil(panel.title_edit.hasFocus)
    qtbot.keyClick(panel.title_edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(panel.body_edit.hasFocus)
    qtbot.keyClick(panel.body_edit, Qt.Key.Key_Backtab, SHIFT)
    qtbot.waitUntil(panel.title_edit.hasFocus)


def test_ctrl_b_and_ctrl_i_format_the_selection_and_undo_in_one_step(panel, qtbot):
    body = panel.body_edit
    write(panel, qtbot, "Record quarter for the team")
    select(panel, 0, 6)
    qtbot.keyClick(body, Qt.Key.Key_B, CTRL)
    assert body.toPlainText() == "**Record** quarter for the team"
    assert body.textCursor().selectedText() == "Record"
    cursor = body.textCursor()
    cursor.setPosition(body.toPlainText().index("team") + 1)
    body.setTextCursor(cursor)
    qtbot.keyClick(body, Qt.Key.Key_I, CTRL)
    assert body.toPlainText() == "**Record** quarter for the _team_"
    body.undo()
    assert body.toPlainText() == "**Record** quarter for the team"


def test_the_toolbar_makes_lists_and_headings_and_the_keyboard_stays_in_the_text(panel, qtbot):
    body = panel.body_edit
    write(panel, qtbot, "Plans\nhire\nship")
    select(panel, 6, len(body.toPlainText()))
    buttons = {b.accessibleName(): b for b in panel.format_bar.findChildren(QToolButton)}
    assert {"Bold", "Italic", "Link", "Heading", "Bulleted list", "Numbered list"} <= set(buttons)
    qtbot.mouseClick(buttons["Bulleted list"], Qt.MouseButton.LeftButton)
    assert body.toPlainText() == "Plans\n- hire\n- ship"
    assert body.hasFocus()
    select(panel, 0, 0)
    qtbot.keyClick(body, Qt.Key.Key_1, CTRL | Qt.KeyboardModifier.AltModifier)
    assert body.toPlainText() == "## Plans\n- hire\n- ship"
    select(panel, 10, 10)
    qtbot.keyClick(body, Qt.Key.Key_N, CTRL | SHIFT)
    assert body.toPlainText() == "## Plans\n1. hire\n- ship"


def test_a_link_asks_for_the_address_and_refuses_what_is_not_one(panel, qtbot):
    body = panel.body_edit
    write(panel, qtbot, "Read the notes")
    select(panel, 9, 14)
    qtbot.keyClick(body, Qt.Key.Key_K, CTRL | SHIFT)
    qtbot.waitUntil(lambda: panel.findChild(QInputDialog) is not None)
    dialog = panel.findChild(QInputDialog)
    dialog.textValueSelected.emit("javascript:alert(1)")
    assert body.toPlainText() == "Read the notes"
    assert "not a web or e-mail address" in panel.status_label.text()
    dialog.textValueSelected.emit("https://example.org/notes")
    assert body.toPlainText() == "Read the [notes](https://example.org/notes)"
    dialog.close()


def test_the_preview_uses_the_text_font_size(panel):
    size = panel.body_edit.font().pointSizeF()
    assert panel.preview.font().pointSizeF() == pytest.approx(size)
    assert panel.preview.document().defaultFont().pointSizeF() == pytest.approx(size)


def test_title_and_text_are_spell_checked_in_one_language(panel, qtbot):
    if panel.body_spelling.language is None and not panel._core.spelling.languages():
        pytest.skip("no dictionary installed (apt: hunspell-en-us)")
    panel.title_edit.setText("Quartely update")
    panel.body_edit.setPlainText("We shiped it")
    qtbot.waitUntil(lambda: panel.title_spelling.misspelt() == ["Quartely"], timeout=5000)
    qtbot.waitUntil(lambda: panel.body_spelling.misspelt() == ["shiped"], timeout=5000)
    panel.body_spelling.set_language("en_GB")
    assert panel.title_spelling.language == "en_GB"


def test_the_language_chosen_stays_with_the_draft(panel, qtbot, wait_for):
    if not {"en_GB", "en_US"} <= set(panel._core.spelling.languages()):
        pytest.skip("needs the hunspell en_US and en_GB dictionaries")
    first = panel.draft_id
    panel.body_spelling.set_language("en_GB")
    qtbot.waitUntil(lambda: wait_for(panel._core.drafts.get(first)).language == "en_GB")
    panel.new_draft()
    qtbot.waitUntil(lambda: panel.draft_id not in (None, first) and panel.body_edit.isEnabled())
    assert panel.body_spelling.language is None  # a new draft: the system's language
    panel.open_draft(first)
    qtbot.waitUntil(lambda: panel.draft_id == first and panel.body_edit.isEnabled())
    assert panel.body_spelling.language == panel.title_spelling.language == "en_GB"
