"""Snippets in the reply composer: a small picker (Ctrl+;) that filters the saved replies
as you type (by name and text) and inserts the chosen one at the cursor; its variables
then personalise like the rest of the reply.

The list is a Qt model of the snippets (a handful: read whole when the picker opens),
filtered by a proxy; Up and Down move in it from the filter box, Enter inserts, Esc
closes without a change.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QRegularExpression, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from app.domain.library import Snippet
from ui.common import screen

BODY_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2  # name and text: what the filter reads
#: What a snippet's row shows of its text.
PREVIEW_CHARS = 90


def snippet_item(snippet: Snippet) -> QStandardItem:
    flat = " ".join(snippet.body.split())
    shown = flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1] + "…"
    item = QStandardItem(f"{snippet.name}\n{shown}")
    item.setData(snippet.body, BODY_ROLE)
    item.setData(f"{snippet.name}\n{snippet.body}", SEARCH_ROLE)
    item.setData(f"{snippet.name}\n{snippet.body}", Qt.ItemDataRole.ToolTipRole)
    item.setData(f"{snippet.name}. {flat}", Qt.ItemDataRole.AccessibleTextRole)
    item.setEditable(False)
    return item


def words_pattern(text: str) -> QRegularExpression:
    """Every word typed, in any order and case, anywhere in the name or the text."""
    pattern = "".join(f"(?=.*{re.escape(word)})" for word in text.split())
    options = QRegularExpression.PatternOption
    return QRegularExpression(
        f"^{pattern}", options.CaseInsensitiveOption | options.DotMatchesEverythingOption
    )


class SnippetPicker(QDialog):
    """Choose a snippet; ``chosen`` carries its text."""

    chosen = Signal(str)

    def __init__(self, snippets: list[Snippet], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Insert a snippet")
        self.setObjectName("snippetPicker")
        screen.fit(self, 520, 360)
        self.model = QStandardItemModel(self)
        for snippet in snippets:
            self.model.appendRow(snippet_item(snippet))
        self.filtered = QSortFilterProxyModel(self)
        self.filtered.setSourceModel(self.model)
        self.filtered.setFilterRole(SEARCH_ROLE)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Type to filter snippets")
        self.field.setAccessibleName("Filter snippets")
        self.field.textChanged.connect(self._filter)
        self.field.returnPressed.connect(self.accept)
        self.field.installEventFilter(self)
        self.list = QListView()
        self.list.setModel(self.filtered)
        self.list.setAccessibleName("Snippets")
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.activated.connect(lambda _index: self.accept())
        self.empty = QLabel(
            "No snippets yet: File > Snippets… keeps the replies you write often."
            if not snippets
            else ""
        )
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        self._filter("")
        self.accepted.connect(self._insert)
        self.field.setFocus()

    def _filter(self, text: str) -> None:
        self.filtered.setFilterRegularExpression(words_pattern(text))
        if self.filtered.rowCount():
            self.list.setCurrentIndex(self.filtered.index(0, 0))
            if self.model.rowCount():
                self.empty.setText("")
        elif self.model.rowCount():
            self.empty.setText(f"No snippet holds “{text}”.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the filter box move in the list; the typing stays in the box."""
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (
                Qt.Key.Key_Up,
                Qt.Key.Key_Down,
                Qt.Key.Key_PageUp,
                Qt.Key.Key_PageDown,
            ):
                self.list.keyPressEvent(event)
                return True
        return super().eventFilter(watched, event)

    def current_text(self) -> str | None:
        index = self.list.currentIndex()
        return index.data(BODY_ROLE) if index.isValid() else None

    def _insert(self) -> None:
        text = self.current_text()
        if text is not None:
            self.chosen.emit(text)
