"""Client-side request budgets, for networks that publish theirs (Viva Engage: 10 message
requests in 30 seconds per user; Teams: 4 requests a second per team or channel).

A :class:`Pacer` keeps, per key, the requests it let through in the last window, and makes
the next one wait (``await``, never blocking the loop) until it fits in the budget. A
request counts from the moment its answer came back (``request`` is a context manager):
a server counts requests as they arrive, which is between leaving and answering, so
spacing each request a whole window after the *answer* of the one ``requests`` before it
keeps the server's count within budget whatever the latency (a first TLS handshake once
bunched four Teams requests that left in budget into one second at the server).

``pause`` holds a key for as long as a server asked (Retry-After); a wait longer than
``max_wait`` raises RateLimited at once instead, so a sync never sleeps for minutes: the
engine's gate and the outbox's due times take over.

The clock and the sleep are injected so tests can run a budget of 30 seconds in virtual
time that the emulated server shares; production uses ``time.monotonic`` and
``asyncio.sleep``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from app.errors import RateLimited

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Budget:
    """At most ``requests`` in any ``window_s`` seconds."""

    requests: int
    window_s: float

    @property
    def per_minute(self) -> int:
        return int(self.requests * 60 / self.window_s)


class _Slot:
    """One request let through: when it counts from (its answer, once it came)."""

    def __init__(self, at: float) -> None:
        self.at = at


class Pacer:
    """One budget, kept per key (a user's message endpoints, a team...)."""

    def __init__(
        self,
        budget: Budget,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_wait: float = 120.0,
        what: str = "the network",
    ) -> None:
        self.budget = budget
        self._clock = clock
        self._sleep = sleep
        self._max_wait = max_wait
        self._what = what
        self._sent: dict[str, deque[_Slot]] = {}
        self._paused_until: dict[str, float] = {}

    def wait_needed(self, key: str) -> float:
        """Seconds until one more request on ``key`` fits the budget and no pause holds it
        (a request still on its way counts as answered now)."""
        now = self._clock()
        window = self.budget.window_s
        kept = [s for s in self._sent.get(key, ()) if s.at > now - window]
        self._sent[key] = deque(kept)
        times = sorted(min(s.at, now) for s in kept)
        wait = 0.0
        if len(times) >= self.budget.requests:
            wait = times[len(times) - self.budget.requests] + window - now
        return max(wait, self._paused_until.get(key, 0.0) - now, 0.0)

    @asynccontextmanager
    async def request(self, key: str) -> AsyncIterator[None]:
        """Wait until a request on ``key`` may leave, then count it from its answer;
        RateLimited when the wait is longer than ``max_wait``."""
        while (wait := self.wait_needed(key)) > 0:
            if wait > self._max_wait:
                raise RateLimited(
                    f"{self._what} asked Fireside to slow down; the next request may leave "
                    f"in {wait:.0f} s.",
                    wait,
                )
            await self._sleep(wait)
        slot = _Slot(float("inf"))  # on its way
        self._sent.setdefault(key, deque()).append(slot)
        try:
            yield
        finally:
            slot.at = self._clock()

    def pause(self, key: str, seconds: float | None) -> None:
        """The server asked to wait ``seconds`` (Retry-After) before anything more on ``key``;
        without a number, wait until the budget's window has emptied."""
        wait = self.budget.window_s if seconds is None else max(0.0, seconds)
        until = self._clock() + wait
        self._paused_until[key] = max(self._paused_until.get(key, 0.0), until)
