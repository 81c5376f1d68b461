"""The window's thread waits for no other thread to paint, and takes the GIL back quickly
(``ui.loop_priority``): checked in a fresh process, as the app starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.loop_priority import NO_PAINT_THREADS

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="threads are listed through Linux's /proc"
)

#: Paints a window-sized fill, then prints the switch interval and the threads' names.
PAINT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication
if sys.argv[1] == "favoured":
    from ui.loop_priority import favour_the_event_loop
    favour_the_event_loop()
app = QApplication([])
image = QImage(1280, 800, QImage.Format.Format_ARGB32_Premultiplied)
painter = QPainter(image)
painter.fillRect(0, 0, 1280, 800, QColor(10, 20, 30, 128))
painter.end()
names = [open(f"/proc/self/task/{t}/comm").read().strip() for t in os.listdir("/proc/self/task")]
print(sys.getswitchinterval(), "|".join(sorted(names)))
"""


def _paint(how: str) -> tuple[float, list[str]]:
    repo = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != NO_PAINT_THREADS}  # as a new process
    done = subprocess.run(
        [sys.executable, "-c", PAINT, how],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    interval, names = done.stdout.strip().splitlines()[-1].split(" ", 1)
    return float(interval), names.split("|")


def test_the_window_paints_on_its_own_thread_and_gets_the_gil_within_a_millisecond():
    interval, threads = _paint("favoured")
    assert interval <= 0.001
    assert "Thread (pooled)" not in threads, threads


def test_without_it_qt_paints_a_large_fill_on_threads_the_window_waits_for():
    interval, threads = _paint("plain")
    assert interval == 0.005
    assert "Thread (pooled)" in threads, threads
