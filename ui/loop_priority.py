"""What the window's thread may wait for: other threads as little as possible.

Two waits measured on a loaded two-core machine (a 2 ms heartbeat on the event loop):

- Python's GIL. The store's reading and writing threads, the connectors' worker threads
  and the event loop share it. While another thread runs Python, a thread that wants it
  waits up to the switch interval, and the event loop asks for it back many times a frame
  (every return from Qt into Python). At Python's default of 5 ms a background thread's
  30 ms of Python held the loop up 69 ms; at 1 ms, 20-24 ms.
- Qt's own painting threads. Qt splits a large fill or image scaling across a private
  thread pool and the window's thread waits until every part is done; when the machine
  is busy those threads wait for a CPU, and the window with them (10-30 ms of a 40 ms
  stall while moving through the list). Painted on the window's thread alone, a
  full-window fill costs ~0.2 ms more CPU and never waits.
"""

from __future__ import annotations

import os
import sys

#: Seconds; Python's default is 0.005.
SWITCH_INTERVAL_S = 0.001
#: Qt reads it when it first needs its painting threads: set before anything is shown.
NO_PAINT_THREADS = "QT_NO_GUI_THREADPOOL"


def favour_the_event_loop() -> None:
    """Hand the GIL over after ``SWITCH_INTERVAL_S`` and paint on the window's thread
    only (for the whole process; call it before the first window is shown)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    os.environ[NO_PAINT_THREADS] = "1"
