"""Paints one inbox row in two calm lines:

    Author Name · Their title · Post title                      [Network]  3 h
    The first words of the comment, elided at the edge…      [Question] [Snoozed]

with a focus ring on the current row whenever the list has the keyboard.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui import theme
from ui.inbox import timefmt
from ui.inbox.model import ROW_ROLE

PAD_X, PAD_Y, LINE_GAP, CHIP_GAP = 14, 9, 5, 6
MIN_WIDTH = 320

#: network -> (label, hue)
NETWORKS: dict[str, tuple[str, str]] = {
    "sandbox": ("Sandbox", "#8a6d3b"),
    "wordpress": ("Blog", "#21759b"),
    "yammer": ("Viva Engage", "#3d6fd1"),
    "teams": ("Teams", "#5b5fc7"),
    "slack": ("Slack", "#7c3a85"),
    "linkedin": ("LinkedIn", "#0a66c2"),
    "x": ("X", "#555555"),
    "matrix": ("Matrix", "#0a8a6a"),
    "mastodon": ("Mastodon", "#6364ff"),
}


@dataclass(frozen=True)
class Chip:
    text: str
    hue: str


def network_chip(network: str) -> Chip:
    label, hue = NETWORKS.get(network, (network.title(), "#777777"))
    return Chip(label, hue)


def status_chips(row: dict) -> list[Chip]:
    """What the row's state means to the person triaging, most important first."""
    chips = []
    if row["triage_state"] == "snoozed":
        chips.append(Chip(f"Snoozed · {timefmt.until(row['snoozed_until'])}", "#7b52c7"))
    if row["answered"]:
        chips.append(Chip("Answered", "#2e8b57"))
    elif row["triage_state"] == "done":
        chips.append(Chip("Done", "#6b7280"))
    elif row["is_question"]:
        chips.append(Chip("Question", "#c77700"))
    if row["edited_at"]:
        chips.append(Chip("Edited", "#6b7280"))
    return chips


class InboxDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        height = (2 * PAD_Y + LINE_GAP + QFontMetrics(_bold(option.font)).height()
                  + option.fontMetrics.height())
        return QSize(MIN_WIDTH, height)  # a list row always spans the viewport's width

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = option.widget is not None and option.widget.hasFocus()
        solid = selected and focused
        rect = option.rect
        _background(painter, option, selected, solid)
        text = palette.color(QPalette.ColorRole.HighlightedText if solid
                             else QPalette.ColorRole.Text)
        dim = QColor(text)
        dim.setAlphaF(0.62)
        quiet = row["triage_state"] != "open" or row["answered"]

        bold, small = _bold(option.font), _small(option.font)
        top = rect.top() + PAD_Y
        first = QRect(rect.left() + PAD_X, top, rect.width() - 2 * PAD_X,
                      QFontMetrics(bold).height())
        right = _right_text(painter, first, timefmt.relative(row["created_at"]), option.font, dim)
        right = _chips(painter, first, right - CHIP_GAP * 2, [network_chip(row["network"])],
                       font=small, on_highlight=solid)
        painter.setFont(bold)
        painter.setPen(dim if quiet else text)
        name_width = min(painter.fontMetrics().horizontalAdvance(row["author_name"]) + 2,
                         right - first.left() - CHIP_GAP)
        _text(painter, QRect(first.left(), top, name_width, first.height()), row["author_name"])
        rest = " · ".join(p for p in (row["author_title"], row["post_title"]) if p)
        painter.setFont(option.font)
        painter.setPen(dim)
        _text(painter, QRect(first.left() + name_width, top,
                             right - first.left() - name_width - CHIP_GAP, first.height()),
              f"  ·  {rest}" if rest else "")

        second = QRect(first.left(), first.bottom() + 1 + LINE_GAP, first.width(),
                       option.fontMetrics.height())
        right = _chips(painter, second, second.right(), status_chips(row), font=small,
                       on_highlight=solid)
        painter.setFont(option.font)
        painter.setPen(dim if quiet else text)
        _text(painter, QRect(second.left(), second.top(), right - second.left() - CHIP_GAP,
                             second.height()), row["snippet"])

        if option.state & QStyle.StateFlag.State_HasFocus and focused:
            _focus_ring(painter, rect, palette, selected)
        painter.restore()


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setWeight(QFont.Weight.DemiBold)
    return bold


def _small(font: QFont) -> QFont:
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(font.pointSizeF() * 0.85)
    else:
        small.setPixelSize(round(font.pixelSize() * 0.85))
    small.setWeight(QFont.Weight.DemiBold)
    return small


def _background(painter: QPainter, option: QStyleOptionViewItem, selected: bool,
                solid: bool) -> None:
    palette, rect = option.palette, option.rect
    if selected:
        fill = QColor(palette.color(QPalette.ColorRole.Highlight))
        if not solid:
            fill.setAlphaF(0.22)
        painter.fillRect(rect, fill)
    elif option.state & QStyle.StateFlag.State_MouseOver:
        painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
    line = QColor(palette.color(QPalette.ColorRole.Mid))
    line.setAlphaF(0.5)
    painter.setPen(line)
    painter.drawLine(rect.left() + PAD_X, rect.bottom(), rect.right() - PAD_X, rect.bottom())


def _text(painter: QPainter, rect: QRect, text: str) -> None:
    if rect.width() <= 0:
        return
    elided = painter.fontMetrics().elidedText(" ".join(text.split()), Qt.TextElideMode.ElideRight,
                                              rect.width())
    painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)


def _right_text(painter: QPainter, line: QRect, text: str, font: QFont, color: QColor) -> int:
    """Draw ``text`` flush right on the line; return the x where it starts."""
    painter.setFont(font)
    painter.setPen(color)
    width = painter.fontMetrics().horizontalAdvance(text)
    painter.drawText(QRect(line.right() - width, line.top(), width, line.height()),
                     Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
    return line.right() - width


def _chips(painter: QPainter, line: QRect, right: int, chips: list[Chip], *, font: QFont,
           on_highlight: bool) -> int:
    """Draw chips right to left ending at ``right``; return the x left of the last one."""
    painter.setFont(font)
    metrics = painter.fontMetrics()
    dark = theme.is_dark()
    for chip in reversed(chips):
        width = metrics.horizontalAdvance(chip.text) + 12
        height = metrics.height() + 2
        box = QRectF(right - width, line.center().y() - height / 2 + 1, width, height)
        hue = QColor(chip.hue)
        fill = QColor("#ffffff") if on_highlight else QColor(hue)
        fill.setAlphaF(0.22 if on_highlight else (0.28 if dark else 0.14))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(box, height / 2, height / 2)
        ink = QColor("#ffffff") if on_highlight else (hue.lighter(165) if dark else hue.darker(115))
        painter.setPen(ink)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, chip.text)
        right = int(box.left()) - CHIP_GAP
    return right


def _focus_ring(painter: QPainter, rect: QRect, palette: QPalette, selected: bool) -> None:
    role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
    pen = painter.pen()
    pen.setColor(palette.color(role))
    pen.setWidthF(2)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(rect).adjusted(2, 2, -2, -2), 5, 5)
