"""The Qt event loop keeps turning while a full sync pulls and stores the sandbox's
comments: a heartbeat timer records the longest gap between its ticks."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QObject, QTimer

#: A frame is 16 ms; the bound leaves room for a loaded two-core CI machine, where the
#: database thread and the event loop share the GIL. The measured value is printed.
MAX_STALL_MS = 50


class Heartbeat(QObject):
    """Owns its timer (a Qt child), so deleting the heartbeat deletes the timer too."""

    def __init__(self) -> None:
        super().__init__()
        self.last = time.perf_counter()
        self.worst = 0.0
        self.ticks = 0
        self.timer = QTimer(self, interval=2)
        self.timer.timeout.connect(self.tick)

    def tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now
        self.ticks += 1


@pytest.fixture
def heartbeat(qloop) -> Iterator[Heartbeat]:
    """A heartbeat deleted here, on the main thread, even when the test fails."""
    beat = Heartbeat()
    yield beat
    beat.timer.stop()
    shiboken6.delete(beat)


def test_full_sync_never_stalls_the_event_loop(core, wait_for, qtbot, heartbeat):
    beat = heartbeat
    beat.timer.start()
    qtbot.waitUntil(lambda: beat.ticks > 5)
    beat.worst = 0.0
    reports = wait_for(core.engine.sync_all(), timeout=60_000)
    beat.timer.stop()

    assert reports[0].error is None and reports[0].fetched > 2000
    print(
        f"longest event-loop stall during a full sync: {beat.worst * 1000:.1f} ms "
        f"over {beat.ticks} ticks"
    )
    assert beat.worst * 1000 < MAX_STALL_MS
