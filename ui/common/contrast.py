"""WCAG 2.1 contrast, computed: relative luminance, the ratio of two colours, a
translucent colour seen over its background, and the nearest colour that reads well
enough on a given background.

Thresholds (WCAG 2.1 AA): 4.5:1 for text (``TEXT``), 3:1 for large text (18 pt, or 14 pt
bold) and for the parts of a control a person needs to see (borders of fields, focus
rings, icons that carry meaning: ``LARGE`` and ``NON_TEXT``). The themes in ``ui.theme``
are built to clear them and ``tests/ui/test_contrast.py`` measures every pair in use.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

TEXT = 4.5
#: WCAG's enhanced level (AAA) for text: what the high-contrast schemes aim for.
ENHANCED = 7.0
LARGE = 3.0
NON_TEXT = 3.0
#: What colours derived at run time aim for: a little above the line, so rounding in a
#: style sheet or a blend never drops one below it.
MARGIN = 0.15


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    """WCAG relative luminance of an opaque colour, 0 (black) to 1 (white)."""
    return (
        0.2126 * _channel(colour.red())
        + 0.7152 * _channel(colour.green())
        + 0.0722 * _channel(colour.blue())
    )


def over(colour: QColor, background: QColor) -> QColor:
    """``colour`` (perhaps translucent) as it shows on the opaque ``background``."""
    alpha = colour.alphaF()

    def channel(front: int, back: int) -> int:
        return round(front * alpha + back * (1 - alpha))

    return QColor(
        channel(colour.red(), background.red()),
        channel(colour.green(), background.green()),
        channel(colour.blue(), background.blue()),
    )


def ratio(foreground: QColor | str, background: QColor | str) -> float:
    """The contrast ratio, 1 to 21, of ``foreground`` seen on ``background``."""
    back = QColor(background)
    front = over(QColor(foreground), back)
    lighter, darker = sorted((luminance(front), luminance(back)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable(colour: QColor | str, background: QColor | str, target: float = TEXT) -> QColor:
    """``colour``, made darker or lighter (its hue kept) until it reaches ``target`` (plus
    ``MARGIN``) on ``background``; unchanged when it already does."""
    back = QColor(background)
    wanted = target + MARGIN
    start = over(QColor(colour), back)
    if ratio(start, back) >= wanted:
        return start
    towards_dark = luminance(back) > 0.18
    hue, saturation = start.hslHueF(), start.hslSaturationF()
    lightness = start.lightnessF()
    step = -0.01 if towards_dark else 0.01
    candidate = QColor(start)
    while 0.0 <= lightness <= 1.0:
        lightness += step
        candidate = QColor.fromHslF(max(hue, 0.0), saturation, min(max(lightness, 0.0), 1.0))
        if ratio(candidate, back) >= wanted:
            return candidate
    return QColor("#000000") if towards_dark else QColor("#ffffff")


def quieter(text: QColor | str, background: QColor | str, target: float = TEXT) -> QColor:
    """The quietest mix of ``text`` into ``background`` that still reads as text: what the
    app uses for secondary lines instead of a fixed transparency."""
    front, back = QColor(text), QColor(background)
    best = over(front, back)
    for share in range(5, 100, 5):  # share of the background mixed in, percent
        alpha = QColor(front)
        alpha.setAlphaF(1 - share / 100)
        candidate = over(alpha, back)
        if ratio(candidate, back) < target + MARGIN:
            break
        best = candidate
    return best
