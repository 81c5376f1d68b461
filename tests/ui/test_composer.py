"""The reply composer in the real window over a synced sandbox inbox: it sits under the
thread (the comment answered stays in sight), never loses a word (autosaved reply drafts,
Esc keeps them, the row is marked, r continues), lets any person be left out or their copy
be written by hand, flags a {question} with no question to quote, and undo send (Shift+U,
the status bar's countdown and button) brings queued replies back into it. Open while
other rows are browsed, it follows them until something is written, then says whose
draft it holds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain import OutboxState
from app.networks import registry
from app.store import comments
from app.text.templates import personalise
from ui.batch.copy_editor import CopyEditor
from ui.inbox.model import ROW_ROLE

pytestmark = pytest.mark.ui

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def open_composer(qtbot, window):
    qtbot.keyClick(window.inbox.list, "r")
    composer = window.inbox.composer
    qtbot.waitUntil(lambda: composer.isVisible() and composer.template.hasFocus())
    return composer


def test_the_composer_sits_under_the_thread_it_answers(window, qtbot):
    inbox = window.inbox
    answered = inbox.current_id()
    qtbot.waitUntil(lambda: inbox.thread_pane.comment_id == answered)
    composer = open_composer(qtbot, window)
    assert QApplication.activeModalWidget() is None  # no modal: the window stays usable
    assert composer.parentWidget() is inbox.thread_pane.parentWidget()  # one column
    assert inbox.thread_pane.isVisible() and inbox.thread_pane.comment_id == answered
    pane, box = inbox.thread_pane.geometry(), composer.geometry()
    assert box.top() >= pane.bottom()  # under it
    assert box.left() == pane.left() and box.width() == pane.width()


def test_esc_keeps_the_reply_as_a_draft_marked_on_its_row_and_r_continues_it(
    window, synced_core, qtbot, wait_for, announced
):
    inbox = window.inbox
    comment = inbox.current_id()
    composer = open_composer(qtbot, window)
    qtbot.keyClicks(composer.template, "I will find out by Friday")

    qtbot.keyClick(composer.template, Qt.Key.Key_Escape)

    assert not composer.isVisible()
    qtbot.waitUntil(inbox.list.hasFocus)
    qtbot.waitUntil(lambda: any("kept as a draft" in text for text in announced))
    qtbot.waitUntil(lambda: wait_for(synced_core.replies.drafts([comment])) != [])
    [draft] = wait_for(synced_core.replies.drafts([comment]))
    assert draft.template == "Hi {first_name},\n\nI will find out by Friday"
    qtbot.waitUntil(lambda: "Reply draft" in _row_words(inbox, comment))

    inbox.select_id(comment)
    composer = open_composer(qtbot, window)
    assert composer.template.toPlainText() == draft.template  # continues where it stopped


def test_a_reply_erased_back_to_nothing_is_no_draft(
    window, synced_core, qtbot, wait_for, announced
):
    """Typing, then erasing it all (or back to the greeting), leaves no reply draft: no
    "Reply draft" mark on the row, no "kept as a draft", and r starts with the greeting
    again (not an empty box that queues an empty reply)."""
    inbox = window.inbox
    comment = inbox.current_id()
    composer = open_composer(qtbot, window)
    qtbot.keyClicks(composer.template, "Half a thought")
    qtbot.waitUntil(lambda: "Reply draft" in _row_words(inbox, comment))
    for erased in ("", "Hi {first_name},\n\n"):
        composer.template.setPlainText(erased)
        qtbot.waitUntil(lambda: wait_for(synced_core.replies.drafts([comment])) == [])
        qtbot.waitUntil(lambda: "Reply draft" not in _row_words(inbox, comment))
        composer.template.setPlainText("Hi {first_name},\n\nHalf a thought")
        qtbot.waitUntil(lambda: wait_for(synced_core.replies.drafts([comment])) != [])
    composer.template.clear()

    qtbot.keyClick(composer.template, Qt.Key.Key_Escape)

    qtbot.waitUntil(lambda: wait_for(synced_core.replies.drafts([comment])) == [])
    qtbot.waitUntil(lambda: "Reply draft" not in _row_words(inbox, comment))
    assert not any("kept as a draft" in text for text in announced)
    inbox.select_id(comment)
    composer = open_composer(qtbot, window)
    assert composer.template.toPlainText() == "Hi {first_name},\n\n"


def test_what_is_typed_is_saved_without_closing(window, synced_core, qtbot, wait_for):
    comment = window.inbox.current_id()
    composer = open_composer(qtbot, window)
    qtbot.keyClicks(composer.template, "Typed and never closed")
    qtbot.waitUntil(
        lambda: (
            [d.template for d in wait_for(synced_core.replies.drafts([comment]))]
            == ["Hi {first_name},\n\nTyped and never closed"]
        ),
        timeout=5000,
    )


def test_a_person_can_be_left_out_and_another_copy_written_by_hand(
    window, synced_core, qtbot, wait_for
):
    inbox = window.inbox
    for _ in range(2):
        qtbot.keyClick(inbox.list, "J", SHIFT)
    three = inbox.selected_ids()
    composer = open_composer(qtbot, window)
    qtbot.waitUntil(lambda: composer.preview.previews.rowCount() == 3)
    left_out = composer.preview.previews.preview_at(0)
    composer.preview.setFocus()
    composer.preview.setCurrentIndex(composer.preview.previews.index(0))
    qtbot.keyClick(composer.preview, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: composer.preview.previews.rowCount() == 2)
    assert left_out.comment_id not in composer.comment_ids
    assert composer.queue_button.text().startswith("Queue 2 replies")

    hand = composer.preview.previews.preview_at(0)
    composer.preview.setCurrentIndex(composer.preview.previews.index(0))
    qtbot.keyClick(composer.preview, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: composer.findChild(CopyEditor) is not None)
    editor = composer.findChild(CopyEditor)
    editor.text.setPlainText("Written for you alone.")
    editor.accept()
    qtbot.waitUntil(lambda: "Written for you alone." in composer.preview.text())
    assert "written by hand" in composer.preview.text()

    window.activateWindow()  # a window manager does this once the small dialog closes
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(composer.queued):
        qtbot.keyClick(composer.template, Qt.Key.Key_Return, CTRL)
    bodies = {i.comment_id: i.body for i in wait_for(synced_core.outbox.items())}
    assert set(bodies) == set(three) - {left_out.comment_id}
    assert bodies[hand.comment_id] == "Written for you alone."


def test_a_comment_without_a_question_is_flagged(window, synced_core, qtbot):
    inbox = window.inbox
    db = synced_core.store.reader()
    shown = [comments.get_comment(db, i) for i in inbox.model.ids()]
    plain = next(c.id for c in shown if personalise("{question}", "", c.body_text).no_question)
    inbox.select_id(plain)
    composer = open_composer(qtbot, window)
    qtbot.keyClick(composer.template, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "No question in this comment" in composer.preview.text())
    assert "asked no question" in composer.error.text()
    assert composer.queue_button.isEnabled()  # a flag, not a block
    assert not composer.fallback.isVisible()  # everyone here has a name


def test_undo_send_brings_the_queued_reply_back_into_the_composer(
    window, synced_core, qtbot, wait_for, announced
):
    synced_core.undo_send.seconds = 120
    inbox = window.inbox
    comment = inbox.current_id()
    composer = open_composer(qtbot, window)
    qtbot.keyClicks(composer.template, "Sent too soon")
    with qtbot.waitSignal(composer.queued):
        qtbot.keyClick(composer.template, Qt.Key.Key_Return, CTRL)
    status = window.status
    qtbot.waitUntil(status.undo.isVisible)
    assert status.countdown.text().startswith("Sending 1 reply in 1")  # 120 s or just under
    assert status.undo.text() == "Undo (Shift+U)"
    assert status.outbox.text() == "Outbox 1"
    qtbot.waitUntil(inbox.list.hasFocus)

    qtbot.keyClick(inbox.list, "U", SHIFT)

    qtbot.waitUntil(lambda: composer.isVisible() and composer.template.hasFocus())
    assert composer.comment_ids == [comment]
    assert composer.template.toPlainText() == "Hi {first_name},\n\nSent too soon"
    assert {i.state for i in wait_for(synced_core.outbox.items())} == {OutboxState.CANCELLED}
    qtbot.waitUntil(lambda: not status.undo.isVisible())
    qtbot.waitUntil(lambda: any(text.startswith("Took back 1 reply") for text in announced))


def _row_words(inbox, comment_id: int) -> str:
    index = inbox.model.index(inbox.model.row_of(comment_id))
    return str(index.data(Qt.ItemDataRole.AccessibleDescriptionRole) or "") + str(
        index.data(Qt.ItemDataRole.AccessibleTextRole) or ""
    )


def test_the_comment_answered_is_scrolled_into_sight_under_a_long_parent(
    window, synced_core, qtbot, wait_for
):
    from app import events as ev
    from app.bootstrap import SANDBOX_ACCOUNT_ID
    from app.domain import Person, RemoteComment
    from app.timeutil import now_iso

    post = wait_for(
        synced_core.store.read(lambda db: db.execute("SELECT remote_id FROM posts").fetchone()[0])
    )

    def remote(ident: str, body: str, parent: str | None) -> RemoteComment:
        return RemoteComment(
            ident,
            post,
            parent,
            parent,
            Person(f"p-{ident}", "Ola Nord", "", ""),
            body,
            now_iso(),
            None,
            1,
        )

    long_parent = "".join(f"<p>Paragraph {n} of a long opening comment.</p>" for n in range(80))
    items = [
        remote("long-parent", long_parent, None),
        remote("answered", "<p>ANSWER-ME?</p>", "long-parent"),
    ]
    wait_for(
        synced_core.store.run(lambda db: comments.ingest(db, SANDBOX_ACCOUNT_ID, "Nobody", items))
    )
    synced_core.events.emit(ev.InboxChanged())
    answered = wait_for(
        synced_core.store.read(
            lambda db: db.execute(
                "SELECT id FROM comments WHERE remote_id = 'answered'"
            ).fetchone()[0]
        )
    )
    inbox = window.inbox
    inbox.show_rows(wait_for(synced_core.inbox.rows([answered])), "One", "")
    browser = inbox.thread_pane.browser
    qtbot.waitUntil(lambda: "ANSWER-ME?" in browser.toPlainText())
    assert browser.verticalScrollBar().value() == 0  # reading: from the top

    open_composer(qtbot, window)

    def in_sight() -> bool:
        cursor = browser.document().find("ANSWER-ME?")
        return browser.viewport().rect().contains(browser.cursorRect(cursor).center())

    qtbot.waitUntil(in_sight)
    assert browser.verticalScrollBar().value() > 0


def test_undo_send_of_a_post_opens_it_in_the_editor_as_a_draft(
    window, synced_core, qtbot, wait_for, announced
):
    synced_core.undo_send.seconds = 120
    draft_id = wait_for(synced_core.drafts.new("Town hall", "See you on Friday."))
    wait_for(synced_core.drafts.publish(draft_id, list(synced_core.networks)))
    qtbot.waitUntil(window.status.undo.isVisible)
    assert window.status.countdown.text().startswith("Sending the post in")

    qtbot.keyClick(window.inbox.list, "U", SHIFT)

    editor = window.editor
    qtbot.waitUntil(lambda: editor.isVisible() and editor.draft_id == draft_id)
    qtbot.waitUntil(lambda: editor.chip.text() == "Draft")
    assert not editor.body_edit.isReadOnly()
    qtbot.waitUntil(lambda: any(text.startswith("Took the post back") for text in announced))


def test_a_person_without_a_name_is_flagged_and_a_word_chosen_for_them(
    window, synced_core, qtbot, wait_for, monkeypatch
):
    # The sandbox network stands in for LinkedIn, whose commenters come without names.
    monkeypatch.setattr(registry, "names_people", lambda _network: False)
    composer = open_composer(qtbot, window)
    assert composer.template.toPlainText() == "Hi {first_name},\n\n"
    qtbot.keyClicks(composer.template, "Thanks for asking.")
    # the preview of the words typed (an earlier one, of the greeting alone, flags it too)
    qtbot.waitUntil(
        lambda: (
            (first := composer.preview.previews.preview_at(0)) is not None
            and first.text == "Hi,\n\nThanks for asking."
        )
    )
    assert "gives no name for {first_name}" in composer.preview.text()
    assert "is left out, the greeting closed up" in composer.error.text()
    assert composer.fallback.isVisible() and composer.queue_button.isEnabled()

    qtbot.keyClick(composer.template, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(composer.fallback.hasFocus)  # Alt+N: the "No name?" word
    qtbot.keyClicks(composer.fallback, "there")
    qtbot.waitUntil(
        lambda: composer.preview.previews.preview_at(0).text == "Hi there,\n\nThanks for asking."
    )
    assert "reads “there”" in composer.error.text()
    with qtbot.waitSignal(composer.queued):
        qtbot.keyClick(composer.fallback, Qt.Key.Key_Return, CTRL)
    [item] = wait_for(synced_core.outbox.items())
    assert item.body == "Hi there,\n\nThanks for asking."


def test_the_no_name_word_is_kept_with_the_reply_draft(
    window, synced_core, qtbot, wait_for, monkeypatch
):
    monkeypatch.setattr(registry, "names_people", lambda _network: False)
    comment = window.inbox.current_id()
    composer = open_composer(qtbot, window)
    qtbot.keyClicks(composer.template, "Thanks for asking.")
    qtbot.waitUntil(composer.fallback.isVisible)
    qtbot.keyClicks(composer.fallback, "there")
    qtbot.waitUntil(
        lambda: (
            [d.name_fallback for d in wait_for(synced_core.replies.drafts([comment]))] == ["there"]
        ),
        timeout=5000,
    )
    qtbot.keyClick(composer.fallback, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not composer.isVisible())
    composer.fallback.clear()  # as a restarted app's composer starts

    window.inbox.select_id(comment)
    composer = open_composer(qtbot, window)
    assert composer.fallback.text() == "there"
    qtbot.waitUntil(
        lambda: (
            (first := composer.preview.previews.preview_at(0)) is not None
            and first.text == "Hi there,\n\nThanks for asking."
        )
    )


def _click_row(qtbot, inbox, row: int) -> None:
    rect = inbox.list.visualRect(inbox.model.index(row))
    qtbot.mouseClick(inbox.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _someone_else(inbox) -> tuple[int, int, str]:
    """The first row below the top one written by someone else: (row, comment, author)."""
    first = inbox.model.index(0).data(ROW_ROLE).author_name
    for row in range(1, inbox.model.rowCount()):
        data = inbox.model.index(row).data(ROW_ROLE)
        if data.author_name != first:
            return row, data.id, data.author_name
    raise AssertionError("every loaded row is by one person")


def test_the_composer_follows_the_rows_browsed_while_nothing_is_written(window, qtbot):
    """It kept "To Sara Ortiz" while the thread beside it showed someone else's comment."""
    inbox = window.inbox
    first = inbox.model.index(0).data(ROW_ROLE)
    composer = open_composer(qtbot, window)
    qtbot.waitUntil(lambda: composer.recipients.text() == f"To {first.author_name}")
    row, comment, author = _someone_else(inbox)

    _click_row(qtbot, inbox, row)

    qtbot.waitUntil(lambda: composer.recipients.text() == f"To {author}")
    assert composer.comment_ids == [comment] and composer.isVisible()
    assert inbox.thread_pane.comment_id == comment
    assert inbox.list.hasFocus()  # browsing keeps the keyboard in the list
    assert composer.queue_button.text().startswith("Queue 1 reply")


def test_words_written_stay_with_their_comment_and_the_composer_says_whose_draft(
    window, synced_core, qtbot, wait_for
):
    inbox = window.inbox
    first = inbox.model.index(0).data(ROW_ROLE)
    composer = open_composer(qtbot, window)
    qtbot.keyClicks(composer.template, "I will find out by Friday")
    row, _comment, _author = _someone_else(inbox)

    _click_row(qtbot, inbox, row)

    qtbot.waitUntil(lambda: composer.recipients.text() == f"Draft to {first.author_name}")
    assert composer.comment_ids == [first.id]
    assert composer.template.toPlainText().endswith("I will find out by Friday")
    wait_for(composer.autosave.save_now())
    [kept] = wait_for(synced_core.replies.drafts([first.id]))  # a draft on Sara's comment
    assert kept.template.endswith("I will find out by Friday")
    _click_row(qtbot, inbox, 0)  # back on Sara's comment: the reply is to her again
    qtbot.waitUntil(lambda: composer.recipients.text() == f"To {first.author_name}")
    assert composer.comment_ids == [first.id]
