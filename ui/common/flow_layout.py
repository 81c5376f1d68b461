"""A row of buttons that wraps onto more lines when it has not the width for one, so no
button is ever squeezed below its own size (the minimum window size, 200% text), and a
column that asks for the height its wrapped rows take.

Qt ships no flow layout; this follows the shape of Qt's documented "Flow Layout" example
(https://doc.qt.io/qt-6/qtwidgets-layouts-flowlayout-example.html).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QVBoxLayout, QWidget


class WrappingColumn(QWidget):
    """A column of widgets and wrapping rows, for a resizable scroll area: at any width it
    asks for the least height its rows take there (each at its minimum, the wrapped rows
    on as many lines as they need), rather than squeezing rows into each other."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)

    def add(self, *parts: QWidget | QLayout) -> None:
        for part in parts:
            if isinstance(part, QLayout):
                self._column.addLayout(part)
            else:
                self._column.addWidget(part)

    def stretch(self, widget: QWidget, factor: int) -> None:
        self._column.setStretchFactor(widget, factor)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        """The least height at ``width``: a scroll area gives at least this, and scrolls
        when its viewport is smaller (the text box and preview take what is left over)."""
        margins = self._column.contentsMargins()
        inner = width - margins.left() - margins.right()
        items = [self._column.itemAt(i) for i in range(self._column.count())]
        shown = [item for item in items if item is not None and not item.isEmpty()]
        heights = (
            item.heightForWidth(inner) if item.hasHeightForWidth() else item.minimumSize().height()
            for item in shown
        )
        spacing = max(self._column.spacing(), 0) * max(len(shown) - 1, 0)
        return sum(heights) + spacing + margins.top() + margins.bottom()


class FlowLayout(QLayout):
    """Items left to right at their size hints, wrapping to a new line when full; with
    ``align_right`` each line keeps to the right edge (for a dialog's closing buttons)."""

    def __init__(self, parent: QWidget | None = None, *, align_right: bool = False) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._align_right = align_right
        self.setContentsMargins(0, 0, 0, 0)

    def add(self, *widgets: QWidget) -> None:
        for widget in widgets:
            self.addWidget(widget)

    # --- QLayout -------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        shown = self._shown()
        spacing = self._spacing() * max(len(shown) - 1, 0)
        width = sum(item.sizeHint().width() for item in shown) + spacing
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:
        """As wide as the widest item, one line tall: the lines it needs at a given width
        come from ``heightForWidth``, which the enclosing box layout asks."""
        shown = self._shown()
        width = max((item.sizeHint().width() for item in shown), default=0)
        return QSize(width, max((item.sizeHint().height() for item in shown), default=0))

    # --- placing -------------------------------------------------------------------------
    def _spacing(self) -> int:
        spacing = self.spacing()
        return spacing if spacing >= 0 else 6

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._shown():
            needed = item.sizeHint().width() + (self._spacing() if lines[-1] else 0)
            if lines[-1] and used + needed > width:
                lines.append([])
                used, needed = 0, item.sizeHint().width()
            lines[-1].append(item)
            used += needed
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        y = rect.y()
        for line in self._lines(rect.width()):
            height = max(item.sizeHint().height() for item in line)
            widths = [item.sizeHint().width() for item in line]
            x = rect.x()
            if self._align_right:
                x = rect.right() + 1 - sum(widths) - self._spacing() * (len(line) - 1)
            for item, width in zip(line, widths, strict=True):
                if place:
                    top = y + (height - item.sizeHint().height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), QSize(width, item.sizeHint().height())))
                x += width + self._spacing()
            y += height + self._spacing()
        return max(y - self._spacing() - rect.y(), 0)
