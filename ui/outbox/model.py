"""The outbox as a Qt table model: one row per item, what needs the person first.

A new post says how its site gets it when that is not live (kept as a draft, for review,
scheduled by the site), and the Network column names the network with the account.

Rows come from ``Core.outbox_items`` (one query); the view is handed them in chunks
through ``canFetchMore``/``fetchMore`` so a long history of sent items costs nothing until
someone scrolls to it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.domain import OutboxItem, OutboxKind, OutboxState
from app.sync.reasons import Reason, explain
from app.text.timefmt import exact
from ui import theme
from ui.common import spoken
from ui.common.colours import Ink
from ui.common.networks import where

CHUNK = 200
COLUMNS = ("State", "What", "To", "Network", "Tries", "Why")
WHY = COLUMNS.index("Why")
ITEM_ROLE = Qt.ItemDataRole.UserRole

STATE_LABELS = {
    OutboxState.QUEUED: "Queued",
    OutboxState.SENDING: "Sending",
    OutboxState.SENT: "Sent",
    OutboxState.FAILED: "Failed",
    OutboxState.UNKNOWN: "Checking",
    OutboxState.HELD: "Held",
    OutboxState.CANCELLED: "Cancelled",
}
STATE_INKS = {
    OutboxState.FAILED: Ink.PROBLEM,
    OutboxState.HELD: Ink.WARNING,
    OutboxState.UNKNOWN: Ink.PENDING,
    OutboxState.SENT: Ink.OK,
}
#: Items that need the person come first, then those on their way, then the finished.
ORDER = {
    OutboxState.HELD: 0,
    OutboxState.FAILED: 0,
    OutboxState.UNKNOWN: 1,
    OutboxState.SENDING: 1,
    OutboxState.QUEUED: 1,
    OutboxState.SENT: 2,
    OutboxState.CANCELLED: 2,
}

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


def what(item: OutboxItem) -> str:
    text = " ".join((item.title or item.body or "").split())
    kind = {
        OutboxKind.REPLY: "Reply",
        OutboxKind.PUBLISH: "Post",
        OutboxKind.EDIT: "Edit",
        OutboxKind.DELETE: "Delete",
    }[item.kind]
    return f"{kind}: {text[:80]}" if text else kind


#: How the site keeps a new post, by remote status (live needs no words).
SITE_STATES = {
    "draft": "kept as a draft on the site",
    "pending": "for review on the site",
    "future": "scheduled by the site for {at}",
}


def recipient(item: OutboxItem) -> str:
    if item.kind == OutboxKind.REPLY:
        return item.recipient or "—"
    if item.kind != OutboxKind.PUBLISH:
        return "Your post"
    options = item.options
    state = SITE_STATES.get(options.status)
    return f"New post, {state.format(at=exact(options.publish_at))}" if state else "New post"


def describe(item: OutboxItem) -> str:
    """The item as a phrase: "your reply to Dana Reyes", "the post “Q3 plans” on Sandbox"."""
    network = item.account_name or item.account_id
    if item.kind == OutboxKind.REPLY:
        who = item.recipient
        return f"your reply to {who}" if who else f"your reply on {network}"
    text = what(item).partition(": ")[2]
    kind = "post" if item.kind == OutboxKind.PUBLISH else str(item.kind)
    return f"the {kind} “{text}” on {network}" if text else f"the {kind} on {network}"


class OutboxModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[OutboxItem] = []
        self._reasons: list[Reason] = []
        self._shown = 0

    def set_items(self, items: list[OutboxItem]) -> None:
        self.beginResetModel()
        self._items = sorted(items, key=lambda i: (ORDER[OutboxState(i.state)], -i.id))
        self._reasons = [explain(i) for i in self._items]
        self._shown = min(CHUNK, len(self._items))
        self.endResetModel()

    def item(self, row: int) -> OutboxItem:
        return self._items[row]

    def reason(self, row: int) -> Reason:
        return self._reasons[row]

    def row_of(self, item_id: int) -> int | None:
        """The row showing ``item_id``, fetching further chunks if it is further down."""
        for row, item in enumerate(self._items):
            if item.id == item_id:
                while row >= self._shown:
                    self.fetchMore(QModelIndex())
                return row
        return None

    # --- Qt model -------------------------------------------------------------------
    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._shown < len(self._items)

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid():
            return
        more = min(CHUNK, len(self._items) - self._shown)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        item, reason = self._items[index.row()], self._reasons[index.row()]
        state = OutboxState(item.state)
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = (
                STATE_LABELS[state],
                what(item),
                recipient(item),
                where(item) if item.network else item.account_id,
                str(item.attempts),
                reason.headline,
            )[column]
            return (
                text if role == Qt.ItemDataRole.DisplayRole else spoken.cell(COLUMNS[column], text)
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return reason.text if column == WHY else item.body if column == 1 else None
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and state in STATE_INKS:
            return theme.ink(STATE_INKS[state])
        if role == Qt.ItemDataRole.FontRole and reason.needs_you and column in (0, WHY):
            font = QFont()
            font.setBold(True)
            return font
        if role == ITEM_ROLE:
            return item
        return None
