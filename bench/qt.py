"""Qt for the in-process measurements: the offscreen application, one qasync loop to run
the core and the window on (as ``ui/main.py`` does), and the heartbeat the UI tests time
the event loop with (``tests/ui/heartbeat.py``: the longest gap between ticks of a 2 ms
timer, less the time the thread waited for a CPU on this shared machine).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from bench.app_process import REPO

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

T = TypeVar("T")
_LOOP: list[asyncio.AbstractEventLoop] = []


def application() -> QApplication:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # as ui/main.py: closing a window ends no loop
    return app


def run(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` to its end on the Qt event loop (qasync), as the window runs."""
    if not _LOOP:
        import qasync

        loop = qasync.QEventLoop(application())
        asyncio.set_event_loop(loop)
        _LOOP.append(loop)
    return _LOOP[0].run_until_complete(work)


async def until(condition: Callable[[], bool], timeout_s: float = 60.0, what: str = "") -> None:
    """Let the loop turn until ``condition()`` holds; TimeoutError after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout_s:g} s for {what or condition}")
        await asyncio.sleep(0.005)


async def settle(seconds: float) -> None:
    """Let the loop turn for ``seconds`` (timers, queued reads and repaints run)."""
    await asyncio.sleep(seconds)


def heartbeat() -> Any:
    """A started heartbeat (tests/ui/heartbeat.py); ``phase()`` gives the worst stall (ms)
    since the previous call. ``beat.work`` (:class:`Work`) counts the same gaps in the UI
    thread's own CPU time."""
    sys.path.insert(0, str(REPO / "tests" / "ui"))
    from heartbeat import Heartbeat

    beat = Heartbeat()
    beat.work = Work()
    beat.timer.timeout.connect(beat.work.tick)
    beat.timer.start()
    return beat


class Work:
    """The most CPU time the UI thread spent between two heartbeat ticks: work it did
    without letting the loop turn, however busy the machine (a stall also counts waits:
    for the GIL, for a lock, for the disk)."""

    def __init__(self) -> None:
        self._last = time.thread_time()
        self._worst = 0.0

    def tick(self) -> None:
        now = time.thread_time()
        self._worst = max(self._worst, now - self._last)
        self._last = now

    def phase(self) -> float:
        """The most (ms) since the previous call; starts a new phase."""
        worst, self._worst = self._worst, 0.0
        return worst * 1000


def phase(beat: Any) -> tuple[float, float]:
    """(worst stall, most UI-thread work) in ms since the previous phase; a new one starts."""
    return beat.phase(), beat.work.phase()


def close() -> None:
    """Delete what is left to delete and close the loop (its worker threads end)."""
    if _LOOP:
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication

        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        _LOOP.pop().close()
        asyncio.set_event_loop(None)


async def warm(beat: Any) -> None:
    """Wait for the heartbeat's first ticks, then start counting from now."""
    await until(lambda: beat.ticks > 5, what="the heartbeat")
    beat.restart()
    beat.phase()
    beat.work.phase()


def show(window: QWidget) -> None:
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
