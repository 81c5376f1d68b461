"""Filling a rectangle with a colour without ``QPainter.fillRect``.

From Python, ``fillRect(rect, colour)`` goes through PySide's overload resolution, which
tries ``QGradient.Preset`` for the colour and so builds QGradient's Python enums (~180
presets; 1.7-2 ms) the first time a row is painted, on the way to the first painted
inbox. A brush of the colour drawn with no pen covers exactly the same pixels
(antialiased or not) and touches no gradient type.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter


def fill(painter: QPainter, rect: QRect, colour: QColor) -> None:
    """Paint ``rect`` in ``colour``, as ``painter.fillRect(rect, colour)`` would; the
    painter's pen and brush are left as they were."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRect(rect)
    painter.restore()
