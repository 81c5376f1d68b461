"""Batch replies in the real main window over a synced sandbox inbox: select several (keys,
"same question", Ctrl+A for the whole view), see every personalised reply and which ones
are too long for the network, queue them all with Ctrl+Enter."""

from __future__ import annotations

import pytest
from paging import next_page
from PySide6.QtCore import Qt

from app.domain import InboxView, ReplyPreview
from app.store import comments
from app.text.templates import personalise
from ui.batch.composer import ReplyComposer, too_long_message
from ui.batch.preview import too_long_text
from ui.inbox.model import PAGE

pytestmark = pytest.mark.ui

TEMPLATE = "Thanks for asking, {first_name}.\n\n{question}\n\nMore on Friday."


def open_dialog(qtbot, window) -> ReplyComposer:
    """r opens the composer under the thread, the keyboard in its text."""
    qtbot.keyClick(window.inbox.list, "r")
    composer = window.inbox.composer
    qtbot.waitUntil(lambda: composer.isVisible() and composer.template.hasFocus())
    return composer


def write(qtbot, dialog: ReplyComposer, template: str) -> None:
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
    return {i: personalise(template, r.author_name, r.body_text).text for i, r in rows.items()}


def queued(core, wait_for) -> dict[int, str]:
    return {item.comment_id: item.body for item in wait_for(core.outbox.items())}


def test_select_several_preview_and_queue_with_ctrl_enter(window, synced_core, qtbot, wait_for):
    inbox = window.inbox
    for _ in range(3):
        qtbot.keyClick(inbox.list, "J", Qt.KeyboardModifier.ShiftModifier)
    chosen = inbox.model.ids()[:4]
    assert inbox.selected_ids() == chosen
    assert inbox.hint.text() == "4 selected · r replies to all · Esc clears"

    dialog = open_dialog(qtbot, window)
    write(qtbot, dialog, TEMPLATE)
    bodies = expected_bodies(synced_core, chosen, TEMPLATE)
    first_names = [
        comments.get_comment(synced_core.store.reader(), i).author_name.split()[0] for i in chosen
    ]
    qtbot.waitUntil(
        lambda: all(f"Thanks for asking, {name}." in dialog.preview.text() for name in first_names)
    )
    assert dialog.preview_title.text() == "Preview of every reply (4)"

    with qtbot.waitSignal(dialog.queued):
        qtbot.keyClick(dialog.template, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert queued(synced_core, wait_for) == bodies
    qtbot.waitUntil(lambda: not set(chosen) & set(inbox.model.ids()))
    assert window.status.currentMessage().startswith("Queued 4 replies")
    assert inbox.current_id() == inbox.model.ids()[0]


def test_a_bad_variable_is_explained_and_nothing_is_queued(window, synced_core, qtbot, wait_for):
    dialog = open_dialog(qtbot, window)
    write(qtbot, dialog, "Hi {nam}")
    qtbot.waitUntil(lambda: "Unknown variable {nam}" in dialog.error.text())
    qtbot.keyClick(dialog.template, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dialog.queue_button.isEnabled)
    assert dialog.isVisible()
    assert wait_for(synced_core.outbox.items()) == []
    dialog.close_keeping_draft()


def test_insert_buttons_put_the_question_on_its_own_lines(window, qtbot):
    dialog = open_dialog(qtbot, window)
    write(qtbot, dialog, "Hi ")
    qtbot.keyClick(dialog.template, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(dialog.template, ", you asked:")
    qtbot.keyClick(dialog.template, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert dialog.template.toPlainText() == "Hi {first_name}, you asked:\n\n{question}\n\n"
    dialog.close_keeping_draft()


def test_ctrl_a_selects_the_whole_view_as_a_query_not_as_loaded_rows(
    window, synced_core, qtbot, monkeypatch
):
    inbox = window.inbox
    total = comments.view_count(synced_core.store.reader(), InboxView.NEEDS_REPLY)
    opened = inbox.model.rowCount()  # the rows that fill the list, the rest to page in
    assert opened == inbox.list.rows_to_fill() < total
    qtbot.keyClick(inbox.list, "a", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: inbox.whole is not None)
    assert inbox.model.rowCount() == opened  # nothing more was loaded
    assert inbox.selection_size() == total
    assert len(inbox.list.selectionModel().selectedRows()) == opened
    assert inbox.hint.text() == f"{total:,} selected · r replies to all · Esc clears"
    assert window.status.currentMessage().startswith(f"Selected {total:,} comments.")

    # A refresh re-reads what is in sight, off the UI thread, and the selection holds.
    limits: list[int] = []
    real = comments.view_page
    monkeypatch.setattr(
        comments,
        "view_page",
        lambda db, view, post_id=None, after=None, limit=200, **narrow: (
            limits.append(limit) or real(db, view, post_id, after, limit, **narrow)
        ),
    )
    with qtbot.waitSignal(inbox.model.refreshed):
        inbox.refresh()
    assert limits == [opened + PAGE]  # the rows loaded (up to a page), and a page past them
    assert inbox.whole_selected() is not None
    next_page(qtbot, inbox.model)  # rows paged in later show selected too
    assert len(inbox.list.selectionModel().selectedRows()) == opened + PAGE
    assert inbox.whole_selected() is not None

    qtbot.keyClick(inbox.list, "e")  # every comment of the view, not only the loaded ones
    qtbot.waitUntil(lambda: window.sidebar.counts.get(InboxView.NEEDS_REPLY) == 0)
    assert comments.view_count(synced_core.store.reader(), InboxView.NEEDS_REPLY) == 0
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 0)
    assert window.status.currentMessage().startswith(f"Marked {total:,} comments done.")
    assert inbox.whole is None


def test_moving_after_ctrl_a_keeps_the_whole_view_and_esc_ends_it(window, qtbot):
    inbox = window.inbox
    qtbot.keyClick(inbox.list, "a", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: inbox.whole is not None)
    whole = inbox.whole
    qtbot.keyClick(inbox.list, "j")
    assert inbox.whole_selected() is whole  # j moves the cursor, the selection stays
    assert inbox.hint.text().startswith(f"{whole.count:,} selected · r replies to all")
    qtbot.keyClick(inbox.list, Qt.Key.Key_Escape)
    assert inbox.whole_selected() is None
    assert inbox.selection_size() == 1
    assert inbox.hint.text() == ""


def test_a_reply_longer_than_the_network_allows_is_marked_and_blocks_queueing(
    window, synced_core, qtbot, wait_for
):
    inbox = window.inbox
    qtbot.keyClick(inbox.list, "J", Qt.KeyboardModifier.ShiftModifier)
    chosen = inbox.selected_ids()
    rows = {i: comments.get_comment(synced_core.store.reader(), i) for i in chosen}
    # {question} quotes each commenter, so one reply can run over while the other fits.
    quoted = {
        i: len(personalise("{question}", r.author_name, r.body_text).text) for i, r in rows.items()
    }
    long_one = max(chosen, key=quoted.__getitem__)
    assert len(set(quoted.values())) == len(quoted)
    limit = wait_for(synced_core.replies.preview(chosen, "x"))[0].limit
    padding = limit - quoted[long_one] + 1
    template = "a" * padding + "{question}"
    previews = wait_for(synced_core.replies.preview(chosen, template))
    over = [p for p in previews if len(p.text) > p.limit]
    assert [p.comment_id for p in over] == [long_one]

    dialog = open_dialog(qtbot, window)
    dialog.template.setPlainText(template)
    qtbot.waitUntil(lambda: "Too long" in dialog.preview.text())
    card = next(t for t in dialog.preview.text().split("\n\n") if "Too long" in t)
    assert f"To {over[0].recipient}" in card
    assert f"the limit is {limit:,} (1 over)" in card
    assert dialog.preview.text().count("Too long") == 1
    assert "1 reply is longer than the network allows" in dialog.error.text()
    assert over[0].recipient in dialog.error.text()
    assert dialog.preview_title.text().endswith("· 1 too long")
    assert not dialog.queue_button.isEnabled()
    qtbot.keyClick(dialog.template, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert wait_for(synced_core.outbox.items()) == []

    dialog.template.setPlainText("Thanks, {first_name}.")  # fits again: queueing is back
    qtbot.waitUntil(dialog.queue_button.isEnabled)
    assert dialog.error.text() == ""
    with qtbot.waitSignal(dialog.queued):
        qtbot.keyClick(dialog.template, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(wait_for(synced_core.outbox.items())) == 2


def test_too_long_message_names_who_and_the_limit():
    preview = ReplyPreview(1, "Ann Lee", "x" * 12, 10)
    assert too_long_text(preview) == "Too long: 12 characters, the limit is 10 (2 over)"
    assert too_long_text(ReplyPreview(1, "Ann Lee", "x" * 10, 10)) == ""
    many = [
        ReplyPreview(i, name, "x" * 12, 10)
        for i, name in enumerate(["Ann Lee", "Bo Chen", "Cy Diaz", "Di Eze"])
    ]
    assert too_long_message(many[:1]).startswith(
        "1 reply is longer than the network allows (10 characters): to Ann Lee."
    )
    assert "2 replies are longer" in too_long_message(many[:2])
    assert "to Ann Lee and Bo Chen." in too_long_message(many[:2])
    assert "to Ann Lee, Bo Chen, Cy Diaz and 1 more." in too_long_message(many)
