"""The shared inbox's rows: the comments the principal's device shared, as one list
model (the whole list is read off the UI thread on each workspace change; Qt asks only
for the rows on screen)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain import TriageState
from app.workspace.model import SharedComment

Index = QModelIndex | QPersistentModelIndex
_STATE_WORDS = {TriageState.DONE: " (done)", TriageState.SNOOZED: " (snoozed)"}


class SharedCommentsModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[SharedComment] = []

    def set_rows(self, rows: list[SharedComment]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def comment(self, row: int) -> SharedComment:
        return self._rows[row]

    def row_of(self, key: str) -> int | None:
        return next((n for n, c in enumerate(self._rows) if c.key == key), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            c = self._rows[index.row()]
            assigned = f" [for the {c.assigned_to}]" if c.assigned_to else ""
            state = _STATE_WORDS.get(c.triage, "")
            return f"{c.author}: {' '.join(c.body.split())[:100]}{state}{assigned}"
        return None
