"""The app icons the installers carry, rendered from resources/fireside.svg at build time:
fireside.ico (Windows: both executables, the shortcut, Apps & features) and fireside.icns
(macOS: Fireside.app). Both are made by the PyInstaller spec on their own OS; the scripts
need only PySide6, so their output is checked here, on Linux. What Windows and macOS make
of the files (Explorer, Finder, the Dock) is not.
"""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = pytest.mark.packaging

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


def make(script: str, out: Path) -> bytes:
    result = subprocess.run(
        [sys.executable, PACKAGING / script, out],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def png_side(data: bytes) -> int:
    image = QImage.fromData(data, "PNG")
    assert not image.isNull()
    assert image.width() == image.height()
    assert image.hasAlphaChannel()
    return image.width()


def test_icns_holds_every_size_finder_asks_for_as_png(tmp_path):
    data = make("macos/make_icns.py", tmp_path / "fireside.icns")
    magic, total = struct.unpack(">4sI", data[:8])
    assert (magic, total) == (b"icns", len(data))
    entries, offset = {}, 8
    while offset < len(data):
        kind, length = struct.unpack(">4sI", data[offset : offset + 8])
        assert length >= 8 and offset + length <= len(data)
        entries[kind] = data[offset + 8 : offset + length]
        offset += length
    assert offset == len(data)
    toc = entries.pop(b"TOC ")
    listed = [struct.unpack(">4sI", toc[i : i + 8]) for i in range(0, len(toc), 8)]
    assert [(kind, len(png) + 8) for kind, png in entries.items()] == listed
    sides = {kind: png_side(png) for kind, png in entries.items()}
    assert sides == {
        b"ic07": 128,
        b"ic08": 256,
        b"ic09": 512,
        b"ic10": 1024,
        b"ic11": 32,
        b"ic12": 64,
        b"ic13": 256,
        b"ic14": 512,
    }


def test_ico_holds_16_to_256_px_as_png(tmp_path):
    data = make("windows/make_icon.py", tmp_path / "fireside.ico")
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sides = []
    for i in range(count):
        width, _, _, _, _, _, size, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        side = png_side(data[offset : offset + size])
        assert side == (width or 256)
        sides.append(side)
    assert sides == [16, 24, 32, 48, 64, 128, 256]
