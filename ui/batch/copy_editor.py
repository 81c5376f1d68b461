"""One person's own copy of a batch reply, written by hand: a small dialog over the
composer with the reply as it would be sent. Emptying it gives the person the template's
reply again."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ui.batch.text import ReplyText
from ui.common import screen


class CopyEditor(QDialog):
    chosen = Signal(object)  # the copy as written (str), or None when cancelled

    def __init__(self, recipient: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Reply to {recipient}")
        screen.fit(self, 560, 360)
        self.text = ReplyText(text, f"Reply to {recipient}")
        self.text.moveCursor(QTextCursor.MoveOperation.End)
        hint = QLabel("Sent as written here. Empty it to use the template again.")
        hint.setObjectName("hint")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(lambda: self.chosen.emit(self.text.toPlainText()))
        self.rejected.connect(lambda: self.chosen.emit(None))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.text.setFocus()
