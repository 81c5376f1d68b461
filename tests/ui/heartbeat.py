"""How long the Qt event loop stood still: the longest gap between ticks of a 2 ms timer.

A stall is the gap between two ticks, minus the time the loop's thread was ready to run
but waiting for a CPU (Linux: /proc/.../schedstat). On a loaded two-core machine the OS
runs other processes for tens of milliseconds; that is not the app holding its loop.
Blocking waits, work, and waiting for the GIL held by the app's own threads all still
count. The plain wall-clock gap is kept as well, for printing. The ``heartbeat`` fixture
in conftest.py makes one and deletes it on the main thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

#: A frame is 16 ms; the bound leaves room for a loaded two-core CI machine, where the
#: sandbox server, the database threads and the event loop share the GIL.
MAX_STALL_MS = 50

_SCHEDSTAT = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")


def _runqueue_wait() -> float:
    """Seconds the main thread spent runnable but not running; 0 where not measurable."""
    try:
        return int(_SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


class Heartbeat(QObject):
    """Owns its timer (a Qt child), so deleting the heartbeat deletes the timer too."""

    def __init__(self) -> None:
        super().__init__()
        self.ticks = 0
        self.restart()
        self.timer = QTimer(self, interval=2)
        self.timer.timeout.connect(self.tick)

    def tick(self) -> None:
        now, queued = time.perf_counter(), _runqueue_wait()
        gap, starved = now - self.last, queued - self.last_queued
        self.worst_wall = max(self.worst_wall, gap)
        self.worst = max(self.worst, gap - starved)
        self.phase_worst = max(self.phase_worst, gap - starved)
        self.last, self.last_queued = now, queued
        self.ticks += 1

    def restart(self) -> None:
        self.last, self.last_queued = time.perf_counter(), _runqueue_wait()
        self.worst = self.worst_wall = self.phase_worst = 0.0

    def phase(self) -> float:
        """The longest stall since the previous call, in ms; starts a new phase."""
        worst, self.phase_worst = self.phase_worst, 0.0
        return worst * 1000

    def measure(self, qtbot, action: Callable[[], None]) -> float:
        """The longest stall (s) while ``action`` runs, a stall at its very end included."""
        self.timer.start()
        qtbot.waitUntil(lambda: self.ticks > 5)
        self.restart()
        action()
        self.tick()
        self.timer.stop()
        return self.worst

    def report(self, what: str) -> str:
        return (
            f"longest event-loop stall {what}: {self.worst * 1000:.1f} ms over {self.ticks} "
            f"ticks (wall clock, CPU waits included: {self.worst_wall * 1000:.1f} ms)"
        )
