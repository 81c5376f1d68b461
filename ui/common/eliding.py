"""Widgets whose words shorten to fit, so a layout never grows because of them (panes keep
their widths): a button whose middle words shorten ("Post: AI assistant: n…" and its
cross), a label that ends in "…" when cut, its whole text in its tooltip, a title
whose count outlasts its words ("Same quest… · 21"), and a text box whose hint shortens
("Search   /", then "Search") and which gives up its width before the words beside it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QSizePolicy, QToolButton

#: Room the button's frame and padding take beside its text (a chip's style sheet).
PADDING = 28
#: Room a text box's frame and padding take beside its text and icons.
FIELD_PADDING = 12


class ElidingButton(QToolButton):
    """Shows ``before + words + after``, the words elided to the width it is given."""

    def __init__(self) -> None:
        super().__init__()
        self._parts = ("", "", "")
        # A tool button is Fixed by default (its minimum would be its whole text).
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_parts(self, before: str, words: str, after: str) -> None:
        self._parts = (before, words, after)
        self.updateGeometry()
        self._fit()

    def full_text(self) -> str:
        return "".join(self._parts)

    def sizeHint(self) -> QSize:  # Qt override
        hint = super().sizeHint()
        return QSize(
            self.fontMetrics().horizontalAdvance(self.full_text()) + PADDING, hint.height()
        )

    def minimumSizeHint(self) -> QSize:  # Qt override
        before, _words, after = self._parts
        width = self.fontMetrics().horizontalAdvance(f"{before}…{after}") + PADDING
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """The words elided to the width given; whole until a layout has given one."""
        before, words, after = self._parts
        if not self.isVisible():
            self.setText(self.full_text())
            return
        metrics = self.fontMetrics()
        room = self.width() - PADDING - metrics.horizontalAdvance(before + after)
        shown = metrics.elidedText(words, Qt.TextElideMode.ElideRight, max(room, 0)) or "…"
        self.setText(f"{before}{shown}{after}")


class ElidingLabel(QLabel):
    """A one-line label that takes the room there is and never asks for more: cut, it
    ends in "…" and its tooltip holds the whole text (``text()`` is always whole, and so
    is what a screen reader reads)."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # Qt override
        super().setText(text)
        self._tip()

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._tip()

    def _shown(self) -> str:
        room = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room)

    def _tip(self) -> None:
        self.setToolTip("" if self._shown() == self.text() else self.text())

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt override
        painter = QPainter(self)
        painter.drawText(self.contentsRect(), int(self.alignment()), self._shown())


class CountedTitle(ElidingLabel):
    """A title whose last part, after " · " (a count: "Same question · 21"), always shows
    whole: the words before it shorten first. It asks for its whole width, and takes
    less only when there is no more."""

    TAIL = " · "

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def _parts(self) -> tuple[str, str]:
        words, sep, count = self.text().rpartition(self.TAIL)
        return (words, f"{sep}{count}") if sep else (self.text(), "")

    def minimumSizeHint(self) -> QSize:  # Qt override
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(f"…{self._parts()[1]}")
        return QSize(width + margins.left() + margins.right(), super().minimumSizeHint().height())

    def _shown(self) -> str:
        words, tail = self._parts()
        metrics = self.fontMetrics()
        room = self.contentsRect().width() - metrics.horizontalAdvance(tail)
        shown = metrics.elidedText(words, Qt.TextElideMode.ElideRight, max(room, 0)) or "…"
        return shown + tail


class HintedField(QLineEdit):
    """A text box that shows its ``hint`` where it fits and its ``short_hint`` where it
    does not, and asks a layout for the short hint's width only: the words beside it (a
    page's title) keep theirs, and the box grows to the whole hint's width (or Qt's own
    width, if wider) from a stretch in its row, before the row's other room. ``icons``:
    how many icons sit beside the hint, each as wide as the box is high."""

    def __init__(self, hint: str, short_hint: str, icons: int) -> None:
        super().__init__()
        self._hints = (hint, short_hint)
        self._icons = icons
        self.setPlaceholderText(hint)
        self._measure()

    def _room(self, hint: str) -> int:
        chrome = self._icons * super().sizeHint().height() + FIELD_PADDING
        return self.fontMetrics().horizontalAdvance(hint) + chrome

    def _measure(self) -> None:
        self.setMaximumWidth(max(self._room(self._hints[0]), super().sizeHint().width()))
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # Qt override
        return QSize(self._room(self._hints[1]), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # Qt override
        return QSize(self._room(self._hints[1]), super().minimumSizeHint().height())

    def changeEvent(self, event: QEvent) -> None:  # Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._measure()  # the hint's width, and the frame's padding

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        hint, short_hint = self._hints
        self.setPlaceholderText(hint if self.width() >= self._room(hint) else short_hint)
