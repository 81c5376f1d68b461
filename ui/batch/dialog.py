"""Batch replies: one template, personalised for every selected comment, queued at once.

The template takes {first_name}, {name} and {question} (the commenter's words as a
quote); the buttons (and Ctrl+1/2/3) insert them. The preview shows every personalised
reply exactly as it will be queued, refreshed as you type, and marks each one that is
longer than its network allows; while any is, queueing is blocked and the dialog says
why. Ctrl+Enter queues them all through ``core.replies.queue``; a single reply is simply a
batch of one.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import FiresideError
from app.text import plural
from ui.actions import speak_button
from ui.batch.preview import PreviewList
from ui.common import focus, screen
from ui.common.announce import Politeness, tell
from ui.operations import run, show_error
from ui.spelling import attach_spell_check

if TYPE_CHECKING:
    from app.core import Core
    from app.domain import ReplyPreview
    from ui.actions import Registry

PREVIEW_DELAY_MS = 150
STARTER = "Hi {first_name},\n\n"
VARIABLES = (
    ("batch.first_name", "{first_name}"),
    ("batch.name", "{name}"),
    ("batch.question", "{question}"),
)


def _names(previews: list[ReplyPreview]) -> str:
    names = [p.recipient for p in previews]
    if len(names) <= 3:
        return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return f"{', '.join(names[:3])} and {len(names) - 3:,} more"


def too_long_message(over: list[ReplyPreview]) -> str:
    """Who gets a reply too long for their network; the limit when all share one."""
    limits = {p.limit for p in over}
    allows = (
        f"the network allows ({limits.pop():,} characters)"
        if len(limits) == 1
        else "their networks allow (each card says its limit)"
    )
    return (
        f"{plural.count(len(over), 'reply is', 'replies are')} longer than {allows}: "
        f"to {_names(over)}. Shorten the reply or the "
        "quoted question; the long ones are marked in red below. Nothing can be queued "
        "until every reply fits."
    )


def _recipients(previews: list[ReplyPreview]) -> str:
    names = [p.recipient for p in previews]
    if len(names) <= 3:
        return "To " + ", ".join(names)
    return f"To {', '.join(names[:3])} and {len(names) - 3:,} more"


class BatchReplyDialog(QDialog):
    queued = Signal(int)  # how many replies went into the outbox

    def __init__(
        self, core: Core, registry: Registry, comment_ids: list[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._core = core
        self._ids = list(comment_ids)
        self._queueing = False
        self._too_long: list[ReplyPreview] = []
        count = len(self._ids)
        self.setWindowTitle(f"Reply to {plural.count(count, 'person', 'people')}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen.fit(self, 780, 640)

        self.recipients = QLabel(f"To {plural.count(count, 'person', 'people')}")
        self.recipients.setObjectName("pageTitle")
        self.template = QPlainTextEdit(STARTER)
        self.template.moveCursor(QTextCursor.MoveOperation.End)
        self.template.setPlaceholderText("Write one reply; the variables make it personal.")
        self.template.setAccessibleName("Reply")
        self.template.setAccessibleDescription(
            "One reply for everyone; {first_name}, {name} and {question} make it personal. "
            "Tab moves on, Ctrl+Tab types a tab, Ctrl+Enter queues every reply."
        )
        focus.tab_leaves(self.template)
        self.spelling = attach_spell_check(self.template, core.spelling, None)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.preview_title = QLabel()
        self.preview = PreviewList()
        self.queue_button = QPushButton()
        self.queue_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)

        inserts = QHBoxLayout()
        inserts.addWidget(QLabel("Insert:"))
        for name, variable in VARIABLES:
            action = registry.bind(self, name, partial(self.insert, variable))
            button = QPushButton(f"{variable}   {registry.command(name).key_text}")
            speak_button(button, f"Insert {variable}", registry.command(name))
            button.setAutoDefault(False)
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            inserts.addWidget(button)
        inserts.addStretch(1)
        queue = registry.bind(self, "batch.queue", self.queue_all)
        queue_text = f"Queue {plural.count(count, 'reply', 'replies')}"
        self.queue_button.setText(f"{queue_text}   {registry.command('batch.queue').key_text}")
        speak_button(self.queue_button, queue_text, registry.command("batch.queue"))
        self.queue_button.clicked.connect(queue.trigger)

        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self.template.textChanged.connect(self._timer.start)
        self._layout(inserts)
        self.update_preview()
        self.template.setFocus()

    def _layout(self, inserts: QHBoxLayout) -> None:
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.queue_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(self.recipients)
        layout.addWidget(self.template, 2)
        layout.addLayout(inserts)
        layout.addWidget(self.error)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview, 3)
        layout.addLayout(buttons)

    def insert(self, variable: str) -> None:
        """Insert at the cursor; {question} is a quote, so it gets lines of its own."""
        cursor = self.template.textCursor()
        if variable == "{question}":
            before = "" if cursor.atBlockStart() else "\n\n"
            variable = f"{before}{variable}\n\n"
        cursor.insertText(variable)
        self.template.setTextCursor(cursor)
        self.template.setFocus()

    def update_preview(self) -> None:
        self._timer.stop()
        text = self.template.toPlainText()

        def show(previews: list[ReplyPreview]) -> None:
            if text == self.template.toPlainText():
                self._show_previews(previews)

        run(
            self,
            self._core.replies.preview(self._ids, text),
            on_done=show,
            on_error=self._show_problem,
        )

    def _show_previews(self, previews: list[ReplyPreview]) -> None:
        was_fine = not self._too_long
        self._too_long = [p for p in previews if len(p.text) > p.limit]
        problem = too_long_message(self._too_long) if self._too_long else ""
        if problem and was_fine:  # said when it starts, not at every key typed after
            tell(self.error, problem)
        else:
            self.error.setText(problem)
        self.queue_button.setEnabled(not self._too_long and not self._queueing)
        self.recipients.setText(_recipients(previews))
        title = f"Preview of every reply ({len(previews):,})"
        if self._too_long:
            title += f" · {len(self._too_long):,} too long"
        self.preview_title.setText(title)
        self.preview.previews.set_previews(previews)

    def _show_problem(self, exc: BaseException) -> None:
        if isinstance(exc, FiresideError):
            tell(self.error, str(exc), Politeness.ASSERTIVE)
        else:
            show_error(self, exc)

    def queue_all(self) -> None:
        if self._queueing:
            return
        if self._too_long:
            tell(self.error, too_long_message(self._too_long))
            return
        self._queueing = True
        self.queue_button.setEnabled(False)

        def queued(item_ids: list[int]) -> None:
            self.queued.emit(len(item_ids))
            self.accept()

        def failed(exc: BaseException) -> None:
            self._queueing = False
            self.queue_button.setEnabled(True)
            self._show_problem(exc)

        run(
            self,
            self._core.replies.queue(self._ids, self.template.toPlainText()),
            on_done=queued,
            on_error=failed,
        )
