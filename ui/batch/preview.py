"""The preview of a batch: one card per personalised reply, exactly the text that will be
queued, with "> " quote lines drawn as a quote. Each card's head names the network the
reply goes to (its inbox chip) and that network's limit, since one batch can span several;
a reply longer than its network allows (``ReplyPreview.limit``) gets a red line at the
foot of its card saying by how much.

A list model and a painting delegate, so a batch of thousands costs only the cards on
screen, and the list lays itself out in batches without holding up the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ui import theme
from ui.common import fonts
from ui.common.chips import chip_font, paint_chips
from ui.common.colours import Ink
from ui.common.networks import network_chip, network_label

if TYPE_CHECKING:
    from app.domain import ReplyPreview

PAD, GAP, QUOTE_INDENT = 10, 8, 14
PREVIEW_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_WRAP = Qt.TextFlag.TextWordWrap


class PreviewModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._previews: list[ReplyPreview] = []

    def set_previews(self, previews: list[ReplyPreview]) -> None:
        """Show new texts; for the same people the list keeps its scroll position."""
        if [p.comment_id for p in previews] == [p.comment_id for p in self._previews]:
            self.layoutAboutToBeChanged.emit()
            self._previews = list(previews)
            self.layoutChanged.emit()
            return
        self.beginResetModel()
        self._previews = list(previews)
        self.endResetModel()

    def preview_at(self, row: int) -> ReplyPreview | None:
        return self._previews[row] if 0 <= row < len(self._previews) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._previews)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._previews):
            return None
        preview = self._previews[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            problem = flag_text(preview)
            return f"{heading(preview)}\n{preview.text}" + (f"\n{problem}" if problem else "")
        if role == PREVIEW_ROLE:
            return preview
        return None


def heading(preview: ReplyPreview) -> str:
    """ "To Ann Lee · Blog · up to 4,000 characters": who, where, and that network's limit."""
    where = f" · {network_label(preview.network)}" if preview.network else ""
    if preview.network and preview.network_shared and preview.account_name:
        where += f" · {preview.account_name}"
    edited = " · written by hand" if preview.edited else ""
    return f"To {preview.recipient}{where}{edited} · {limit_text(preview)}"


def limit_text(preview: ReplyPreview) -> str:
    return f"up to {preview.limit:,} characters"


def too_long_text(preview: ReplyPreview) -> str:
    """ "Too long: 4,312 characters, the limit is 4,000 (312 over)", or "" when it fits."""
    if preview.length <= preview.limit:
        return ""
    over = preview.length - preview.limit
    return (
        f"Too long: {preview.length:,} characters, the limit is {preview.limit:,} ({over:,} over)"
    )


def flag_text(preview: ReplyPreview) -> str:
    """The red line at a card's foot: too long, or no question to quote; "" when fine."""
    if preview.too_long:
        return too_long_text(preview)
    if preview.no_question:
        return "No question in this comment: {question} quotes its first sentence"
    if preview.no_name:
        return "Their network gives no name for {first_name} or {name}: see “No name?”"
    return ""


def _lines(text: str) -> list[tuple[str, bool, bool]]:
    """(line, is_quote, after_blank) for each non-empty line of a reply."""
    found, blank = [], False
    for raw in text.strip().splitlines():
        line = raw.rstrip()
        if not line:
            blank = True
            continue
        quote = line.startswith("> ")
        found.append((line[2:] if quote else line, quote, blank))
        blank = False
    return found


class PreviewDelegate(QStyledItemDelegate):
    def _layout(
        self,
        option: QStyleOptionViewItem,
        preview: ReplyPreview,
        width: int,
    ) -> list[tuple[QRect, str, bool]]:
        """Where each line goes inside a card ``width`` wide, from the card's top."""
        metrics = QFontMetrics(option.font)
        top = PAD + QFontMetrics(fonts.bold(option.font)).height() + GAP // 2
        placed = []
        for line, quote, after_blank in _lines(preview.text):
            top += GAP // 2 if after_blank else 0
            indent = QUOTE_INDENT if quote else 0
            box = metrics.boundingRect(QRect(0, 0, width - 2 * PAD - indent, 10_000), _WRAP, line)
            placed.append(
                (QRect(PAD + indent, top, width - 2 * PAD - indent, box.height()), line, quote)
            )
            top += box.height() + GAP // 2
        return placed

    def _width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        return view.viewport().width() if isinstance(view, QAbstractItemView) else 600

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        preview = index.data(PREVIEW_ROLE)
        width = self._width(option)
        placed = self._layout(option, preview, width)
        bottom = placed[-1][0].bottom() if placed else PAD
        flag = flag_text(preview)
        if flag:  # wrapped, as it is painted
            box = QRect(0, 0, width - 2 * PAD, 10_000)
            bottom += (
                GAP // 2
                + QFontMetrics(fonts.bold(option.font)).boundingRect(box, _WRAP, flag).height()
            )
        return QSize(width, bottom + PAD + GAP)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        preview = index.data(PREVIEW_ROLE)
        palette = option.palette
        card = option.rect.adjusted(0, 0, 0, -GAP)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
        painter.drawRoundedRect(card, 6, 6)
        _paint_head(painter, option, card, preview)
        painter.setFont(option.font)
        for rect, line, quote in self._layout(option, preview, option.rect.width()):
            rect.translate(card.left(), card.top())
            if quote:
                painter.fillRect(
                    QRect(rect.left() - QUOTE_INDENT + 2, rect.top(), 3, rect.height()),
                    palette.color(QPalette.ColorRole.Mid),
                )
            painter.setPen(
                palette.color(
                    QPalette.ColorRole.PlaceholderText if quote else QPalette.ColorRole.Text
                )
            )
            painter.drawText(rect, _WRAP, line)
        problem = flag_text(preview)
        if problem:
            painter.setPen(theme.ink(Ink.PROBLEM))
            painter.setFont(fonts.bold(option.font))
            painter.drawText(
                card.adjusted(PAD, 0, -PAD, -PAD),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom | _WRAP,
                problem,
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.ink(Ink.PROBLEM))
            painter.drawRoundedRect(QRect(card.left(), card.top(), 4, card.height()), 2, 2)
        painter.restore()


def _paint_head(
    painter: QPainter, option: QStyleOptionViewItem, card: QRect, preview: ReplyPreview
) -> None:
    """ "To Ann Lee" on the left; the network's chip and its limit on the right."""
    bold = fonts.bold(option.font)
    line = QRect(
        card.left() + PAD,
        card.top() + PAD,
        card.width() - 2 * PAD,
        QFontMetrics(bold).height(),
    )
    painter.setFont(option.font)
    painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
    limit = limit_text(preview)
    painter.drawText(line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, limit)
    right = line.right() - painter.fontMetrics().horizontalAdvance(limit) - GAP
    if preview.network:
        chip = network_chip(preview.network, preview.account_name, preview.network_shared)
        right = paint_chips(
            painter,
            line,
            right,
            [chip],
            font=chip_font(option.font),
            background=option.palette.color(QPalette.ColorRole.AlternateBase),
        )
    painter.setFont(bold)
    painter.setPen(option.palette.color(QPalette.ColorRole.Text))
    name = painter.fontMetrics().elidedText(
        f"To {preview.recipient}", Qt.TextElideMode.ElideRight, max(0, right - line.left() - GAP)
    )
    painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)


class PreviewList(QListView):
    """Every personalised reply, laid out in batches so thousands never stall the loop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.previews = PreviewModel(self)
        self.setModel(self.previews)
        self.setItemDelegate(PreviewDelegate(self))
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(50)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAccessibleName("Preview of every reply")

    def text(self) -> str:
        """All previews as plain text (what a screen reader, or a test, reads)."""
        return "\n\n".join(
            self.previews.index(row).data() for row in range(self.previews.rowCount())
        )
