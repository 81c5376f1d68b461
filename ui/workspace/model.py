"""The replies waiting for approval, as a small list model (a few dozen rows at most: the
whole list is read on each workspace change, off the UI thread, by the panel)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.workspace.model import Reply, SharedComment

ReplyRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class ApprovalModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._replies: list[Reply] = []
        self._comments: dict[str, SharedComment] = {}

    def set_replies(self, replies: list[Reply], comments: dict[str, SharedComment]) -> None:
        self.beginResetModel()
        self._replies, self._comments = replies, comments
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._replies)

    def reply(self, row: int) -> Reply:
        return self._replies[row]

    def comment(self, reply: Reply) -> SharedComment | None:
        return self._comments.get(reply.comment_key)

    def row_of(self, reply_id: str) -> int | None:
        return next((n for n, r in enumerate(self._replies) if r.id == reply_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        reply = self._replies[index.row()]
        if role == ReplyRole:
            return reply
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            comment = self._comments.get(reply.comment_key)
            to = comment.author if comment else reply.comment_key
            conflict = " (edited on two devices: pick or merge)" if reply.in_conflict else ""
            first_line = " ".join(reply.text.split())[:80]
            return f"To {to}: {first_line}{conflict}"
        return None
