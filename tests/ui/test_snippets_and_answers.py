"""Snippets and the answer library in the window (pytest-qt, real sandbox sync): snippets
kept from File > Snippets… (a bad one says why and keeps its words), inserted in the reply
with Ctrl+; and a filter typed as you go; an answered question's answer offered, with when
it was given, for the same question asked again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import events as ev
from app.domain import InboxView
from app.domain.library import SnippetContent
from app.store import snippets
from app.timeutil import now
from ui.batch import SnippetsDialog

pytestmark = pytest.mark.ui


def open_snippets(window, qtbot) -> SnippetsDialog:
    entry = window.menus.entries["window.snippets"]  # File > Snippets…
    assert entry in window.menus.menus["&File"].actions()
    entry.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SnippetsDialog))
    return QApplication.activeModalWidget()


def add(dialog: SnippetsDialog, qtbot, name: str, body: str) -> None:
    dialog.new()
    dialog.name.setText(name)
    dialog.body.setPlainText(body)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.problem.text() == "Saved.")


def test_snippets_are_kept_changed_and_deleted(window, qtbot, wait_for):
    dialog = open_snippets(window, qtbot)
    add(dialog, qtbot, "Office days", "Hi {first_name}, office days start in May.")
    add(dialog, qtbot, "Thanks", "Thank you, {first_name}!")
    qtbot.waitUntil(lambda: dialog.list.count() == 2)
    assert [dialog.list.item(i).text() for i in range(2)] == ["Office days", "Thanks"]

    dialog.new()
    dialog.name.setText("Broken")
    dialog.body.setPlainText("Hi {firstname}, see you.")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Unknown variable {firstname}" in dialog.problem.text())
    assert dialog.body.toPlainText() == "Hi {firstname}, see you."  # not a word lost
    assert len(wait_for(window.inbox.core.snippets.all())) == 2

    dialog.list.setCurrentRow(1)
    assert dialog.name.text() == "Thanks"
    dialog.body.setPlainText("Thanks a lot, {first_name}!")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.problem.text() == "Saved.")
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: dialog.problem.text() == "Deleted “Thanks”.")
    kept = wait_for(window.inbox.core.snippets.all())
    assert [(s.name, s.body) for s in kept] == [
        ("Office days", "Hi {first_name}, office days start in May.")
    ]
    dialog.reject()


def test_a_snippet_is_found_as_you_type_and_inserted_at_the_cursor(window, qtbot, wait_for):
    core = window.inbox.core
    wait_for(core.snippets.save(None, "Office days", "Office days start in May, {first_name}."))
    wait_for(core.snippets.save(None, "Bonus", "Bonuses are paid in March."))
    wait_for(core.snippets.save(None, "Parking", "Parking is free on site."))
    qtbot.keyClick(window.inbox.list, "r")
    composer = window.inbox.composer
    qtbot.waitUntil(lambda: composer.isVisible() and composer.template.hasFocus())
    before = composer.template.toPlainText()
    qtbot.keyClick(composer.template, Qt.Key.Key_Semicolon, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(composer, "picker", None) is not None)
    picker = composer.picker
    qtbot.waitUntil(picker.field.hasFocus)
    assert picker.filtered.rowCount() == 3
    qtbot.keyClicks(picker.field, "may")  # the text matches as well as the name
    assert picker.filtered.rowCount() == 1
    qtbot.keyClicks(picker.field, " zebra")
    assert picker.filtered.rowCount() == 0 and "No snippet holds" in picker.empty.text()
    picker.field.clear()
    qtbot.keyClicks(picker.field, "par")
    assert picker.filtered.rowCount() == 1
    qtbot.keyClick(picker.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: composer.template.toPlainText() == before + "Parking is free on site.")
    assert window.focusWidget() is composer.template  # the keyboard is back in the reply
    window.activateWindow()  # a window manager does this once the small dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    qtbot.keyClick(composer.template, Qt.Key.Key_Semicolon, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: composer.picker is not picker and composer.picker.isVisible())
    picker = composer.picker
    qtbot.keyClick(picker.field, Qt.Key.Key_Down)  # Down moves in the list from the filter
    assert picker.list.currentIndex().row() == 1
    qtbot.keyClick(picker.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not picker.isVisible())
    assert composer.template.toPlainText() == before + "Parking is free on site."


def _a_group(core, wait_for) -> list[int]:
    """An open question and the others G would tick beside it (the sandbox has such)."""
    wait_for(core.grouping.catch_up(), timeout=120_000)
    rows = core.store.reader().execute(
        "SELECT id FROM comments WHERE is_question = 1 AND is_mine = 0 AND answered = 0 "
        "AND triage_state = 'open' AND deleted = 0 ORDER BY id DESC LIMIT 60"
    )
    for (seed,) in rows.fetchall():
        matches = wait_for(core.grouping.matches(seed))
        ticked = [m.comment_id for m in matches if m.confidence.preselected]
        if ticked:
            return [seed, *ticked]
    raise AssertionError("the sandbox has no question G ticks others beside")


def test_an_answer_is_offered_for_the_same_question_later(window, qtbot, wait_for):
    core = window.inbox.core
    first, later, *_ = _a_group(core, wait_for)
    answer = "Hi {first_name}, office days start in May; details on the intranet."
    wait_for(core.replies.queue([first], answer))

    past = wait_for(core.answers.suggest(later))
    assert past is not None and past.comment_id == first and past.answer == answer
    assert past.given_at[:10] == now().isoformat()[:10]

    window.sidebar.choose("inbox", InboxView.ALL)
    qtbot.waitUntil(lambda: window.inbox.model.view is InboxView.ALL)
    window.inbox.compose([later])
    composer = window.inbox.composer
    qtbot.waitUntil(composer.past.isVisible)
    assert composer.past.text.text().startswith("You answered this question ")
    assert past.author_name in composer.past.text.text()
    composer.template.setFocus()
    qtbot.keyClick(composer.template, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: composer.template.toPlainText() == answer)
    assert "earlier answer" in composer.error.text()


def test_an_answer_taken_back_is_not_offered(window, qtbot, wait_for):
    core = window.inbox.core
    first, later, *_ = _a_group(core, wait_for)
    assert wait_for(core.answers.suggest(later)) is None  # nothing answered yet
    core.undo_send.seconds = 60  # replies wait a minute before they leave
    wait_for(core.replies.queue([first], "Hi {first_name}, in May."))
    assert wait_for(core.answers.suggest(later)) is not None
    wait_for(core.inbox.undo())  # the batch reply is undone: its replies cancelled
    assert wait_for(core.answers.suggest(later)) is None


def test_snippets_a_sync_brings_show_in_the_open_list(window, qtbot, wait_for):
    """What a workspace sync writes (as ``app.core.snippet_sharing`` does) reaches the open
    dialog through ``SnippetsChanged``: the list is read again, the snippet open here
    follows the other laptop's change, and words typed here are never replaced."""
    core = window.inbox.core
    dialog = open_snippets(window, qtbot)
    add(dialog, qtbot, "Thanks", "Thank you, {first_name}!")
    qtbot.waitUntil(lambda: dialog.list.count() == 1)
    dialog.list.setCurrentRow(0)
    (thanks,) = wait_for(core.snippets.all())

    def brought(write, *args) -> None:
        wait_for(core.store.run(write, *args))
        core.events.emit(ev.SnippetsChanged(from_workspace=True))

    brought(snippets.put_shared, "s-hours", SnippetContent("Hours", "We open at 9."), None)
    brought(snippets.put_shared, thanks.uid, SnippetContent("Thanks", "Merci !"), thanks)
    qtbot.waitUntil(lambda: dialog.body.toPlainText() == "Merci !")
    assert [dialog.list.item(i).text() for i in range(2)] == ["Hours", "Thanks"]
    assert dialog.problem.text() == "Changed on another device."
    assert dialog.list.currentItem().text() == "Thanks"

    dialog.body.setPlainText("Merci beaucoup !")  # typed here: it stays
    (now,) = [s for s in wait_for(core.snippets.all()) if s.name == "Thanks"]
    brought(snippets.delete_shared, now)
    qtbot.waitUntil(lambda: "deleted on another device while you" in dialog.problem.text())
    assert dialog.body.toPlainText() == "Merci beaucoup !" and dialog.list.count() == 1
    dialog.save_button.click()  # kept again, as a new snippet
    qtbot.waitUntil(lambda: dialog.problem.text() == "Saved.")
    kept = wait_for(core.snippets.all())
    assert [(s.name, s.body) for s in kept] == [
        ("Hours", "We open at 9."),
        ("Thanks", "Merci beaucoup !"),
    ]

    # Changed there while typed into here: both texts are kept, as two snippets.
    (thanks,) = [s for s in kept if s.name == "Thanks"]
    dialog.body.setPlainText("Merci mille fois !")
    brought(snippets.put_shared, thanks.uid, SnippetContent("Thanks", "Danke!"), thanks)
    qtbot.waitUntil(lambda: "changed on another device while you" in dialog.problem.text())
    assert dialog.body.toPlainText() == "Merci mille fois !"
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.problem.text() == "Saved.")
    kept = wait_for(core.snippets.all())
    assert [(s.name, s.body) for s in kept] == [
        ("Hours", "We open at 9."),
        ("Thanks", "Danke!"),
        ("Thanks", "Merci mille fois !"),
    ]

    dialog.list.setCurrentRow(0)
    (hours,) = [s for s in kept if s.name == "Hours"]
    brought(snippets.delete_shared, hours)  # untouched here: it goes
    qtbot.waitUntil(lambda: dialog.problem.text() == "“Hours” was deleted on another device.")
    assert dialog.name.text() == "" and dialog.list.count() == 2
