"""The command registry (qutebrowser style): every command has a name, a label, a scope and
keys, declared once in ``keymap.py``. Widgets bind a handler to a name and get back a
QAction with the keys, label, icon and tooltip filled in, so buttons, menus and shortcuts
share one action and the '?' help lists exactly what the keys do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import msgspec
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QWidget

from ui import theme


class Command(msgspec.Struct, frozen=True):
    name: str
    label: str
    scope: str
    keys: tuple[str, ...]
    icon: str | None = None

    @property
    def key_text(self) -> str:
        """The keys as a person reads them: "j", "Shift+J", "Ctrl+Enter"."""
        return " or ".join(dict.fromkeys(describe_key(k) for k in self.keys))


def describe_key(key: str) -> str:
    """A lone letter is pressed without Shift, so show it in lower case; Return and the
    keypad's Enter are both "Enter" to the person pressing them."""
    text = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
    if len(text) == 1:
        return text.lower()
    return text.replace("Return", "Enter")


def speak_button(button: QAbstractButton, text: str, command: Command) -> None:
    """A button that shows its key beside its text ("Reply  r") is named by the text
    alone for screen readers, with the command and its key as its description."""
    button.setAccessibleName(text)
    keys = command.key_text
    button.setAccessibleDescription(f"{command.label}. Key: {keys}." if keys else command.label)


class Registry:
    def __init__(self, commands: Iterable[Command]) -> None:
        self._commands = {c.name: c for c in commands}

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands.values())

    def command(self, name: str) -> Command:
        return self._commands[name]

    def bind(
        self,
        widget: QWidget,
        name: str,
        handler: Callable[[], object],
        context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
    ) -> QAction:
        """A QAction on ``widget`` that runs ``handler`` on the command's keys."""
        command = self._commands[name]
        action = QAction(command.label, widget)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in command.keys])
        action.setShortcutContext(context)
        action.setToolTip(
            f"{command.label} ({command.key_text})" if command.keys else command.label
        )
        if command.icon:
            action.setIcon(theme.icon(command.icon))
        action.triggered.connect(lambda _checked=False: handler())
        widget.addAction(action)
        return action
