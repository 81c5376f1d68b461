"""Render resources/fireside.svg into a macOS icon (.icns) for Fireside.app.

    python make_icns.py OUTPUT.icns

Run by the PyInstaller spec on macOS (the bundle's CFBundleIconFile). Written here rather
than with iconutil so that it needs no Mac and the Linux tests can check it: an .icns is a
header and a list of (type, length, data) entries, and since macOS 10.7 the ic07-ic14
entries may hold PNG data. The set is Pillow's (which PyInstaller itself uses to convert
icons): 32 to 1024 px, standard and Retina; Finder scales the 32 px one down to 16. The
pixels come from the same renderer as the Windows icon (windows/make_icon.py).
"""

from __future__ import annotations

import importlib.util
import os
import struct
import sys
from pathlib import Path

#: Entry type -> side in pixels (ic11-ic14 are the @2x variants of 16, 32, 128, 256 pt).
TYPES = {
    b"ic07": 128,
    b"ic08": 256,
    b"ic09": 512,
    b"ic10": 1024,
    b"ic11": 32,
    b"ic12": 64,
    b"ic13": 256,
    b"ic14": 512,
}


def _render_png():
    """windows/make_icon.py's renderer, loaded by path: packaging/ is not a package."""
    path = Path(__file__).resolve().parents[1] / "windows" / "make_icon.py"
    spec = importlib.util.spec_from_file_location("fireside_make_icon", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render_png


def icns(pngs: dict[bytes, bytes]) -> bytes:
    """'icns', total length, then a table of contents ('TOC ') and the entries, big-endian."""
    entries = list(pngs.items())
    toc = b"".join(kind + struct.pack(">I", 8 + len(png)) for kind, png in entries)
    body = b"TOC " + struct.pack(">I", 8 + len(toc)) + toc
    body += b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in entries)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        raise SystemExit("usage: make_icns.py OUTPUT.icns")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    render_png = _render_png()
    rendered: dict[int, bytes] = {}
    for side in TYPES.values():  # 256 and 512 appear twice: render each side once
        rendered.setdefault(side, render_png(side))
    Path(argv[0]).write_bytes(icns({kind: rendered[side] for kind, side in TYPES.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
