"""The one text field every reply is written in (the composer's template, a person's own
copy): a QPlainTextEdit that Tab leaves, named for screen readers.

Spell checking attaches here and nowhere else: ``attach_spell_check(text_edit, language)``
(ui/common/spelling.py, being built on its own branch) takes a QPlainTextEdit, so every
``ReplyText`` gets it by one call in ``__init__``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ui.common import focus


class ReplyText(QPlainTextEdit):
    def __init__(self, text: str = "", name: str = "Reply", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAccessibleName(name)
        focus.tab_leaves(self)
