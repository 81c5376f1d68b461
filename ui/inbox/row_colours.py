"""The colours of one inbox row in each of its looks (plain, under the mouse, selected
in a list with or without the keyboard), worked out from the palette so every line on it
reads at 4.5:1 or more: the quieter details are the text colour mixed into the row's own
background only as far as they stay readable there. The delegate paints with these, and
the contrast test measures them.
"""

from __future__ import annotations

import msgspec
from PySide6.QtGui import QColor, QPalette

from ui import theme
from ui.common.contrast import over

#: How strongly a selection in a list without the keyboard is tinted.
TINT = 0.22

Role = QPalette.ColorRole


class RowColours(msgspec.Struct, frozen=True):
    background: QColor  # opaque: what the row's text is seen on
    fill: QColor | None  # painted over the list's base (None: nothing)
    text: QColor
    quiet: QColor  # details, times, rows already dealt with
    outline: QColor | None  # chips as outlines in this colour (a solid selection)


def row_colours(palette: QPalette, *, selected: bool, solid: bool, hover: bool) -> RowColours:
    """``solid``: selected in the list that has the keyboard (the selection colour with
    its own text colour); selected without it, a tint of the selection colour."""
    base = palette.color(Role.Base)
    fill: QColor | None = None
    if selected:
        fill = QColor(palette.color(Role.Highlight))
        if not solid:
            fill.setAlphaF(TINT)
        background = over(fill, base)
    elif hover:
        fill = palette.color(Role.AlternateBase)
        background = fill
    else:
        background = base
    text = palette.color(Role.HighlightedText if solid else Role.Text)
    return RowColours(
        background, fill, text, theme.quiet_text(text, background), text if solid else None
    )
