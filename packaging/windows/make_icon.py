"""Render resources/fireside.svg into a multi-size Windows icon.

    python make_icon.py OUTPUT.ico

The MSI shows it on the Start-menu shortcut and in Apps & features. An .ico holds several
sizes so that Windows picks one instead of scaling a bitmap: 16 to 256 px, each stored as
PNG (allowed in .ico since Windows Vista). Needs PySide6 (QtSvg), which every Fireside build
environment has; no display is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

SVG = Path(__file__).resolve().parents[2] / "resources" / "fireside.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit(f"make_icon.py: Qt could not encode the {size}px image")
    return bytes(data)


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICONDIR, one ICONDIRENTRY per size (0 stands for 256), then the images."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, png in pngs.items():
        side = 0 if size == 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + entries + images


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        raise SystemExit("usage: make_icon.py OUTPUT.ico")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    Path(argv[0]).write_bytes(ico({size: render_png(size) for size in SIZES}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
