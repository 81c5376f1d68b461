"""The "For approval" page: replies a delegate wrote for the principal's approval, each
with the comment it answers and its provenance (who drafted it, when, what was sent back
before). Keys while the list has the keyboard: A approves the current reply and the rest
of the selection, E edits then approves (Ctrl+Enter), B sends back with a note
(Ctrl+Enter), Escape stops editing. A reply edited on two devices shows both texts; the
principal picks or merges them in the editor and approves that.

The list is read again on ``bridge.workspaceChanged``; what the principal is typing is
never replaced by a refresh.
"""

from __future__ import annotations

import enum

import msgspec
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core import Core
from app.text import plural
from app.workspace.errors import NotInWorkspace
from app.workspace.model import Reply, ReplyStatus, Role, SharedComment
from ui.bridge import CoreBridge
from ui.common.announce import announce
from ui.operations import run
from ui.workspace import reply_heads
from ui.workspace.commands import registry
from ui.workspace.model import ApprovalModel

EMPTY = "Nothing waits for your approval."
NOT_JOINED = "Set up a workspace (Fireside > Workspace…) to approve what a delegate drafts."


class Mode(enum.Enum):
    VIEW = "view"
    EDIT = "edit"
    SEND_BACK = "send_back"


class Waiting(msgspec.Struct, frozen=True):
    replies: list[Reply]
    comments: dict[str, SharedComment]
    names: dict[str, str]
    principal: bool


class ApprovalPanel(QWidget):
    #: How many replies wait for approval (the sidebar and the window title show it).
    countChanged = Signal(int)
    message = Signal(str)

    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._names: dict[str, str] = {}
        self.mode = Mode.VIEW
        self._principal = False
        self.model = ApprovalModel(self)
        title = QLabel("For approval")
        title.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Replies waiting for approval")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._show_current())
        self.comment = QLabel()
        self.comment.setWordWrap(True)
        self.comment.setTextFormat(Qt.TextFormat.PlainText)
        self.comment.setAccessibleName("The comment this reply answers")
        self.provenance = QLabel()
        self.provenance.setObjectName("hint")
        self.provenance.setWordWrap(True)
        self.provenance.setAccessibleName("Who drafted it")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Reply text")
        self.note = QLineEdit()
        self.note.setPlaceholderText("What should change? (goes back with the reply)")
        self.note.setAccessibleName("Note for the drafter")
        self.note.hide()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list)
        split.addWidget(self._detail())
        header = QHBoxLayout()
        header.addWidget(title)
        header.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(split, 1)
        self._bind_keys()
        bridge.workspaceChanged.connect(self.refresh)
        self.refresh()

    def _detail(self) -> QWidget:
        """The comment, the provenance, the text, the note and the buttons."""
        buttons = QHBoxLayout()
        for name, label in (
            ("approval.approve", "Approve"),
            ("approval.edit", "Edit, then approve"),
            ("approval.send_back", "Send back"),
        ):
            button = QPushButton(f"{label}  {registry.command(name).key_text}")
            button.setAccessibleName(label)
            button.clicked.connect(getattr(self, name.split(".")[1]))
            buttons.addWidget(button)
        buttons.addStretch(1)
        #: Only the principal decides; a delegate sees what waits, without the buttons.
        self.decisions = QWidget()
        self.decisions.setLayout(buttons)
        detail = QWidget()
        column = QVBoxLayout(detail)
        for part in (self.comment, self.provenance, self.text, self.note, self.decisions):
            column.addWidget(part)
        return detail

    def _bind_keys(self) -> None:
        for name, handler in (
            ("approval.approve", self.approve),
            ("approval.edit", self.edit),
            ("approval.send_back", self.send_back),
        ):
            registry.bind(self.list, name, handler, Qt.ShortcutContext.WidgetShortcut)
        for name, handler in (("approval.confirm", self.confirm), ("approval.cancel", self.cancel)):
            registry.bind(self, name, handler)

    def take_focus(self) -> None:
        self.list.setFocus()

    def tab_order(self) -> tuple[QWidget, ...]:
        return (self.list, self.text, self.note)

    # --- reading ----------------------------------------------------------------------

    def refresh(self) -> None:
        run(self, self._load(), on_done=self._show, on_error=self._not_joined)

    async def _load(self) -> Waiting:
        workspace = await self._core.opened_workspace()
        status = await workspace.status()
        replies = await workspace.replies(ReplyStatus.FOR_APPROVAL)
        comments = {c.key: c for c in await workspace.comments()}
        names = {m.device_id: f"{m.name} ({m.role})" for m in status.members}
        principal = status.membership.role is Role.PRINCIPAL
        return Waiting(replies, comments, names, principal)

    def _not_joined(self, exc: BaseException) -> None:
        if not isinstance(exc, NotInWorkspace):
            raise exc
        self.summary.setText(NOT_JOINED)
        self.countChanged.emit(0)

    def _show(self, waiting: Waiting) -> None:
        current = self._current()
        self._names = waiting.names
        self.model.set_replies(waiting.replies, waiting.comments)
        count = len(waiting.replies)
        self._principal = waiting.principal
        self.decisions.setVisible(waiting.principal)
        waits = " waiting" if waiting.principal else " waiting for the principal"
        self.summary.setText(plural.count(count, "reply", "replies") + waits if count else EMPTY)
        self.countChanged.emit(count)
        row = self.model.row_of(current.id) if current else None
        if count:
            self.list.setCurrentIndex(self.model.index(row or 0))
        if self.mode is Mode.VIEW:
            self._show_current()

    def _current(self) -> Reply | None:
        index = self.list.currentIndex()
        return self.model.reply(index.row()) if index.isValid() else None

    def _selected_ids(self) -> list[str]:
        rows = {i.row() for i in self.list.selectionModel().selectedIndexes()}
        current = self.list.currentIndex()
        if current.isValid():
            rows.add(current.row())
        return [self.model.reply(r).id for r in sorted(rows)]

    def _show_current(self) -> None:
        if self.mode is not Mode.VIEW:
            return
        reply = self._current()
        if reply is None:
            self.comment.clear()
            self.provenance.clear()
            self.text.setPlainText("")
            return
        comment = self.model.comment(reply)
        if comment is not None:
            self.comment.setText(f"{comment.author} on “{comment.post_title}”: {comment.body}")
        self.provenance.setText(self._provenance(reply))
        reply_heads.show(self.text, reply, self._name)

    def _name(self, device_id: str) -> str:
        return self._names.get(device_id, device_id)

    def _provenance(self, reply: Reply) -> str:
        last = reply.heads[-1] if reply.heads else None
        when = reply.created_at[:16].replace("T", " ")
        words = f"Drafted by {self._name(reply.created_by)}, {when} UTC"
        if last is not None and last.by != reply.created_by:
            words += f"; last edited by {self._name(last.by)}"
        back = reply.last_send_back
        if back is not None:
            words += f". Sent back before by {self._name(back.by)}: “{back.note}”"
        if reply.in_conflict:
            words += f". {reply_heads.CONFLICT}, then E."
        return words + "."

    # --- acting -----------------------------------------------------------------------

    def approve(self) -> None:
        ids = self._selected_ids()
        if not ids or not self._decides():
            return
        run(self, self._core.workspace.approve(ids), on_done=self._approved)

    def _approved(self, count: int) -> None:
        text = f"Approved {plural.count(count, 'reply', 'replies')}: they wait in the outbox."
        self.message.emit(text)
        announce(self, text)

    def edit(self) -> None:
        if self._current() is None or not self._decides():
            return
        self.mode = Mode.EDIT
        self.text.setReadOnly(False)
        self.text.setFocus()
        self.message.emit("Edit the reply, then Ctrl+Enter approves it; Escape stops.")

    def send_back(self) -> None:
        if self._current() is None or not self._decides():
            return
        self.mode = Mode.SEND_BACK
        self.note.show()
        self.note.setFocus()
        self.message.emit("Say what should change, then Ctrl+Enter sends it back.")

    def _decides(self) -> bool:
        if not self._principal:
            self.message.emit("Only the principal approves or sends back replies.")
        return self._principal

    def confirm(self) -> None:
        if self.mode is Mode.EDIT:
            reply = self._current()
            if reply is None:
                return
            run(
                self,
                self._core.workspace.approve([reply.id], self.text.toPlainText()),
                on_done=self._done_editing,
            )
        elif self.mode is Mode.SEND_BACK:
            ids = self._selected_ids()
            note = self.note.text()
            run(
                self,
                self._core.workspace.send_back(ids, note),
                on_done=lambda _: self._sent_back(len(ids)),
            )

    def _done_editing(self, count: int) -> None:
        self.cancel()
        self._approved(count)

    def _sent_back(self, count: int) -> None:
        self.note.clear()
        self.cancel()
        text = f"Sent back {plural.count(count, 'reply', 'replies')} with your note."
        self.message.emit(text)
        announce(self, text)

    def cancel(self) -> None:
        self.mode = Mode.VIEW
        self.text.setReadOnly(True)
        self.note.hide()
        self._show_current()
        self.list.setFocus()
