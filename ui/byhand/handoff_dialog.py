"""Reply by hand: the replies to bridged sites, one person at a time.

Copy and open puts the personalised reply on the clipboard and opens the comment in the
system browser (its own address, or the post's with a text fragment that scrolls to it).
The person pastes it there and presses Mark sent, which records it in the outbox as sent
and the comment as answered, and shows the next one. Next leaves a reply waiting. Fireside
never sends anything to these sites itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.bridge import Handoff
from app.text import plural
from ui.actions import Registry, speak_button
from ui.byhand.commands import BYHAND_COMMANDS
from ui.common import screen
from ui.common.announce import Politeness, tell
from ui.operations import run

if TYPE_CHECKING:
    from app.core import Core


class ReplyByHandDialog(QDialog):
    said = Signal(str)  # a sentence for the status bar

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._registry = Registry(BYHAND_COMMANDS)
        self._waiting: list[Handoff] = []
        self._at = 0
        self.setWindowTitle("Reply by hand")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen.fit(self, 720, 520)

        self.position = QLabel("Looking for replies to paste…")
        self.position.setObjectName("pageTitle")
        self.recipient = QLabel()
        self.recipient.setWordWrap(True)
        self.comment = QLabel()
        self.comment.setWordWrap(True)
        self.comment.setTextFormat(Qt.TextFormat.PlainText)
        self.reply = QPlainTextEdit()
        self.reply.setReadOnly(True)
        self.reply.setAccessibleName("Your reply, as it will be copied")
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        for name, handler in (
            ("handoff.copy", self.copy_and_open),
            ("handoff.sent", self.mark_sent),
            ("handoff.next", self.next_one),
        ):
            command = self._registry.command(name)
            action = self._registry.bind(self, name, handler)
            button = QPushButton(f"{command.label}   {command.key_text}")
            speak_button(button, command.label, command)
            button.setAutoDefault(False)
            button.clicked.connect(action.trigger)
            self.buttons[name] = button
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)

        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(self.position)
        layout.addWidget(self.recipient)
        layout.addWidget(self.comment)
        layout.addWidget(self.reply, 1)
        layout.addWidget(self.outcome)
        layout.addLayout(row)
        self._enable(False)
        self.reload()

    @property
    def current(self) -> Handoff | None:
        return self._waiting[self._at] if self._waiting else None

    def reload(self, after: int | None = None) -> None:
        """Read what waits again; show the one after outbox item ``after``, if given."""

        def show(waiting: list[Handoff]) -> None:
            self._waiting = waiting
            later = [n for n, h in enumerate(waiting) if after is not None and h.outbox_id > after]
            self._at = later[0] if later else 0
            self._show()

        run(self, self._core.bridge.handoffs(), on_done=show)

    def _show(self) -> None:
        handoff = self.current
        self._enable(handoff is not None)
        if handoff is None:
            self.position.setText("Nothing waits to be pasted by hand.")
            for label in (self.recipient, self.comment):
                label.setText("")
            self.reply.setPlainText("")
            return
        total = len(self._waiting)
        self.position.setText(f"Reply {self._at + 1} of {total:,}")
        self.recipient.setText(f"To {handoff.recipient} on {handoff.site}")
        self.comment.setText(f"They wrote: “{handoff.comment_excerpt}”")
        self.reply.setPlainText(handoff.text)
        self.buttons["handoff.copy"].setFocus()

    def _enable(self, on: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(on)
        self.buttons["handoff.next"].setEnabled(on and len(self._waiting) > 1)

    def copy_and_open(self) -> None:
        handoff = self.current
        if handoff is None:
            return
        QGuiApplication.clipboard().setText(handoff.text)
        opened = QDesktopServices.openUrl(QUrl(handoff.url))
        where = (
            "The comment is open in your browser"
            if opened
            else (f"Fireside could not open the browser; the comment is at {handoff.url}")
        )
        tell(
            self.outcome,
            f"Copied. {where}: paste the reply there, then press Mark sent.",
            Politeness.POLITE,
        )

    def mark_sent(self) -> None:
        handoff = self.current
        if handoff is None:
            return
        self._enable(False)

        def done(_: None) -> None:
            left = len(self._waiting) - 1
            sentence = f"Marked the reply to {handoff.recipient} as sent."
            if left:
                sentence += f" {plural.count(left, 'reply waits', 'replies wait')}."
            tell(self.outcome, sentence, Politeness.POLITE)
            self.said.emit(sentence)
            self.reload(after=handoff.outbox_id)

        def failed(exc: BaseException) -> None:
            self._enable(True)
            tell(self.outcome, str(exc), Politeness.ASSERTIVE)

        run(self, self._core.bridge.mark_sent(handoff.outbox_id), on_done=done, on_error=failed)

    def next_one(self) -> None:
        if len(self._waiting) > 1:
            self._at = (self._at + 1) % len(self._waiting)
            self.outcome.setText("")
            self._show()
