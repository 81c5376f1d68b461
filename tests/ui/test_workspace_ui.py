"""The workspace in the window: the For approval page (count in the sidebar and the
title, A approves, E edits then approves, B sends back with a note) over a real
principal core and a delegate's session sharing a folder, and the set-up dialog's
pairing code and QR code."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.domain import TriageState
from app.workspace import pairing
from app.workspace.model import (
    Provenance,
    ReplyStatus,
    Role,
    SharedComment,
    Transport,
    VersionKind,
)
from app.workspace.session import Session
from app.workspace.settings import Membership
from ui.workspace import WorkspaceDialog
from ui.workspace.provenance import approved_words

pytestmark = pytest.mark.ui
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def delegate(synced_core, memory_keyring, wait_for, tmp_path: Path) -> Session:
    """The principal's workspace on a shared folder, and a delegate who drafted three
    replies for approval and synced."""
    shared = tmp_path / "shared"
    shared.mkdir()
    code = wait_for(synced_core.workspace.create("Dana", Transport.FOLDER, str(shared)))
    wait_for(synced_core.workspace.sync(), timeout=30_000)
    membership = Membership(
        code.workspace_id, "dddd0001", "Sam", Role.DELEGATE, Transport.FOLDER, str(shared)
    )
    session = Session.join(tmp_path / "delegate", membership, pairing.parse(code.text()))
    keys = [c.key for c in session.shared.comments()[:3]]
    with session.change() as doc:
        for n, key in enumerate(keys):
            doc.new_reply(key, f"Draft number {n}", "dddd0001", VersionKind.SUBMITTED)
    session.sync()
    wait_for(synced_core.workspace.sync(), timeout=30_000)
    yield session
    session.close()


def test_for_approval_count_and_one_key_approval(window, delegate, qtbot, wait_for) -> None:
    panel = window.approval
    qtbot.waitUntil(lambda: window.windowTitle().endswith(" · 3 for approval"), timeout=10_000)
    assert window.sidebar.approval.text(1) == "3"
    qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is panel)
    qtbot.waitUntil(panel.list.hasFocus)
    first = panel.model.reply(panel.list.currentIndex().row())
    assert "Drafted by Sam (delegate)" in panel.provenance.text()
    qtbot.keyClick(panel.list, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: window.windowTitle().endswith(" · 2 for approval"), timeout=10_000)
    bodies: list[str] = []

    def queued() -> bool:
        bodies[:] = [i.body for i in wait_for(window._core.outbox.items())]
        return bool(bodies)

    qtbot.waitUntil(queued, timeout=10_000)
    assert bodies == [first.text]
    assert window.sidebar.approval.text(1) == "2"


def test_edit_then_approve_records_what_changed(window, delegate, qtbot, wait_for) -> None:
    panel = window.approval
    window.sidebar.choose("approval")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_E)
    assert panel.text.hasFocus() and not panel.text.isReadOnly()
    panel.text.setPlainText("Edited by Dana")
    qtbot.keyClick(panel.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    (row,) = wait_for(window._core.workspace.provenance())
    assert row.approved_text == "Edited by Dana" and row.changed_at_approval
    assert row.drafted_by == "Sam (delegate)" and row.approved_by == "Dana (principal)"
    # Provenance in the outbox and under the thread.
    qtbot.keyClick(window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    line = window.outbox.provenance
    qtbot.waitUntil(lambda: "approved by Dana (principal)" in line.text(), timeout=10_000)
    assert "Drafted by Sam (delegate)" in line.text() and "edited at approval" in line.text()
    (item,) = wait_for(window._core.outbox.items())
    pane = window.inbox.thread_pane
    pane.show_comment(item.comment_id)
    qtbot.waitUntil(lambda: "approved by Dana" in pane.provenance.text(), timeout=10_000)


def test_send_back_with_a_note_reaches_the_delegate(window, delegate, qtbot, wait_for) -> None:
    panel = window.approval
    window.sidebar.choose("approval")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_B)
    assert panel.note.hasFocus()
    qtbot.keyClicks(panel.note, "Shorter please")
    qtbot.keyClick(panel.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    wait_for(window._core.workspace.sync(), timeout=30_000)
    delegate.sync()
    back = [r for r in delegate.shared.replies() if r.status is ReplyStatus.SENT_BACK]
    assert len(back) == 1 and back[0].last_send_back.note == "Shorter please"


def test_set_up_dialog_shows_the_pairing_code_and_qr(
    synced_core, bridge, delegate, qtbot, settle
) -> None:
    dialog = WorkspaceDialog(synced_core, bridge)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.code_text.text().startswith("FSW-"), timeout=10_000)
    assert pairing.parse(dialog.code_text.text()).workspace_id == delegate.membership.workspace_id
    assert not dialog.code_image.pixmap().isNull()
    names = [dialog.members.item(n).text() for n in range(dialog.members.count())]
    assert sorted(names) == ["Dana (principal)", "Sam (delegate)"]
    settle(dialog)


@pytest.fixture
def principal(memory_keyring, tmp_path: Path) -> Session:
    """A principal's workspace (a bare session) that shared three comments."""
    shared = tmp_path / "shared"
    shared.mkdir()
    membership = Membership(
        "0a0b0c0d", "aaaa0001", "Dana", Role.PRINCIPAL, Transport.FOLDER, str(shared)
    )
    session = Session.create(tmp_path / "principal", membership)
    with session.change() as doc:
        for n, who in enumerate(("Ann Lee", "Bo Chen", "Cy Diaz")):
            doc.put_comment(
                SharedComment(
                    f"wp/{n}", "wp", str(n), "wordpress", "Our plan", who, f"Question {n}?",
                    f"2026-01-0{n + 1}T09:00:00Z", 1, parent_key="wp/0" if n == 2 else "",
                )
            )  # fmt: skip
    session.sync()
    yield session
    session.close()


def test_delegate_triages_notes_and_drafts_in_the_shared_inbox(
    core, principal, open_window, qtbot, wait_for
) -> None:
    code = principal.pairing_code().text()
    wait_for(core.workspace.join(code, "Sam", principal.membership.location), timeout=30_000)
    wait_for(core.workspace.sync(), timeout=30_000)
    window = open_window(core)
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    panel = window.shared
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(panel.list.hasFocus)
    assert "Cy Diaz" in panel.comment.text()  # newest first
    assert "In reply to Ann Lee: “Question 0?”" in panel.comment.text()  # its thread
    qtbot.keyClick(panel.list, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    panel.list.selectAll()  # one reply for both, personalised (a batch)
    qtbot.keyClick(panel.list, Qt.Key.Key_R)
    assert panel.reply.hasFocus()
    qtbot.keyClicks(panel.reply, "Thanks {first_name}!")
    said: list[str] = []
    panel.message.connect(said.append)
    qtbot.keyClick(panel.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(panel.list.hasFocus, timeout=10_000)
    qtbot.waitUntil(lambda: "Sent 2 replies for approval." in said, timeout=10_000)
    qtbot.keyClick(panel.list, Qt.Key.Key_N)
    qtbot.keyClicks(panel.note, "Ask comms first")
    qtbot.keyClick(panel.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Ask comms first" in panel.notes.text(), timeout=10_000)
    wait_for(core.workspace.sync(), timeout=30_000)
    principal.sync()
    states = {c.key: c.triage for c in principal.shared.comments()}
    assert states["wp/2"] is TriageState.DONE
    replies = principal.shared.replies()
    assert {r.text for r in replies} == {"Thanks Bo!", "Thanks Ann!"}
    assert {r.status for r in replies} == {ReplyStatus.FOR_APPROVAL}
    assert [n.text for n in principal.shared.notes("wp/1")] == ["Ask comms first"]
    approval = window.approval  # the delegate sees what waits, and cannot decide
    qtbot.waitUntil(lambda: "2 replies waiting for the principal" in approval.summary.text())
    assert not approval.decisions.isVisibleTo(approval)


def test_delegate_sees_both_texts_of_a_conflict_and_merges(
    core, principal, open_window, qtbot, wait_for
) -> None:
    """A reply edited on two devices offline: the delegate's reply box shows both texts
    (as the For approval page does), leaving it keeps both, and what they send merges."""
    with principal.change() as doc:
        reply_id = doc.new_reply("wp/1", "First words", "dddd0001", VersionKind.DRAFT)
        (base,) = doc.reply(reply_id).heads
        for text, by in (("Dana's words", "aaaa0001"), ("Sam's words", "dddd0001")):
            doc.add_version(reply_id, text, (base.id,), by, VersionKind.DRAFT)
    principal.sync()
    code = principal.pairing_code().text()
    wait_for(core.workspace.join(code, "Sam", principal.membership.location), timeout=30_000)
    wait_for(core.workspace.sync(), timeout=30_000)
    window = open_window(core)
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    panel = window.shared
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)
    panel.list.setCurrentIndex(panel.model.index(panel.model.row_of("wp/1")))
    shown = panel.reply.toPlainText()
    assert "Dana's words" in shown and "Sam's words" in shown and "Dana (principal)" in shown
    assert "Edited on two devices" in panel.reply_state.text()
    panel.list.setCurrentIndex(panel.model.index(panel.model.row_of("wp/0")))
    panel.list.setCurrentIndex(panel.model.index(panel.model.row_of("wp/1")))
    wait_for(core.workspace.sync(), timeout=30_000)
    assert wait_for(core.workspace.replies())[0].in_conflict  # leaving it merged nothing
    panel.reply.setPlainText("Dana's and Sam's words")
    panel.reply.setFocus()
    qtbot.keyClick(panel.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(panel.list.hasFocus, timeout=10_000)
    wait_for(core.workspace.sync(), timeout=30_000)
    principal.sync()
    merged = principal.shared.reply(reply_id)
    assert not merged.in_conflict and merged.text == "Dana's and Sam's words"
    assert merged.status is ReplyStatus.FOR_APPROVAL


def test_principal_allows_sending_without_approval_per_network(
    synced_core, bridge, delegate, qtbot, wait_for
) -> None:
    dialog = WorkspaceDialog(synced_core, bridge)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.direct.count() == 1, timeout=10_000)
    item = dialog.direct.item(0)
    assert item.text() == "sandbox" and item.checkState() == Qt.CheckState.Unchecked
    item.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: "now send there without approval" in dialog.outcome.text())
    (rule,) = wait_for(synced_core.workspace.direct_send())
    assert (rule.network, rule.allowed) == ("sandbox", True)
    wait_for(synced_core.workspace.sync(), timeout=30_000)
    delegate.sync()
    assert delegate.shared.direct_networks() == {"sandbox"}
    dialog.close()


def test_provenance_words_say_who_sent_without_approval() -> None:
    direct = Provenance(
        "r1", "wp/1", "Sam (delegate)", "2026-03-01T09:00:00", "Hi", "", "", "Hi", False,
        "sent", "2026-03-01T09:05:00", "Sam (delegate)",
    )  # fmt: skip
    words = approved_words(direct)
    assert "no approval needed: Sam (delegate) sends it" in words and "approved" not in words
    assert "sent 2026-03-01 09:05 UTC" in words
