"""Deleted drafts: every deleted draft, the most recently deleted first (its title, when
it was deleted and its first words), and Restore. Enter restores the chosen draft, a
double click too; Esc closes. The dialog only presents: it reads the list through the
core and asks for a restore (``restoreRequested``); ``ui.editor.deletion`` restores it,
closes the dialog and opens the draft. It reads the list again whenever a draft is
deleted or restored anywhere.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core import Core
from app.domain import DeletedDraft, DraftState
from app.text.timefmt import ago, exact
from ui.bridge import CoreBridge
from ui.common import screen
from ui.common.table_view import table_view
from ui.operations import run

COLUMNS = ("Title", "Deleted", "First words")
AnyIndex = QModelIndex | QPersistentModelIndex


class DeletedDraftsModel(QAbstractTableModel):
    """The deleted drafts as last read, one row each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DeletedDraft] = []

    def show(self, rows: list[DeletedDraft]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        draft = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (_title(draft), ago(draft.deleted_at), draft.opening)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _described(draft)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _described(draft)
        return None


def _title(draft: DeletedDraft) -> str:
    scheduled = " (was scheduled)" if draft.state is DraftState.SCHEDULED else ""
    return f"{draft.title or 'Untitled'}{scheduled}"


def _described(draft: DeletedDraft) -> str:
    """One row in words, for its tooltip and screen readers."""
    return f"{_title(draft)}, deleted {exact(draft.deleted_at)}. {draft.opening}"


class DeletedDraftsDialog(QDialog):
    """Pick a deleted draft and restore it (Enter)."""

    restoreRequested = Signal(int)  # draft id

    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self.setWindowTitle("Deleted drafts")
        screen.fit(self, 760, 420)
        self.loaded = False  # the list has been read at least once
        intro = QLabel(
            "Drafts you deleted, the most recent first. Restore one to put it back in the "
            "sidebar and open it; a draft that was scheduled comes back as a plain draft."
        )
        intro.setWordWrap(True)
        self.model = DeletedDraftsModel(self)
        # A table like the outbox's and a person's page, rows with room around their
        # words (a tree's rows stood pressed together, "just now" against the lines).
        self.view = table_view(self.model, "Deleted drafts", COLUMNS.index("First words"))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 240)
        self.view.doubleClicked.connect(lambda _: self.restore_chosen())
        intro.setBuddy(self.view)
        self.empty = QLabel("No deleted drafts. A draft you delete waits here to be restored.")
        self.empty.setObjectName("hint")
        self.empty.hide()

        buttons = QDialogButtonBox()
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setDefault(True)  # Enter, wherever the keyboard is in the list
        self.restore_button.setEnabled(False)
        self.restore_button.setAccessibleDescription("Put the chosen draft back and open it.")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.restore_button.clicked.connect(self.restore_chosen)
        buttons.rejected.connect(self.reject)  # Close, and Esc

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)
        bridge.draftBinChanged.connect(lambda *_: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        run(self, self._core.drafts.deleted(), on_done=self._show)

    def _show(self, rows: list[DeletedDraft]) -> None:
        chosen = self.chosen()
        self.model.show(rows)
        ids = [r.id for r in rows]
        row = ids.index(chosen) if chosen in ids else 0
        self.view.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.restore_button.setEnabled(bool(rows))
        if rows:
            self.view.setCurrentIndex(self.model.index(row, 0))
            self.view.setFocus()
        self.loaded = True

    def chosen(self) -> int | None:
        """The id of the deleted draft the keyboard is on (None: the list is empty)."""
        index = self.view.currentIndex()
        rows = self.model.rows
        return rows[index.row()].id if index.isValid() and index.row() < len(rows) else None

    def restore_chosen(self) -> None:
        draft_id = self.chosen()
        if draft_id is not None and self.restore_button.isEnabled():
            self.restore_button.setEnabled(False)  # once: a second Enter waits for the list
            self.restoreRequested.emit(draft_id)
