"""A read-only table of short texts, one row per item, with each row's item kept for the
code that opens it: the ledger's comments (a page at a time: more are put in where they
fall, the rows on screen staying where they are) and the people waiting longest."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Item = TypeVar("Item")
Index = QModelIndex | QPersistentModelIndex
#: The item of a row (Qt.UserRole).
ITEM_ROLE = Qt.ItemDataRole.UserRole


class TextTable(QAbstractTableModel, Generic[Item]):
    def __init__(self, headers: Sequence[str]) -> None:
        super().__init__()
        self._headers = tuple(headers)
        self._rows: list[tuple[Item, tuple[str, ...], str]] = []

    def show(self, rows: Sequence[tuple[Item, tuple[str, ...], str]]) -> None:
        """Replace the rows: (item, its cells, a tooltip for the row)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def grow(
        self, rows: Sequence[tuple[Item, tuple[str, ...], str]], key: Callable[[Item], Hashable]
    ) -> list[int]:
        """Show ``rows``, which hold the rows shown now (by ``key``) in the same order
        and others among them: those are inserted where they fall, so the selection and
        the scrolling stay (a row shown now that ``rows`` lacks: all are replaced). Returns
        the positions of the rows inserted."""
        old = [key(item) for item, _, _ in self._rows]
        new = [key(item) for item, _, _ in rows]
        in_order = iter(new)
        if not all(k in in_order for k in old):  # each found after the one before
            self.show(rows)
            return list(range(len(rows)))
        inserted = []
        for at, (row, k) in enumerate(zip(rows, new, strict=True)):
            if at < len(self._rows) and key(self._rows[at][0]) == k:
                self._rows[at] = row
                continue
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, row)
            self.endInsertRows()
            inserted.append(at)
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self._headers) - 1)
            self.dataChanged.emit(self.index(0, 0), last)  # a row kept may read otherwise now
        return inserted

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, cells, tip = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip or None
        if role == ITEM_ROLE:
            return item
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None
