"""Whether the window can open on this machine, asked before Qt loads: without a display,
or without the one library Qt's X11 plugin needs that distributions leave out, Qt aborts
the process with a page of plugin text. This says what to install or set instead, in one
sentence (``fireside`` prints it and exits 2).

The library is looked for as Qt's plugin will look for it: the dynamic loader opens it by
its soname (``ctypes.CDLL``), a millisecond. ``ctypes.util.find_library`` ran ``ldconfig``
and, when the library was missing, the C compiler and linker: tens of milliseconds of
every start on an X11 desktop."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

#: The library Qt 6.5+'s xcb (X11) plugin needs (its soname), and the Debian/Ubuntu
#: package with it.
XCB_CURSOR = ("libxcb-cursor.so.0", "libxcb-cursor0")


def loads(soname: str) -> bool:
    """Whether the dynamic loader can open the shared library ``soname`` here. ctypes
    (2-3 ms to import) loads only here: on an X11 desktop, never with a chosen Qt
    platform, on Wayland, Windows or macOS."""
    import ctypes

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def display_problem(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    loadable: Callable[[str], bool] = loads,
) -> str | None:
    """Why the window cannot open here (one sentence), or None when it can try."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None  # Windows and macOS always have one; a chosen Qt platform is kept
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "There is no display to open the window on: run fireside in a desktop session, "
            "or set DISPLAY (on a machine without a screen: xvfb-run fireside); the "
            "sub-commands (fireside --help) need no display."
        )
    library, package = XCB_CURSOR
    if not env.get("WAYLAND_DISPLAY") and not loadable(library):
        return (
            f"The window needs the X11 library {package}, which is not installed: install "
            f"it (Debian and Ubuntu: apt-get install {package}) and start fireside again."
        )
    return None
