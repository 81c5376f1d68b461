"""A reply is spell checked in its account's language, chosen in the Accounts dialog
("Spell check replies in", defaulting to the system's)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.text.spelling import Spelling
from ui.accounts.dialog import AccountsDialog
from ui.accounts.language import SYSTEM

pytestmark = [
    pytest.mark.ui,
    pytest.mark.skipif(
        len(Spelling(None).languages()) < 2,
        reason="needs two hunspell dictionaries (apt: hunspell-en-us hunspell-en-gb)",
    ),
]


def test_the_accounts_language_checks_its_replies(window, synced_core, qtbot, wait_for):
    composer = window.inbox.composer
    answered = window.inbox.current_id()
    qtbot.keyClick(window.inbox.list, "r")
    qtbot.waitUntil(lambda: composer.isVisible() and composer.template.hasFocus())
    assert composer.spelling.language is None  # the system's, until the account says
    qtbot.keyClick(composer.template, Qt.Key.Key_Escape)

    qtbot.keyClick(
        window.inbox.list,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.findChild(AccountsDialog) is not None)
    dialog = window.findChild(AccountsDialog)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.language.combo.count() > 2)
    combo = dialog.language.combo
    system = synced_core.spelling.default_language()
    assert dialog.language.isVisible() and combo.currentText() == f"{SYSTEM} ({system})"
    other = next(combo.itemData(i) for i in range(1, combo.count()) if combo.itemData(i) != system)
    qtbot.keyClick(dialog, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # the label's key
    qtbot.waitUntil(combo.hasFocus)
    while combo.currentData() != other:
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # each step is the person's choice

    qtbot.waitUntil(lambda: [a.language for a in wait_for(synced_core.accounts.list())] == [other])
    qtbot.waitUntil(lambda: dialog.selected().language == other)
    qtbot.keyClick(combo, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(AccountsDialog) is None)

    window.inbox.compose([answered])  # what r does (offscreen, the window is not active again)
    qtbot.waitUntil(lambda: composer.isVisible() and composer.spelling.language == other)
