"""A pairing code's QR code as a pixmap: segno's SVG, drawn by Qt's SVG renderer."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.workspace.pairing import PairingCode


def qr_pixmap(code: PairingCode, side: int = 220) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(code.qr_svg()))
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.white)  # a QR code needs its light background in any theme
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    return pixmap
