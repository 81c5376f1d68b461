"""The shared inbox: the comments the principal's device pulled, as every member of the
workspace sees them (a delegate needs none of the principal's sign-ins). Triage (E done,
S snooze, U undoes only my own last action), assignments (Shift+P, Shift+D), internal
notes (N, never posted) and replies written for the principal's approval (R, then
Ctrl+Enter). A reply sent back shows the principal's note and opens for revision; one
edited on two devices shows both texts to pick or merge (``reply_heads``), as the For
approval page does.

Words typed are never lost: leaving a comment with an unsent reply keeps it as a draft
in the workspace, and a refresh never replaces the text being typed.
"""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

import msgspec
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core import Core
from app.domain import TriageState
from app.text import plural
from app.timeutil import iso, now
from app.workspace.errors import NotInWorkspace
from app.workspace.model import Note, Reply, ReplyStatus, Role, SharedComment, TriageChange
from ui.bridge import CoreBridge
from ui.common.announce import announce
from ui.operations import run
from ui.workspace import reply_heads
from ui.workspace.commands import registry
from ui.workspace.shared_model import SharedCommentsModel

OPEN_REPLY = (ReplyStatus.DRAFT, ReplyStatus.SENT_BACK, ReplyStatus.FOR_APPROVAL)
NOT_JOINED = "Join a workspace (Fireside > Workspace…) to see the principal's inbox here."


class Shared(msgspec.Struct, frozen=True):
    comments: list[SharedComment]  # the ones listed
    every: dict[str, SharedComment]  # every shared comment by key (threads' context)
    replies: dict[str, Reply]  # the open reply per comment key
    names: dict[str, str]


class SharedInboxPanel(QWidget):
    message = Signal(str)

    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._replies: dict[str, Reply] = {}
        self._every: dict[str, SharedComment] = {}
        self._names: dict[str, str] = {}
        self._shown_key: str | None = None
        self._last_change: TriageChange | None = None
        self.model = SharedCommentsModel(self)
        title = QLabel("Shared inbox")
        title.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.show_all = QCheckBox("Show done and snoozed")
        self.show_all.toggled.connect(self.refresh)
        header = QHBoxLayout()
        for part, stretch in ((title, 0), (self.summary, 1), (self.show_all, 0)):
            header.addWidget(part, stretch)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setAccessibleName("Shared comments")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._show_current())
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list)
        split.addWidget(self._detail())
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(split, 1)
        self._bind_keys()
        bridge.workspaceChanged.connect(self.refresh)
        self.refresh()

    def _detail(self) -> QWidget:
        self.comment = QLabel()
        self.comment.setWordWrap(True)
        self.comment.setTextFormat(Qt.TextFormat.PlainText)
        self.comment.setAccessibleName("Comment")
        self.notes = QLabel()
        self.notes.setObjectName("hint")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setAccessibleName("Internal notes")
        self.reply_state = QLabel()
        self.reply_state.setWordWrap(True)
        self.reply_state.setAccessibleName("Reply state")
        self.reply = QPlainTextEdit()
        self.reply.setPlaceholderText("Your reply, for approval ({first_name} personalises)")
        self.reply.setAccessibleName("Reply for approval")
        self.note = QLineEdit()
        self.note.setPlaceholderText("Internal note: only the workspace sees it")
        self.note.setAccessibleName("Internal note")
        detail = QWidget()
        column = QVBoxLayout(detail)
        for part in (self.comment, self.notes, self.reply_state, self.reply, self.note):
            column.addWidget(part)
        return detail

    def _bind_keys(self) -> None:
        on_list = {
            "shared.next": lambda: self._move(1),
            "shared.prev": lambda: self._move(-1),
            "shared.done": lambda: self.triage(TriageState.DONE),
            "shared.snooze": lambda: self.triage(TriageState.SNOOZED),
            "shared.undo": self.undo,
            "shared.reply": self.reply.setFocus,
            "shared.note": self.note.setFocus,
            "shared.assign_principal": lambda: self.assign(Role.PRINCIPAL),
            "shared.assign_delegate": lambda: self.assign(Role.DELEGATE),
        }
        for name, handler in on_list.items():
            registry.bind(self.list, name, handler, Qt.ShortcutContext.WidgetShortcut)
        registry.bind(self, "shared.submit", self.submit)

    def take_focus(self) -> None:
        self.list.setFocus()

    def tab_order(self) -> tuple[QWidget, ...]:
        return (self.show_all, self.list, self.reply, self.note)

    # --- reading ----------------------------------------------------------------------

    def refresh(self) -> None:
        run(self, self._load(), on_done=self._show, on_error=self._not_joined)

    async def _load(self) -> Shared:
        workspace = await self._core.opened_workspace()
        status = await workspace.status()
        every = await workspace.comments()
        comments = every
        if not self.show_all.isChecked():
            comments = [c for c in every if c.triage is TriageState.OPEN]
        comments.reverse()  # newest first
        replies = {r.comment_key: r for r in await workspace.replies() if r.status in OPEN_REPLY}
        names = {m.device_id: f"{m.name} ({m.role})" for m in status.members}
        return Shared(comments, {c.key: c for c in every}, replies, names)

    def _not_joined(self, exc: BaseException) -> None:
        if not isinstance(exc, NotInWorkspace):
            raise exc
        self.summary.setText(NOT_JOINED)

    def _show(self, shared: Shared) -> None:
        current = self._shown_key
        self._replies, self._names, self._every = shared.replies, shared.names, shared.every
        self.model.set_rows(shared.comments)
        self.summary.setText(plural.count(len(shared.comments), "comment"))
        row = self.model.row_of(current) if current else None
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(row if row is not None else 0))
        if self._shown_key is None:  # the reply was just sent: show it as it now is
            self._show_current()

    def _current(self) -> SharedComment | None:
        index = self.list.currentIndex()
        return self.model.comment(index.row()) if index.isValid() else None

    def _selected_keys(self) -> list[str]:
        rows = {i.row() for i in self.list.selectionModel().selectedIndexes()}
        if self.list.currentIndex().isValid():
            rows.add(self.list.currentIndex().row())
        return [self.model.comment(r).key for r in sorted(rows)]

    def _show_current(self) -> None:
        comment = self._current()
        key = comment.key if comment else None
        if key == self._shown_key:
            return  # a refresh kept the same comment: leave what is being typed alone
        self._keep_typed_reply()
        self._shown_key = key
        if comment is None:
            self.comment.clear()
            self.reply.setPlainText("")
            return
        parent = self._every.get(comment.parent_key) if comment.parent_key else None
        context = f"In reply to {parent.author}: “{parent.body}”\n\n" if parent else ""
        self.comment.setText(
            f"{context}{comment.author} on “{comment.post_title}” ({comment.network}):\n"
            f"{comment.body}"
        )
        reply = self._replies.get(comment.key)
        reply_heads.show(self.reply, reply, self._name)
        self.reply_state.setText(self._reply_words(reply))
        self.notes.clear()
        run(self, self._core.workspace.notes(comment.key), on_done=self._show_notes)

    def _reply_words(self, reply: Reply | None) -> str:
        if reply is None:
            return ""
        if reply.in_conflict:
            return f"{reply_heads.CONFLICT}, then Ctrl+Enter sends that text for approval."
        back = reply.last_send_back
        if reply.status is ReplyStatus.SENT_BACK and back is not None:
            who = self._name(back.by)
            return f"Sent back by {who}: “{back.note}”. Revise it, then Ctrl+Enter."
        if reply.status is ReplyStatus.FOR_APPROVAL:
            return "Waiting for approval. Changing it sends the new text for approval."
        return "A draft: Ctrl+Enter sends it for approval."

    def _name(self, device_id: str) -> str:
        return self._names.get(device_id, device_id)

    def _show_notes(self, notes: list[Note]) -> None:
        self.notes.setText(
            "\n".join(f"Note by {self._names.get(n.by, n.by)}: {n.text}" for n in notes)
        )

    def _keep_typed_reply(self) -> None:
        """Leaving a comment: what was typed and not sent for approval stays, as a draft."""
        key, text = self._shown_key, self.reply.toPlainText()
        if key is None or not text.strip():
            return
        reply = self._replies.get(key)
        if reply is not None and reply_heads.editable_text(reply, self._name) == text:
            return  # unchanged (both texts of a conflict stay two until someone merges)
        job: Coroutine[Any, Any, object]
        if reply is None:
            job = self._core.workspace.draft([key], text, for_approval=False)
        else:
            job = self._core.workspace.edit(reply.id, text, for_approval=False)
        run(self, job)

    def _move(self, step: int) -> None:
        row = self.list.currentIndex().row() + step
        if 0 <= row < self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(row))

    # --- acting -----------------------------------------------------------------------

    def triage(self, state: TriageState) -> None:
        keys = self._selected_keys()
        if not keys:
            return
        until = iso(now() + timedelta(days=1)) if state is TriageState.SNOOZED else None

        def done(change: TriageChange) -> None:
            self._last_change = change
            self._say(f"Marked {plural.count(len(keys), 'comment')} {state}. u undoes it.")

        run(self, self._core.workspace.triage(keys, state, until), on_done=done)

    def undo(self) -> None:
        change, self._last_change = self._last_change, None
        if change is None:
            self._say("Nothing of yours to undo.")
            return
        run(
            self,
            self._core.workspace.undo(change),
            on_done=lambda n: self._say(f"Undone for {plural.count(n, 'comment')}."),
        )

    def assign(self, to: Role) -> None:
        keys = self._selected_keys()
        run(
            self,
            self._core.workspace.assign(keys, to),
            on_done=lambda _: self._say(
                f"Assigned {plural.count(len(keys), 'comment')} to the {to}."
            ),
        )

    def submit(self) -> None:
        """Ctrl+Enter: the note box saves the note; anywhere else the reply goes for
        approval: to each selected comment without a reply yet, personalised (a batch)."""
        comment = self._current()
        if comment is None:
            return
        if self.note.hasFocus():
            text = self.note.text()
            run(
                self,
                self._core.workspace.add_note(comment.key, text),
                on_done=lambda _: self._noted(),
            )
            return
        text = self.reply.toPlainText()
        reply = self._replies.get(comment.key)
        job: Coroutine[Any, Any, object]
        edited = reply.id if reply else ""
        if reply is None:
            keys = [k for k in self._selected_keys() if k not in self._replies]
            job = self._core.workspace.draft(keys or [comment.key], text)
        else:
            job = self._core.workspace.edit(reply.id, text)

        def sent(result: object) -> None:
            self.reply.clear()  # saved in the workspace; shown again from there
            self._shown_key = None
            ids = [str(i) for i in result] if isinstance(result, list) else [edited]
            run(self, self._core.workspace.replies(), on_done=lambda r: self._say_sent(r, ids))
            self.list.setFocus()

        run(self, job, on_done=sent)

    def _say_sent(self, replies: list[Reply], ids: list[str]) -> None:
        """Where the replies just written went: for approval, or (on a network the
        principal allowed) into this device's own outbox."""
        own = sum(r.id in ids and r.status is ReplyStatus.QUEUED_BY_DRAFTER for r in replies)
        words = []
        if len(ids) - own:
            words.append(f"Sent {plural.count(len(ids) - own, 'reply', 'replies')} for approval.")
        if own:
            words.append(
                f"{plural.count(own, 'reply', 'replies')} went to your outbox: "
                "you send without approval there."
            )
        self._say(" ".join(words))

    def _noted(self) -> None:
        self.note.clear()
        self._say("Note added. Only the workspace sees it.")
        comment = self._current()
        if comment is not None:
            run(self, self._core.workspace.notes(comment.key), on_done=self._show_notes)

    def _say(self, text: str) -> None:
        self.message.emit(text)
        announce(self, text)
