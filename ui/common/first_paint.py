"""Hearing when a widget has painted for the first time: ``FirstPaint(widget).painted``.

The window's start is timed to its first painted inbox. What that paint does not need
(the sidebar's counts and posts, waking snoozed comments, connecting the accounts) waits
for this signal, so it neither delays the paint nor competes with it for the CPU.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget


class FirstPaint(QObject):
    """Emits ``painted`` once, after ``widget``'s first paint has finished."""

    painted = Signal()

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._widget = widget
        self.done = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self, self.painted.emit)  # once this paint has finished
        return False
