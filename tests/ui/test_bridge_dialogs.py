"""The manual bridge in the real window: paste a LinkedIn thread, see it read, untick what
is not a comment, import with Ctrl+Enter; answer the bridged comments in a batch; then
Reply by hand copies each reply, opens its comment and, on Ctrl+D, marks it sent.
The system browser is replaced by a recorder (a test must not open one)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication

from app.domain import ErrorKind, InboxView, OutboxState
from app.store import comments
from tests.bridge.fixtures import load
from ui.byhand import ImportThreadDialog, ReplyByHandDialog

pytestmark = pytest.mark.ui

POST = "https://www.linkedin.com/posts/dana-whitfield_remote-culture-activity-7301"
CTRL = Qt.KeyboardModifier.ControlModifier


def linkedin() -> str:
    return next(f for f in load("dev") if f.name == "linkedin").text


@pytest.fixture
def browser(monkeypatch) -> list[str]:
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    return opened


def open_import(qtbot, window) -> ImportThreadDialog:
    qtbot.keyClick(window, "O", CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ImportThreadDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_paste_preview_untick_and_import(window, synced_core, qtbot):
    dialog = open_import(qtbot, window)
    assert not dialog.import_button.isEnabled()
    dialog.post_url.setText(POST)
    dialog.me.setText("Dana Whitfield")
    dialog.paste.setPlainText(linkedin())

    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4)
    assert [dialog.table.item(r, 1).text() for r in range(4)] == [
        "Jordan Lee",
        "Dana Whitfield",
        "Priya Raman",
        "Marcus Chen",
    ]
    assert dialog.table.item(1, 0).text() == "Yours"
    assert "cut short" in dialog.notes.text()
    dialog.table.item(3, 0).setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: dialog.import_button.text().startswith("Import 3 comments"))

    with qtbot.waitSignal(dialog.imported) as said:
        qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)
    assert said.args == ["Imported 3 new comments. "]
    rows = synced_core.store.reader()
    names = {
        r.author_name for r in comments.view_page(rows, InboxView.NEEDS_REPLY, None, None, 500)
    }
    assert "Priya Raman" in names and "Marcus Chen" not in names and "Jordan Lee" not in names


def test_text_that_is_no_thread_says_what_to_do_and_keeps_the_text(window, qtbot):
    dialog = open_import(qtbot, window)
    dialog.paste.setPlainText("Great post!\nI agree.")
    qtbot.waitUntil(lambda: "no comment times" in dialog.notes.text())
    assert dialog.paste.toPlainText() == "Great post!\nI agree."
    assert not dialog.import_button.isEnabled()


def test_a_dropped_export_is_read(window, qtbot, tmp_path):
    export = tmp_path / "comments.json"
    export.write_text(
        json.dumps(
            {
                "comments": [
                    {
                        "author": {"name": "Ana Ruiz"},
                        "text": "Will the slides be shared?",
                        "created_at": "2026-03-09T10:00:00Z",
                        "permalink": "https://www.linkedin.com/feed/update/urn:li:activity:1?commentUrn=2",
                    },
                    {"author": "nobody"},
                ]
            }
        ),
        encoding="utf-8",
    )
    dialog = open_import(qtbot, window)
    dialog.read_file(export)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert dialog.table.item(0, 1).text() == "Ana Ruiz"
    assert dialog.notes.text() == (
        "Read from comments.json. 1 rows without an author, a text or a time were left out."
    )


def test_reply_by_hand_copies_opens_and_marks_sent(window, synced_core, qtbot, wait_for, browser):
    from app.domain.bridge import BridgeImport

    thread = wait_for(synced_core.bridge.read_text(linkedin(), "Dana Whitfield"))
    wait_for(
        synced_core.bridge.import_thread(
            BridgeImport("LinkedIn", POST, "", "Dana Whitfield", thread)
        )
    )
    rows = comments.view_page(synced_core.store.reader(), InboxView.NEEDS_REPLY, None, None, 500)
    bridged = [r.id for r in rows if r.author_name in ("Priya Raman", "Marcus Chen")]
    items = wait_for(synced_core.replies.queue(bridged, "Thank you, {first_name}!"))

    qtbot.keyClick(window, "B", CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ReplyByHandDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: dialog.position.text() == "Reply 1 of 2")
    first = dialog.recipient.text()

    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)
    assert QGuiApplication.clipboard().text() == f"Thank you, {first.split()[1]}!"
    assert browser[0].startswith(POST + "#:~:text=")
    assert "paste the reply there" in dialog.outcome.text()

    qtbot.keyClick(dialog, "D", CTRL)
    qtbot.waitUntil(lambda: dialog.position.text() == "Reply 1 of 1")
    assert dialog.recipient.text() != first
    states = {i.id: i for i in wait_for(synced_core.outbox.items())}
    assert sorted(states[i].state for i in items) == [OutboxState.HELD, OutboxState.SENT]
    assert {states[i].error_kind for i in items if states[i].state is OutboxState.HELD} == {
        ErrorKind.BY_HAND
    }

    qtbot.keyClick(dialog, "D", CTRL)
    qtbot.waitUntil(lambda: dialog.position.text() == "Nothing waits to be pasted by hand.")
    assert not dialog.buttons["handoff.copy"].isEnabled()
    dialog.accept()
