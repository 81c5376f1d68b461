"""The keyboard's way through a screen: the order Tab follows, and text boxes that Tab
leaves (a reply is prose, not code: Tab moves on, Ctrl+Tab types a tab for whoever needs
one).
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


def chain(*widgets: QWidget | None) -> None:
    """Tab goes from each widget to the next, in this order (None is left out; widgets
    hidden at the time are skipped by Qt when Tab is pressed)."""
    present = [widget for widget in widgets if widget is not None]
    for first, second in itertools.pairwise(present):
        QWidget.setTabOrder(first, second)


class _CtrlTabTypesTab(QObject):
    """Ctrl+Tab types a tab in the text box it watches (Tab itself moves on)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier
            and isinstance(watched, QPlainTextEdit)
            and not watched.isReadOnly()
        ):
            watched.insertPlainText("\t")
            return True
        return False


def tab_leaves(edit: QPlainTextEdit) -> None:
    """Tab and Shift+Tab move on from ``edit`` to the next control; Ctrl+Tab types a tab."""
    edit.setTabChangesFocus(True)
    edit.installEventFilter(_CtrlTabTypesTab(edit))
