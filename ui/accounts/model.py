"""The accounts table: one row per account (and per account policy set up but not signed
in yet), columns Network, Name, Address, State and Last sync. A handful of rows, replaced
whole when the core's statuses are read again."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from app.accounts import AccountStatus, State
from app.accounts.address import host_of
from app.text import timefmt
from ui import theme
from ui.common import spoken
from ui.common.colours import Ink

COLUMNS = ("Network", "Name", "Address", "User", "State", "Last sync")
ADDRESS_COLUMN, STATE_COLUMN, SYNC_COLUMN = 2, 4, 5
DOT_PX = 10
#: States that stop an account from syncing (shown in the problem colour).
PROBLEMS = (State.NEEDS_SIGN_IN, State.ERROR, State.BLOCKED)

Index = QModelIndex | QPersistentModelIndex


def last_sync(status: AccountStatus) -> str:
    """ "4 min ago", "Yesterday", "12 Mar"; "Never" before the first successful sync."""
    if status.account_id is None:
        return ""
    when = timefmt.relative(status.last_sync_at)
    if not when:
        return "Never"
    if when == "now":
        return "Just now"
    return f"{when} ago" if when.endswith(("min", "h")) else when


class AccountsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[AccountStatus] = []
        self._dots: dict[str, QIcon] = {}

    def _dot(self, color: str) -> QIcon:
        """A small filled circle in ``color`` (kept by the model, which Qt deletes)."""
        if color not in self._dots:
            pixmap = QPixmap(DOT_PX, DOT_PX)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
            painter.drawEllipse(1, 1, DOT_PX - 2, DOT_PX - 2)
            painter.end()
            self._dots[color] = QIcon(pixmap)
        return self._dots[color]

    def set_rows(self, rows: list[AccountStatus]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def status(self, row: int) -> AccountStatus | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, account_id: str | None, base_url: str = "") -> int:
        """The row of a stored account (or, with ``account_id`` None, of a preset at
        ``base_url``); -1 when it is not listed."""
        for row, status in enumerate(self._rows):
            if status.account_id == account_id and (account_id or status.base_url == base_url):
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        status = self.status(index.row()) if index.isValid() else None
        if status is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = (
                status.network_name,
                status.name,
                host_of(status.base_url),
                status.username,
                status.label,
                last_sync(status),
            )[column]
            return (
                text if role == Qt.ItemDataRole.DisplayRole else spoken.cell(COLUMNS[column], text)
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(status, column)
        if column == STATE_COLUMN and role == Qt.ItemDataRole.ForegroundRole:
            return _state_color(status.state)
        if column == STATE_COLUMN and role == Qt.ItemDataRole.DecorationRole:
            return self._dot(_state_color(status.state).name())  # coloured when selected too
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and column == STATE_COLUMN:
            return status.reason
        return None


def _tooltip(status: AccountStatus, column: int) -> str:
    if column == ADDRESS_COLUMN:
        return status.base_url + (f"\n{status.locked}" if status.locked else "")
    if column == STATE_COLUMN:
        return status.reason or status.label
    if column == SYNC_COLUMN and status.last_sync_at:
        return f"Last synced {timefmt.exact(status.last_sync_at)}"
    return ""


def _state_color(state: State) -> QColor:
    if state in PROBLEMS:
        return theme.ink(Ink.PROBLEM)
    if state is State.CONNECTED:
        return theme.ink(Ink.OK)
    role = (
        QPalette.ColorRole.Link
        if state is State.NOT_SIGNED_IN
        else QPalette.ColorRole.PlaceholderText
    )
    return QApplication.palette().color(role)
