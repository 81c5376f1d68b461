"""Font variants drawn by hand-painted rows (inbox, batch preview, sidebar)."""

from __future__ import annotations

from PySide6.QtGui import QFont


def bold(font: QFont) -> QFont:
    """``font`` semi-bold: names and counts that should stand out without shouting."""
    heavier = QFont(font)
    heavier.setWeight(QFont.Weight.DemiBold)
    return heavier
