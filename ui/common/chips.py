"""Chips: the small rounded labels that say where an item is from ("Blog") or what state
it is in ("Question", "Snoozed"), painted on inbox rows and batch preview cards, and
mimicked by a QLabel in the thread pane and the publish dialog.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter

from ui import theme

#: Space between two chips, and between a chip and the text beside it.
CHIP_GAP = 6


@dataclass(frozen=True)
class Chip:
    text: str
    hue: str


def chip_colours(hue: str, dark: bool) -> tuple[QColor, QColor]:
    """(fill, ink) of a chip on a plain background, in the light or dark theme."""
    base = QColor(hue)
    fill = QColor(base)
    fill.setAlphaF(0.28 if dark else 0.14)
    return fill, base.lighter(165) if dark else base.darker(115)


def chip_style(hue: str, dark: bool) -> str:
    """A style sheet that makes a QLabel look like the inbox's chips."""
    fill, ink = chip_colours(hue, dark)
    return (
        f"background: rgba({fill.red()},{fill.green()},{fill.blue()},{fill.alphaF():.2f});"
        f"color: {ink.name()}; border-radius: 9px; padding: 1px 8px; font-weight: 600;"
    )


def chip_font(font: QFont) -> QFont:
    """The chips' font: ``font`` a little smaller and semi-bold."""
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(font.pointSizeF() * 0.85)
    else:
        small.setPixelSize(round(font.pixelSize() * 0.85))
    small.setWeight(QFont.Weight.DemiBold)
    return small


def paint_chips(
    painter: QPainter,
    line: QRect,
    right: int,
    chips: list[Chip],
    *,
    font: QFont,
    on_highlight: bool,
) -> int:
    """Draw chips right to left ending at ``right``; return the x left of the last one."""
    painter.setFont(font)
    metrics = painter.fontMetrics()
    dark = theme.is_dark()
    for chip in reversed(chips):
        width = metrics.horizontalAdvance(chip.text) + 12
        height = metrics.height() + 2
        box = QRectF(right - width, line.center().y() - height / 2 + 1, width, height)
        fill, ink = chip_colours(chip.hue, dark)
        if on_highlight:
            fill, ink = QColor("#ffffff"), QColor("#ffffff")
            fill.setAlphaF(0.22)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(box, height / 2, height / 2)
        painter.setPen(ink)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, chip.text)
        right = int(box.left()) - CHIP_GAP
    return right
