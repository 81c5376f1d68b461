"""Sizing windows for the screen they open on: a window asks for the size it looks best
at with the usual text size, grows with larger text, and gets no more than the screen has
room for (a small laptop, or text and controls at 200%, where 1280 x 800 is wider than
the whole screen)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

#: The share of the screen's free area a window may take at most when it opens.
ROOM = 0.95
#: The text size (points) Fireside's window sizes are drawn for.
USUAL_POINTS = 10.0


def text_scale() -> float:
    """How much larger than usual the application's text is (1.0 at most sizes)."""
    points = QApplication.font().pointSizeF()
    return max(1.0, points / USUAL_POINTS) if points > 0 else 1.0


def _within_room(widget: QWidget, width: int, height: int) -> tuple[int, int]:
    """``width`` x ``height`` scaled with the text, no more than the screen has room for."""
    width, height = round(width * text_scale()), round(height * text_scale())
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, int(room.width() * ROOM))
        height = min(height, int(room.height() * ROOM))
    return width, height


def set_minimum(widget: QWidget, width: int, height: int) -> None:
    """The smallest ``widget`` may be made: ``width`` x ``height`` at the usual text size,
    more for larger text, but never more than its screen has room for."""
    widget.setMinimumSize(*_within_room(widget, width, height))


def fit(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` x ``height`` (logical pixels, at the usual text size;
    more for larger text), or to what its screen has room for when that is less (never
    below the widget's own minimum)."""
    width, height = _within_room(widget, width, height)
    widget.resize(max(width, widget.minimumWidth()), max(height, widget.minimumHeight()))
