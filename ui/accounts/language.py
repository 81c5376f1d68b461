"""The Accounts dialog's choice of the language replies from an account are spell checked
in ("Spell check replies in"): the system's, or one of the installed dictionaries
(``core.spelling.languages``, read off the event loop once). Shown for stored accounts;
``chosen(account_id, language)`` is called when the person picks one (None: the
system's)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from app.accounts import AccountStatus
from ui.operations import run

if TYPE_CHECKING:
    from app.text.spelling import Spelling

SYSTEM = "The system's language"


class LanguageChooser(QWidget):
    def __init__(
        self,
        spelling: Spelling,
        chosen: Callable[[str, str | None], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._chosen = chosen
        self.combo = QComboBox()
        self.combo.setAccessibleName("Spell check replies in")
        self.combo.addItem(SYSTEM, None)
        label = QLabel("Spell check replies &in:")
        label.setBuddy(self.combo)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.combo)
        row.addStretch(1)
        self._account: str | None = None
        self.combo.activated.connect(self._picked)
        installed = asyncio.to_thread(lambda: (spelling.languages(), spelling.default_language()))
        run(self, installed, on_done=self._offer)
        self.hide()

    def _offer(self, installed: tuple[tuple[str, ...], str | None]) -> None:
        languages, system = installed
        if system is not None:
            self.combo.setItemText(0, f"{SYSTEM} ({system})")
        for tag in languages:
            if self.combo.findData(tag) < 0:
                self.combo.addItem(tag, tag)

    def show_for(self, status: AccountStatus | None) -> None:
        """Show the selected account's language (hidden for one not added yet)."""
        self._account = status.account_id if status is not None else None
        self.setVisible(self._account is not None)
        if status is None or self._account is None:
            return
        language = status.language
        if language is not None and self.combo.findData(language) < 0:
            self.combo.addItem(f"{language} (no dictionary installed)", language)
        self.combo.setCurrentIndex(max(self.combo.findData(language), 0))

    def _picked(self, index: int) -> None:
        if self._account is not None:
            self._chosen(self._account, self.combo.itemData(index))
