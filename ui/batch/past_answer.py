"""The answer library in the composer: when the question being answered was answered
before (the same question, on another post or network), a line under the reply says when
and where, with a button (Alt+4) that starts the reply from that answer.

The look-up (``core.answers.suggest``) runs off the UI thread as the composer opens; an
answer that comes after the composer moved on to other comments is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.library import PastAnswer
from app.text import timefmt
from ui.actions import speak_button
from ui.common.networks import network_label
from ui.operations import run

if TYPE_CHECKING:
    from app.core import Core
    from ui.actions import Command

QUOTE_CHARS = 120


def suggestion_text(past: PastAnswer) -> str:
    """ "You answered this on Tue 3 Mar 2026 14:05 (Slack, “Town hall”), to Ana Lima: “Will
    the office…”" """
    question = " ".join(past.question.split())
    if len(question) > QUOTE_CHARS:
        question = question[: QUOTE_CHARS - 1] + "…"
    where = ", ".join(p for p in (network_label(past.network), f"“{past.post_title}”") if p)
    return (
        f"You answered this question {timefmt.exact(past.given_at)} ({where}), "
        f"to {past.author_name}: “{question}”"
    )


class PastAnswerBar(QWidget):
    #: The earlier answer's words, to start the reply from.
    used = Signal(str)

    def __init__(self, core: Core, command: Command, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pastAnswer")
        self._core = core
        self.past: PastAnswer | None = None
        self._for: int | None = None
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setObjectName("hint")
        self.button = QPushButton(f"Start from that answer   {command.key_text}")
        self.button.setAutoDefault(False)
        speak_button(self.button, "Start from that answer", command)
        self.button.clicked.connect(self.use)
        column = QVBoxLayout(self)  # the words over the button: narrow composers too
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.text)
        column.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        self.hide()

    def look_up(self, comment_id: int | None) -> None:
        """Ask the library about the question of ``comment_id`` (None: forget it)."""
        self._for, self.past = comment_id, None
        self.hide()
        if comment_id is None:
            return

        def found(past: PastAnswer | None) -> None:
            if comment_id != self._for or past is None:
                return
            self.offer(past)

        run(self, self._core.answers.suggest(comment_id), on_done=found)

    def offer(self, past: PastAnswer) -> None:
        self.past = past
        self.text.setText(suggestion_text(past))
        self.button.setAccessibleDescription(past.answer[:200])
        self.show()
        column = self.parentWidget()
        if column is not None:  # the composer's column asks for the room it takes now
            column.updateGeometry()

    def use(self) -> None:
        if self.past is not None:
            self.used.emit(self.past.answer)
