"""The one text field every reply is written in (the composer's template, a person's own
copy): a QPlainTextEdit that Tab leaves, named for screen readers.

Spell checking (``ui.spelling.attach_spell_check``) is attached by whoever makes one, as
they hold the core's dictionaries: the composer for its template and for a copy editor.
"""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ui.common import focus


class ReplyText(QPlainTextEdit):
    def __init__(self, text: str = "", name: str = "Reply", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAccessibleName(name)
        focus.tab_leaves(self)
