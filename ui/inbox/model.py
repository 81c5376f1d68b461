"""The inbox list model: a lazy Qt model over the store, never a list of everything.

In a view (Needs reply, Questions, ..., optionally one post) it holds the rows loaded so
far and fetches keyset pages of ``comments.view_page`` as the list scrolls
(``canFetchMore``/``fetchMore``). Those are short indexed reads on the UI thread's
read-only connection. A fixed result set (a search, "same question") is given whole.

``refresh()`` re-reads what is loaded and applies the difference row by row, so rows that
left the view disappear, new ones appear, and the selection of the others stays put.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlite_utils
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain import InboxView
from app.store.comments import LIST_COLUMNS, LIST_JOINS, view_page

PAGE = 100
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row as a dict (for the delegate)
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the comment id

Index = QModelIndex | QPersistentModelIndex


def rows_by_id(db: sqlite_utils.Database, ids: list[int]) -> list[dict]:
    """List rows for these comments, in the order given (missing or deleted ones dropped)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    found = {r["id"]: r for r in db.query(
        f"SELECT {LIST_COLUMNS} {LIST_JOINS} WHERE c.id IN ({marks}) AND c.deleted = 0", ids)}
    return [found[i] for i in ids if i in found]


def _key(row: dict) -> tuple[str, int]:
    return row["created_at"], row["id"]


class InboxModel(QAbstractListModel):
    def __init__(self, reader: Callable[[], sqlite_utils.Database], parent=None) -> None:
        super().__init__(parent)
        self._reader = reader
        self._rows: list[dict] = []
        self._view: InboxView | None = InboxView.NEEDS_REPLY
        self._post_id: int | None = None
        self._exhausted = True
        self._fetching = False

    # --- what is shown ------------------------------------------------------------------
    @property
    def view(self) -> InboxView | None:
        """The view shown, or None while showing a fixed result set."""
        return self._view

    @property
    def post_id(self) -> int | None:
        return self._post_id

    def show_view(self, view: InboxView, post_id: int | None = None) -> None:
        self.beginResetModel()
        self._view, self._post_id = view, post_id
        self._rows = view_page(self._reader(), view, post_id, None, PAGE)
        self._exhausted = len(self._rows) < PAGE
        self.endResetModel()

    def show_rows(self, rows: list[dict]) -> None:
        """A fixed result set (search, same question): all rows, no paging."""
        self.beginResetModel()
        self._view, self._post_id = None, None
        self._rows = list(rows)
        self._exhausted = True
        self.endResetModel()

    def append(self, rows: list[dict]) -> None:
        """Add every remaining row of the view, read elsewhere (off the UI thread)."""
        last = self.last_key()
        rows = [r for r in rows if last is None or _key(r) < last]
        if rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self._exhausted = True

    def last_key(self) -> tuple[str, int] | None:
        return _key(self._rows[-1]) if self._rows else None

    def refresh(self) -> None:
        """Re-read what is loaded and apply the difference."""
        db = self._reader()
        if self._view is None:
            self._apply(rows_by_id(db, [r["id"] for r in self._rows]))
            return
        limit = len(self._rows) + PAGE
        fresh = view_page(db, self._view, self._post_id, None, limit)
        last = self.last_key()
        self._exhausted = len(fresh) < limit
        if not self._exhausted and last is not None:  # keep the window that was loaded
            fresh = [r for r in fresh if _key(r) >= last]
        self._apply(fresh)

    # --- reading rows -------------------------------------------------------------------
    def row_id(self, row: int) -> int:
        return self._rows[row]["id"]

    def row_of(self, comment_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r["id"] == comment_id), None)

    def ids(self) -> list[int]:
        return [r["id"] for r in self._rows]

    # --- QAbstractListModel -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row['author_name']}: {row['snippet']}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return (f"{row['author_name']}, {row['author_title']}, on {row['post_title']}: "
                    f"{row['snippet']}")
        if role == ROW_ROLE:
            return row
        if role == ID_ROLE:
            return row["id"]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def canFetchMore(self, parent: Index) -> bool:
        return (not parent.isValid() and self._view is not None and not self._exhausted
                and not self._fetching)

    def fetchMore(self, parent: Index) -> None:
        """Load the next page. Not re-entrant: a listener of the insertion signals that asks
        for more meanwhile gets nothing until this page is in."""
        if not self.canFetchMore(parent):
            return
        page = view_page(self._reader(), self._view, self._post_id, self.last_key(), PAGE)
        self._exhausted = len(page) < PAGE
        if page:
            self._fetching = True
            try:
                self.beginInsertRows(QModelIndex(), len(self._rows),
                                     len(self._rows) + len(page) - 1)
                self._rows.extend(page)
                self.endInsertRows()
            finally:
                self._fetching = False

    # --- applying a fresh read ----------------------------------------------------------
    def _apply(self, fresh: list[dict]) -> None:
        keep = {r["id"] for r in fresh}
        end = len(self._rows) - 1
        while end >= 0:  # remove runs of rows that left, from the bottom up
            if self._rows[end]["id"] in keep:
                end -= 1
                continue
            start = end
            while start > 0 and self._rows[start - 1]["id"] not in keep:
                start -= 1
            self.beginRemoveRows(QModelIndex(), start, end)
            del self._rows[start:end + 1]
            self.endRemoveRows()
            end = start - 1
        old = {r["id"] for r in self._rows}
        if [r["id"] for r in self._rows] != [r["id"] for r in fresh if r["id"] in old]:
            self.beginResetModel()  # the order changed: nothing to keep
            self._rows = fresh
            self.endResetModel()
            return
        pos = 0
        while pos < len(fresh):  # insert runs of new rows where they belong
            if fresh[pos]["id"] in old:
                self._rows[pos] = fresh[pos]
                pos += 1
                continue
            stop = pos
            while stop < len(fresh) and fresh[stop]["id"] not in old:
                stop += 1
            self.beginInsertRows(QModelIndex(), pos, stop - 1)
            self._rows[pos:pos] = fresh[pos:stop]
            self.endInsertRows()
            pos = stop
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))
