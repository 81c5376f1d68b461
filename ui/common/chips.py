"""Chips: the small rounded labels that say where an item is from ("Blog") or what state
it is in ("Question", "Snoozed"), painted on inbox rows and batch preview cards, and
mimicked by a QLabel in the thread pane and the publish dialog.

A chip's text is its value ("Question"); wherever a chip is painted rather than a widget,
the row's accessible text says the same words (``ui.inbox.speech``). Their colours are
worked out for the background they sit on, so each reads at 4.5:1 or better.

Where a row is narrow, ``fit_chips`` gives the chips less room: their short forms ("VIP"
for "VIP: Executive team"), then the first ones and "+2" for the rest. The full words
stay in the row's tooltip and accessible text. The filter bar's chips (buttons) give way
by the same rule (``fit``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import msgspec
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette

from ui.common import colours
from ui.common.colours import Scheme
from ui.common.contrast import TEXT, over, readable

#: Space between two chips, and between a chip and the text beside it.
CHIP_GAP = 6
#: Room a chip's rounded ends take beside its text.
CHIP_PADDING = 12
#: The hue of the "+2" chip that stands for the chips left out.
MORE_HUE = "#6b7280"


class Chip(msgspec.Struct, frozen=True):
    text: str
    hue: str
    #: The chip in fewer words, for a narrow row ("VIP"); "" when ``text`` is short already.
    short: str = ""

    def shortened(self) -> Chip:
        return Chip(self.short, self.hue) if self.short else self


def chip_width(metrics: QFontMetrics, chip: Chip) -> int:
    return metrics.horizontalAdvance(chip.text) + CHIP_PADDING


def more_chip(left_out: int) -> Chip:
    """The chip that stands for ``left_out`` chips there was no room for: "+2"."""
    return Chip(f"+{left_out}", MORE_HUE)


class Fitted(msgspec.Struct, frozen=True):
    """Chips as they fit a room: those ``shown`` (whole or short) and how many are
    ``left_out`` (shown as one "+N" chip after them)."""

    shown: list[Chip]
    left_out: int = 0

    def chips(self) -> list[Chip]:
        return self.shown + ([more_chip(self.left_out)] if self.left_out else [])

    def span(self, width: Callable[[Chip], int]) -> int:
        """The width these chips take side by side, each ``width`` wide, ``CHIP_GAP``
        apart."""
        shown = self.chips()
        return sum(map(width, shown)) + CHIP_GAP * max(len(shown) - 1, 0)


def fit(chips: list[Chip], room: int, width: Callable[[Chip], int]) -> Fitted:
    """``chips`` as they fit in ``room`` pixels, each ``width`` wide and ``CHIP_GAP``
    apart, most important (first) kept longest: in full, else in their short forms, else
    the first ones short and "+N" for the rest (at least the "+N", which says there is
    more)."""
    whole = Fitted(chips)
    if not chips or whole.span(width) <= room:
        return whole
    short = [chip.shortened() for chip in chips]
    for kept in range(len(short), 0, -1):
        candidate = Fitted(short[:kept], len(short) - kept)
        if candidate.span(width) <= room:
            return candidate
    return Fitted([], len(short))


def fit_chips(metrics: QFontMetrics, chips: list[Chip], room: int) -> list[Chip]:
    """Painted ``chips`` as they fit in ``room`` pixels (``fit``)."""
    return fit(chips, room, lambda chip: chip_width(metrics, chip)).chips()


class ChipLook(msgspec.Struct, frozen=True):
    """How a chip is drawn on one background: ``fill`` (opaque, already seen over the
    background), ``ink`` for its text, and ``border`` (None: no border)."""

    fill: QColor
    ink: QColor
    border: QColor | None = None


def chip_look(hue: str, background: QColor, chosen: Scheme | None = None) -> ChipLook:
    """A chip of ``hue`` on ``background``: a tint of the hue, with text in the hue made
    dark (or light) enough to read on it (WCAG AA, 4.5:1). In high contrast, the
    background's own text colour and a border in it."""
    return _look(hue, background.rgba(), chosen or colours.current())


@cache
def _look(hue: str, background_rgba: int, chosen: Scheme) -> ChipLook:
    background = QColor.fromRgba(background_rgba)
    if chosen.high_contrast:
        text = QColor(colours.PALETTES[chosen][QPalette.ColorRole.Text])
        return ChipLook(background, readable(text, background, TEXT), readable(text, background))
    base = QColor(hue)
    tint = QColor(base)
    tint.setAlphaF(0.28 if chosen.dark else 0.14)
    fill = over(tint, background)
    start = base.lighter(165) if chosen.dark else base.darker(115)
    return ChipLook(fill, readable(start, fill, TEXT))


def outline_look(ink: QColor) -> ChipLook:
    """A chip on a solid selection: outlined in the selection's text colour."""
    return ChipLook(QColor(Qt.GlobalColor.transparent), ink, ink)


def chip_style(hue: str, background: QColor, padding: str = "1px 8px") -> str:
    """A style sheet that makes a QLabel (on ``background``) look like the inbox's chips;
    ``padding`` "3px 10px" for a taller one, whose ends still round (a radius over half
    the height is not drawn)."""
    look = chip_look(hue, background)
    border = f"border: 1px solid {look.border.name()};" if look.border is not None else ""
    return (
        f"background: {look.fill.name()}; color: {look.ink.name()}; {border}"
        f"border-radius: 9px; padding: {padding}; font-weight: 600;"
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
    background: QColor,
    outline: QColor | None = None,
) -> int:
    """Draw chips right to left ending at ``right``, on ``background``; with ``outline``
    (a solid selection's text colour) as outlines in that colour. Return the x left of
    the last one."""
    painter.setFont(font)
    metrics = painter.fontMetrics()
    for chip in reversed(chips):
        width = chip_width(metrics, chip)
        height = metrics.height() + 2
        box = QRectF(right - width, line.center().y() - height / 2 + 1, width, height)
        look = outline_look(outline) if outline is not None else chip_look(chip.hue, background)
        if look.border is not None:
            pen = painter.pen()
            pen.setColor(look.border)
            pen.setWidthF(1)
            painter.setPen(pen)
            box.adjust(0.5, 0.5, -0.5, -0.5)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(look.fill)
        painter.drawRoundedRect(box, height / 2, height / 2)
        painter.setPen(look.ink)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, chip.text)
        right = int(box.left()) - CHIP_GAP
    return right
