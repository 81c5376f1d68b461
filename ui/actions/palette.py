"""The command palette (Ctrl+K): type a few letters of what you want to do, Enter runs it.

It lists the same commands as the menus and the '?' help, those that can run where the
keyboard was when it opened (others are left out), each with its keys so the palette
teaches them. Words match in any order ("draft new" finds "New draft"); Up and Down move
in the list while the keyboard stays in the field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.actions.registry import Command
from ui.common import screen

MOVES = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


def matches(command: Command, typed: str) -> bool:
    """Every word typed appears in the command's label, keys or menu name."""
    haystack = f"{command.label} {command.key_text} {command.scope}".casefold()
    return all(word in haystack for word in typed.casefold().split())


class CommandPalette(QDialog):
    """``run(name)`` is called with the chosen command's name once the palette closed."""

    def __init__(
        self,
        commands: Iterable[Command],
        run: Callable[[str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Find a command")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen.fit(self, 560, 420)
        self._commands = list(commands)
        self._run = run
        self.field = QLineEdit()
        self.field.setPlaceholderText("Type what you want to do")
        self.field.setAccessibleName("Find a command")
        self.field.setAccessibleDescription("Up and Down choose; Enter runs it; Esc closes.")
        self.list = QListWidget()
        self.list.setAccessibleName("Commands")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the field
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.count = QLabel()
        self.count.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count)
        self.field.textChanged.connect(self.narrow)
        self.field.returnPressed.connect(self.accept)
        self.field.installEventFilter(_MovesTheList(self.list, self))
        self.narrow("")
        self.field.setFocus()

    def narrow(self, typed: str) -> None:
        self.list.clear()
        for command in self._commands:
            if matches(command, typed):
                keys = command.key_text
                item = QListWidgetItem(f"{command.label}    {keys}" if keys else command.label)
                item.setData(Qt.ItemDataRole.UserRole, command.name)
                item.setData(
                    Qt.ItemDataRole.AccessibleTextRole,
                    f"{command.label}, {keys}" if keys else command.label,
                )
                self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        shown = self.list.count()
        self.count.setText(
            f"{shown} commands" if shown else "No command matches; try fewer letters."
        )

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def accept(self) -> None:  # Qt override
        name = self.chosen()
        if name is None:
            return
        super().accept()  # closed first: the command runs where the keyboard was
        self._run(name)


class _MovesTheList(QObject):
    def __init__(self, target: QListWidget, parent: QObject) -> None:
        super().__init__(parent)
        self._list = target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in MOVES
        ):
            self._list.event(event)  # the list moves its current row, as if it had the keys
            return True
        return False
