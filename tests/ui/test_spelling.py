"""Spell checking in the text boxes that are sent: underlined as you type (judged on the
spelling thread, never on the event loop), suggestions on right-click and Ctrl+., words
added to the personal dictionary kept across runs, and the language chosen per box.

Real dictionaries: hunspell's en_US and en_GB (Debian hunspell-en-us, hunspell-en-gb)
through pyenchant, as the installed app uses them.
"""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit, QMenu, QPlainTextEdit

from app.text.spelling import Spelling, words
from ui.spelling import attach_spell_check

pytestmark = pytest.mark.skipif(
    not {"en_US", "en_GB"} <= set(Spelling(None).languages()),
    reason="needs the hunspell en_US and en_GB dictionaries (apt: hunspell-en-us hunspell-en-gb)",
)


@pytest.fixture(autouse=True)
def collect_on_the_main_thread():
    """Python's collector runs on whichever thread allocates: collect the last test's
    widgets here, on the main thread, not on the spelling thread (Qt objects must die on
    the thread they live on)."""
    gc.collect()
    yield
    gc.collect()


@pytest.fixture
def spelling(tmp_path):
    checker = Spelling(tmp_path / "dictionary.txt")
    yield checker
    checker.close()


def _underlined_soon(qtbot, check, expected):
    qtbot.waitUntil(lambda: check.misspelt() == expected, timeout=5000)


def test_words_leave_out_links_variables_names_and_markdown_targets():
    text = (
        "Hi {first_name}, see https://example.org and [the notes](https://x.y/z) it’s "
        "GitHub KPI ana@example.org don't"
    )
    found = words(text)
    assert [w.text for w in found] == ["Hi", "see", "and", "the", "notes", "it’s", "don't"]
    assert all(text[w.start : w.end] == w.text for w in found)


def test_misspelt_words_are_underlined_as_you_type(qtbot, spelling):
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    check = attach_spell_check(edit, spelling, "en_US")
    qtbot.keyClicks(edit, "Thank you for teh question")
    _underlined_soon(qtbot, check, ["teh"])
    edit.appendPlainText("Anotherr paragraph, fine.")
    _underlined_soon(qtbot, check, ["teh", "Anotherr"])


def test_the_dictionary_is_asked_on_the_spelling_thread_only(qtbot, spelling, monkeypatch):
    asked_on = set()
    checker = spelling.checker("en_US")
    assert checker is not None
    original = type(checker).is_correct

    def recording(self, word):
        asked_on.add(threading.current_thread().name)
        return original(self, word)

    monkeypatch.setattr(type(checker), "is_correct", recording)
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    check = attach_spell_check(edit, spelling, "en_US")
    edit.setPlainText("A sentense")
    _underlined_soon(qtbot, check, ["sentense"])
    assert asked_on and all(name.startswith("spelling") for name in asked_on)


def test_right_click_offers_suggestions_and_replaces_the_word(qtbot, spelling):
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    edit.resize(400, 200)
    edit.show()
    check = attach_spell_check(edit, spelling, "en_US")
    edit.setPlainText("Thanks for the qestion")
    _underlined_soon(qtbot, check, ["qestion"])
    cursor = edit.textCursor()
    cursor.setPosition(len("Thanks for the qe"))
    where = edit.cursorRect(cursor).center()
    with qtbot.waitSignal(check.menuShown, timeout=5000) as shown:
        edit.customContextMenuRequested.emit(where)
    menu: QMenu = shown.args[0]
    texts = [a.text() for a in menu.actions()]
    assert "question" in texts
    assert "Add “qestion” to dictionary" in texts
    assert any(a.text() == "&Copy\tCtrl+C" or "Copy" in a.text() for a in menu.actions())
    next(a for a in menu.actions() if a.text() == "question").trigger()
    menu.close()
    assert edit.toPlainText() == "Thanks for the question"
    _underlined_soon(qtbot, check, [])


def test_ctrl_period_opens_the_suggestions_at_the_cursor(qtbot, spelling):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    check = attach_spell_check(edit, spelling, "en_US")
    edit.setText("Quarterly reslts")
    _underlined_soon(qtbot, check, ["reslts"])
    edit.setFocus()
    edit.setCursorPosition(len("Quarterly res"))
    with qtbot.waitSignal(check.menuShown, timeout=5000) as shown:
        qtbot.keyClick(edit, Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier)
    menu: QMenu = shown.args[0]
    assert "results" in [a.text() for a in menu.actions()]
    assert menu.activeAction() is menu.actions()[0]  # the keyboard is in the menu
    next(a for a in menu.actions() if a.text() == "results").trigger()
    menu.close()
    assert edit.text() == "Quarterly results"


def test_added_words_are_kept_for_the_next_run_in_every_language(qtbot, tmp_path):
    first = Spelling(tmp_path / "dictionary.txt")
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    check = attach_spell_check(edit, first, "en_US")
    edit.setPlainText("Ask Fireside about Quillfeather")
    _underlined_soon(qtbot, check, ["Quillfeather"])
    check.add_to_dictionary("Quillfeather")
    _underlined_soon(qtbot, check, [])
    first.in_background(lambda: None).result(timeout=5)  # the word is written
    first.close()

    again = Spelling(tmp_path / "dictionary.txt")
    british = again.checker("en_GB")
    assert british is not None and british.is_correct("Quillfeather")
    assert not british.is_correct("Quilfeather")
    again.close()


def test_the_language_is_chosen_per_box(qtbot, spelling):
    american, british = QPlainTextEdit(), QPlainTextEdit()
    for edit in (american, british):
        qtbot.addWidget(edit)
        edit.setPlainText("The colour of the organisation")
    us = attach_spell_check(american, spelling, "en_US")
    gb = attach_spell_check(british, spelling, "en_GB")
    _underlined_soon(qtbot, us, ["colour", "organisation"])
    _underlined_soon(qtbot, gb, [])
    with qtbot.waitSignal(us.languageChanged):
        us.set_language("en_GB")
    _underlined_soon(qtbot, us, [])


def test_no_dictionary_for_the_language_marks_nothing(qtbot, spelling):
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    check = attach_spell_check(edit, spelling, "xx_NOPE")
    with qtbot.waitSignal(check.checked, timeout=5000):
        edit.setPlainText("Qwzx blorf")
    assert check.misspelt() == []


def test_the_menu_offers_the_installed_languages(qtbot, spelling):
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    check = attach_spell_check(edit, spelling, "en_GB")
    with qtbot.waitSignal(check.menuShown, timeout=5000) as shown:
        edit.customContextMenuRequested.emit(QPoint(2, 2))
    menu: QMenu = shown.args[0]
    languages = next(a.menu() for a in menu.actions() if a.text() == "Spelling language")
    assert {"en_GB", "en_US"} <= {a.text() for a in languages.actions()}
    assert [a.text() for a in languages.actions() if a.isChecked()] == ["en_GB"]
    menu.close()


def test_the_reply_composer_and_the_outbox_edit_are_checked(window, qtbot):
    qtbot.keyClick(window.inbox.list, "r")
    composer = window.inbox.composer
    qtbot.waitUntil(composer.isVisible)
    composer.template.setPlainText("Hi {first_name}, thanks for teh question")
    qtbot.waitUntil(lambda: composer.spelling.misspelt() == ["teh"], timeout=5000)
    assert window.outbox.body.property("spellCheck") is True


def test_new_underlines_are_no_change_of_the_text(qtbot, spelling):
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    check = attach_spell_check(edit, spelling, "en_US")
    edit.setPlainText("A sentense with a typo")
    changes = []
    edit.textChanged.connect(lambda: changes.append(edit.toPlainText()))
    _underlined_soon(qtbot, check, ["sentense"])
    check.set_language("en_GB")
    _underlined_soon(qtbot, check, ["sentense"])
    assert changes == []  # an autosave or a preview would otherwise run for nothing
