"""A row of tool buttons that shows their words while there is room and only their icons
when there is not (a small screen, text at 200%), so a window never grows wider than the
screen because of a toolbar. Names, descriptions and tooltips stay, so the keyboard and
screen readers lose nothing.

Measuring a button in the other style means switching it there and back, which asks the
window for a new layout; the layout asks this row for its size again. The widths are
therefore kept per style and per what decides them (texts, fonts, icon sizes, the
style), so a layout that finds nothing changed measures nothing and the loop ends.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QToolButton, QWidget

Style = Qt.ToolButtonStyle


class CompactRow(QWidget):
    """Tool buttons left to right; ``add(button)`` puts one in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: list[QToolButton] = []
        self._widths: dict[tuple, int] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def add(self, button: QToolButton, at: int | None = None) -> None:
        """Put ``button`` in at place ``at`` (after the others by default)."""
        place = len(self.buttons) if at is None else at
        button.setToolButtonStyle(Style.ToolButtonTextBesideIcon)
        self._layout.insertWidget(place, button)
        self.buttons.insert(place, button)

    @property
    def compact(self) -> bool:
        """Showing icons only."""
        return bool(self.buttons) and self.buttons[0].toolButtonStyle() is Style.ToolButtonIconOnly

    def _width(self, style: Style) -> int:
        """The row's width with every button in ``style``."""
        key = (
            style,
            self.style().name(),
            self._layout.spacing(),
            tuple(
                (b.text(), b.font().key(), b.iconSize().toTuple(), b.isHidden())
                for b in self.buttons
            ),
        )
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) > len(Style) * 4:  # fonts or texts changed: start again
                self._widths.clear()
            width = self._widths[key] = self._measure(style)
        return width

    def _measure(self, style: Style) -> int:
        widths = []
        for button in self.buttons:
            if button.isHidden():
                continue
            before = button.toolButtonStyle()
            button.setToolButtonStyle(style)
            widths.append(button.sizeHint().width())
            button.setToolButtonStyle(before)
        spacing = self._layout.spacing() * max(len(widths) - 1, 0)
        return sum(widths) + spacing

    def minimumSizeHint(self) -> QSize:  # Qt override
        return QSize(self._width(Style.ToolButtonIconOnly), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # Qt override
        return QSize(self._width(Style.ToolButtonTextBesideIcon), super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self.refit()

    def refit(self) -> None:
        """Words or icons for the width the row has now (call it after showing or hiding
        a button: the row may keep its width)."""
        wanted = (
            Style.ToolButtonIconOnly
            if self.width() < self._width(Style.ToolButtonTextBesideIcon)
            else Style.ToolButtonTextBesideIcon
        )
        for button in self.buttons:
            if button.toolButtonStyle() is not wanted:
                button.setToolButtonStyle(wanted)
