"""The '?' sheet: every key from the registry, grouped by where it works.

A list a person can move through and a screen reader can read row by row ("Next comment:
j"), not a block of text: the groups (Inbox, Anywhere, Batch reply...) hold one row per
command, key and what it does. The field above it narrows the rows as you type ("snooze",
"ctrl+"); Down moves from the field into the list.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.actions.registry import Command, Registry
from ui.common import fonts, screen

COLUMNS = ("Key", "What it does")


def spoken(command: Command) -> str:
    """A row as a screen reader says it: "Next comment: j"."""
    return f"{command.label}: {command.key_text}"


class HelpDialog(QDialog):
    def __init__(self, registry: Registry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen.fit(self, 620, 640)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Find a key or what it does")
        self.filter.setAccessibleName("Find a key")
        self.filter.setAccessibleDescription("Type to narrow the list; Down moves into it.")
        self.filter.setClearButtonEnabled(True)
        self.keys = _key_tree(registry)
        self.count = QLabel()
        self.count.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(self.filter)
        layout.addWidget(self.keys, 1)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self.narrow)
        self.filter.installEventFilter(_DownIntoList(self.keys, self))
        self.narrow("")
        self.filter.setFocus()

    def rows(self) -> list[QTreeWidgetItem]:
        """Every command's row (shown or not), group by group."""
        return [row for group in _groups(self.keys) for row in _children(group)]

    def narrow(self, text: str) -> None:
        """Show the rows whose key or words contain ``text``; groups left empty hide."""
        wanted = text.strip().casefold()
        shown = 0
        for group in _groups(self.keys):
            visible = 0
            for child in _children(group):
                match = wanted in f"{child.text(0)} {child.text(1)}".casefold()
                child.setHidden(not match)
                visible += match
            group.setHidden(visible == 0)
            shown += visible
        self.count.setText(
            f"{shown} keys" if not wanted else f"{shown} of {len(self.rows())} keys match"
        )


def _key_tree(registry: Registry) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName("keys")
    tree.setAccessibleName("Keys")
    tree.setAccessibleDescription("Every key, grouped by where it works.")
    tree.setColumnCount(len(COLUMNS))
    tree.setHeaderLabels(list(COLUMNS))
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    tree.header().setStretchLastSection(True)
    scopes: dict[str, list[Command]] = {}
    for command in registry:
        scopes.setdefault(command.scope, []).append(command)
    bold = fonts.bold(tree.font())
    for scope, commands in scopes.items():
        group = QTreeWidgetItem([scope, ""])
        group.setFont(0, bold)
        group.setFirstColumnSpanned(True)
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        _speak(group, f"{scope}, {len(commands)} keys")
        for command in commands:
            row = QTreeWidgetItem([command.key_text, command.label])
            row.setFont(0, bold)
            _speak(row, spoken(command))
            group.addChild(row)
        tree.addTopLevelItem(group)
    tree.expandAll()
    rows = [row for group in _groups(tree) for row in _children(group)]
    if rows:
        tree.setCurrentItem(rows[0])
    return tree


def _groups(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    found = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    return [group for group in found if group is not None]


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    found = (item.child(i) for i in range(item.childCount()))
    return [child for child in found if child is not None]


def _speak(item: QTreeWidgetItem, text: str) -> None:
    for column in range(len(COLUMNS)):
        item.setData(column, Qt.ItemDataRole.AccessibleTextRole, text)


class _DownIntoList(QObject):
    """Down in the find field moves to the first row shown."""

    def __init__(self, tree: QTreeWidget, parent: QObject) -> None:
        super().__init__(parent)
        self._tree = tree

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            shown = [
                row
                for group in _groups(self._tree)
                for row in _children(group)
                if not row.isHidden()
            ]
            if shown:
                self._tree.setCurrentItem(shown[0])
                self._tree.setFocus()
                return True
        return False
