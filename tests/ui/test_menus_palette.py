"""Discoverable: a menu bar made from the command registry (every command, with its keys),
New draft from anywhere, a command palette over the same commands, and About with the
version and every bundled library's licence.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel

import app
from app.licences import bundled_libraries
from ui.actions import COMMANDS
from ui.actions.menus import MENUS, entry_text, menu_of
from ui.actions.palette import CommandPalette, matches


def test_every_command_has_a_menu_entry_with_its_keys(window):
    bar = [action.text() for action in window.menuBar().actions()]
    assert bar == list(MENUS)
    for command in window.commands():
        entry = window.menus.entries[command.name]
        assert entry in window.menus.menus[menu_of(command)].actions(), command.name
        label, _, keys = entry.text().partition("\t")
        assert label == command.label
        if command.keys:
            assert (
                QKeySequence(keys) == QKeySequence(command.keys[0])
                or keys == (command.key_text.split(" or ")[0])
            ), command.name
        assert entry.text() == entry_text(command)


def test_a_menu_entry_runs_its_command_where_the_keyboard_is(window, qtbot):
    menus = window.menus
    first = window.inbox.current_id()
    for menu in menus.menus.values():
        menu.aboutToShow.emit()
    assert menus.entries["inbox.next"].isEnabled()
    assert not menus.entries["editor.publish"].isEnabled()  # the editor is not showing
    menus.entries["inbox.next"].trigger()
    qtbot.waitUntil(lambda: window.inbox.current_id() != first)


def test_ctrl_n_opens_a_new_draft_from_the_inbox(window, synced_core, qtbot, wait_for):
    before = len(wait_for(synced_core.drafts.summaries()))
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.editor.draft_id is not None)
    assert window.pages.currentWidget() is window.editor
    qtbot.waitUntil(window.editor.title_edit.hasFocus)
    assert len(wait_for(synced_core.drafts.summaries())) == before + 1


def test_the_palette_finds_and_runs_a_command(window, qtbot):
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.findChild(CommandPalette)
    assert palette is not None
    qtbot.waitUntil(palette.field.hasFocus)
    labels = [palette.list.item(i).text() for i in range(palette.list.count())]
    assert any(text.startswith("Mark done") for text in labels)
    assert not any(text.startswith("Keep this text as a version") for text in labels)
    qtbot.keyClicks(palette.field, "go outbox")
    assert palette.chosen() == "window.outbox"
    qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.outbox)


def test_the_palette_moves_with_up_and_down_and_keeps_the_keyboard(window, qtbot):
    palette = window.show_palette()
    qtbot.waitUntil(palette.field.hasFocus)
    qtbot.keyClicks(palette.field, "go to")
    first = palette.chosen()
    qtbot.keyClick(palette.field, Qt.Key.Key_Down)
    assert palette.chosen() not in (None, first)
    assert palette.field.hasFocus()
    qtbot.keyClick(palette.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not palette.isVisible())


def test_palette_words_match_in_any_order():
    command = next(c for c in COMMANDS if c.name == "window.new_draft")
    assert matches(command, "draft new") and matches(command, "ctrl+n")
    assert not matches(command, "publish")


def test_about_shows_the_version_and_every_library_licence(window, qtbot):
    dialog = window.show_about()
    expected = bundled_libraries()
    names = {library.name for library in expected}
    assert {"PySide6_Essentials", "httpx", "pyenchant", "msal", "nh3"} <= names
    qtbot.waitUntil(lambda: dialog.libraries.count() == len(expected))
    row = next(i for i, library in enumerate(expected) if library.name == "httpx")
    dialog.libraries.setCurrentRow(row)
    notice = dialog.notice.toPlainText()
    assert "BSD-3-Clause" in notice and "Redistribution and use" in notice
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert f"Fireside {app.__version__}" in texts
    assert any(text.startswith("Python ") and " Qt " in text for text in texts)
    dialog.close()
    QApplication.processEvents()
