"""How long the window's thread may wait for Python's GIL.

The store's reading and writing threads, the connectors' worker threads and the event
loop share one GIL. While another thread runs Python, a thread that wants the GIL waits
up to the switch interval before it is handed over, and the event loop asks for it back
many times a frame (every return from Qt into Python). At Python's default of 5 ms a
background thread's 30 ms of Python held the loop up 69 ms; at 1 ms, 20-24 ms (a 2 ms
heartbeat on a loaded two-core machine). The cost is more frequent hand-overs between
threads that are busy at the same time, which is rare and cheap next to a late frame.
"""

from __future__ import annotations

import sys

#: Seconds; Python's default is 0.005.
SWITCH_INTERVAL_S = 0.001


def favour_the_event_loop() -> None:
    """Hand the GIL over after ``SWITCH_INTERVAL_S`` (for the whole process)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
