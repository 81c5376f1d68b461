"""A clock tests move by hand, shared by a connector and the emulator it talks to.

Viva Engage's budget is 10 message requests in 30 seconds and its polling guidance one
poll a minute; Teams asks for at most 4 requests a second. A connector that keeps them
waits; with a ``VirtualClock`` it waits in virtual time (``sleep`` moves the clock and
yields to the loop), and the emulator, reading the same clock, sees requests spaced the
way they would be. Nothing here sleeps for real. Thread-safe: emulators answer from
their own threads.
"""

from __future__ import annotations

import asyncio
import threading
import time


class VirtualClock:
    """Epoch seconds that move only when told; ``clock()`` reads it."""

    def __init__(self, start: float | None = None) -> None:
        # It starts at the real time (whole seconds): the outbox stamps items with it.
        self._now = float(int(time.time())) if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += max(0.0, seconds)

    async def sleep(self, seconds: float) -> None:
        """What a connector calls instead of ``asyncio.sleep``."""
        self.advance(seconds)
        await asyncio.sleep(0)


class ShiftedClock:
    """Real time plus an offset a test moves forward: for emulators serving a connector in
    another process (which keeps real time), "a minute later" is one ``advance`` away."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += max(0.0, seconds)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


#: What the emulators' tests run on.
EmulatorClock = VirtualClock | ShiftedClock
