"""How a theme row looks: its headline ("34 people ask: How many days…?") in the text's
colour and, under it, its details ("Newest on Fri") in the quieter secondary colour, with
room above and below. (Drawn as one plain text, every row read as one wall of words.)
Long headlines wrap to the list's width, and the row grows to hold them."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui import theme
from ui.themes.model import THEME_ROLE, details, headline

Index = QModelIndex | QPersistentModelIndex
#: Room above and below a row's words, and at its sides, in pixels.
PAD = 6
SIDE = 6
#: Between the headline and the details.
GAP = 2
FLAGS = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap


class ThemeDelegate(QStyledItemDelegate):
    """Paints the rows of ``view`` (a list of ``ThemesModel``)."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def _width(self) -> int:
        """The width the words wrap to: the list's, less the row's sides."""
        return max(self._view.viewport().width() - 2 * self._view.spacing() - 2 * SIDE, 1)

    def _heights(self, metrics: QFontMetrics, index: Index) -> tuple[int, int]:
        found = index.data(THEME_ROLE)
        room = QRect(0, 0, self._width(), 1 << 20)
        return (
            metrics.boundingRect(room, FLAGS, headline(found)).height(),
            metrics.boundingRect(room, FLAGS, details(found)).height(),
        )

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # Qt override
        if index.data(THEME_ROLE) is None:
            return super().sizeHint(option, index)
        head, more = self._heights(option.fontMetrics, index)
        return QSize(self._width() + 2 * SIDE, PAD + head + GAP + more + PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        found = index.data(THEME_ROLE)
        if found is None:
            super().paint(painter, option, index)
            return
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""  # the style draws the selection and focus, the words are ours
        style = self._view.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, self._view)
        state, role = option.state, QPalette.ColorRole
        selected = bool(state & QStyle.StateFlag.State_Selected)
        group = (  # as the style draws the selection: tinted while the list has no focus
            QPalette.ColorGroup.Active
            if state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        ink = option.palette.color(group, role.HighlightedText if selected else role.Text)
        behind = option.palette.color(group, role.Highlight if selected else role.Base)
        head, _ = self._heights(option.fontMetrics, index)
        words = option.rect.adjusted(SIDE, PAD, -SIDE, -PAD)
        painter.save()
        painter.setFont(option.font)
        painter.setPen(ink)
        painter.drawText(words, FLAGS, headline(found))
        painter.setPen(theme.quiet_text(ink, behind))
        painter.drawText(words.adjusted(0, head + GAP, 0, 0), FLAGS, details(found))
        painter.restore()
