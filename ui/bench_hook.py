"""Benchmark hook: report the first paint of the inbox list, then quit (``python -m bench``).

Does nothing unless ``FIRESIDE_BENCH_EXIT_AFTER_PAINT=1``. The composition root calls
``install(inbox_list)`` once, after building the inbox page and before showing the window.
When the list's viewport first paints with at least one row, the app prints one line

    fireside-bench: inbox painted rows=<n> at=<time.time()>

on stdout (flushed) and closes the window, so the app shuts down the normal way. The
benchmark times the line from the moment it started the process. As the process exits
it prints its own peak memory, in bytes (not on Windows; the benchmark watches the
process there):

    fireside-bench: peak memory self=<bytes>

On Linux that is the high-water mark of this program (``peak_rss``): getrusage's figure
counts the memory of the process it was forked from too, and the kernel's figure for a
process that ended (``wait4``) counts the children it reaped, the encoder's worker.
"""

from __future__ import annotations

import atexit
import os
import sys
import time

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView

ENV = "FIRESIDE_BENCH_EXIT_AFTER_PAINT"
MARKER = "fireside-bench: inbox painted"
PEAK_MARKER = "fireside-bench: peak memory"


def enabled() -> bool:
    return os.environ.get(ENV) == "1"


class _FirstPaint(QObject):
    """Watches the list's viewport; reports once, after the first paint that shows rows."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._seen = False
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # ``_seen`` first: after the report the view may be going away (or gone, at
        # shutdown), so it must not be touched again.
        if self._seen or event.type() != QEvent.Type.Paint:
            return False
        model = self._view.model()
        if model is not None and model.rowCount() > 0:
            self._seen = True
            QTimer.singleShot(0, self._report)  # runs once this paint has finished
        return False

    def _report(self) -> None:
        if not shiboken6.isValid(self._view):
            return
        self._view.viewport().removeEventFilter(self)
        rows = self._view.model().rowCount()
        print(f"{MARKER} rows={rows} at={time.time():.6f}", file=sys.stdout, flush=True)
        # Closing the window takes the app's normal way out (lastWindowClosed), so the core
        # shuts down cleanly; quitting the Qt loop under qasync would skip that.
        self._view.window().close()


def peak_rss(pid: int | str = "self") -> int | None:
    """The peak RSS in bytes of a running process (this one by default) since it started
    its program, from Linux's ``/proc/PID/status`` (VmHWM); None elsewhere or once gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _report_peak_memory() -> None:
    """This process's own peak RSS, as the module says."""
    if sys.platform == "win32":
        return
    own = peak_rss()
    if own is None:  # macOS: getrusage's, in bytes there
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{PEAK_MARKER} self={own}", file=sys.stdout, flush=True)


def install(view: QAbstractItemView) -> None:
    """Watch ``view`` (the inbox list) when the benchmark asked for it; otherwise no-op."""
    if enabled():
        _FirstPaint(view)  # parented to the view, which keeps it alive
        atexit.register(_report_peak_memory)
