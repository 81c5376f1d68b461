"""How long to wait before trying again.

``Backoff`` is the retry policy: delays that double from ``base`` up to ``cap`` with jitter,
and a bound on attempts. ``RateGate`` holds, per account, the moment its next request may
leave: a 429 closes the gate for the network's Retry-After (or a growing backoff when the
network gives none), and every request to that account waits at the gate first. A wait
longer than ``max_wait`` (a daily quota) is not slept through: the gate raises RateLimited
at once, so the pass ends and the work waits in the outbox for its due time.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable

import msgspec

from app.errors import RateLimited
from app.values import HiddenInRepr, NotCompared

#: Doubling stops here; the cap applies long before.
_MAX_EXPONENT = 32


class Backoff(HiddenInRepr, NotCompared, msgspec.Struct, frozen=True):
    """Exponential backoff with "equal jitter": half of each delay fixed, half random, so
    clients that failed together do not retry in step. Tests pass tiny delays."""

    #: The random source is neither shown nor compared: two backoffs with the same delays
    #: are the same backoff.
    _hidden_in_repr = _not_compared = ("rng",)

    base: float = 1.0
    cap: float = 300.0
    max_attempts: int = 10
    max_wait: float = 60.0
    rng: random.Random = msgspec.field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the ``attempt``-th failure in a row (1-based)."""
        ceiling: float = min(self.cap, self.base * 2 ** min(max(attempt - 1, 0), _MAX_EXPONENT))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)


class RateGate:
    """Per account: when its next request may leave, and how many 429s came in a row."""

    def __init__(self, backoff: Backoff, clock: Callable[[], float] = time.monotonic) -> None:
        self._backoff = backoff
        self._clock = clock
        self._open_at: dict[str, float] = {}
        self._streak: dict[str, int] = {}

    def limited(self, account_id: str, retry_after: float | None) -> float:
        """The network answered 429: close the gate; returns how long it stays closed."""
        streak = self._streak.get(account_id, 0) + 1
        self._streak[account_id] = streak
        delay = max(0.0, retry_after) if retry_after is not None else self._backoff.delay(streak)
        self._open_at[account_id] = max(self._open_at.get(account_id, 0.0), self._clock() + delay)
        return delay

    def passed(self, account_id: str) -> None:
        """A request went through: the next 429 starts a fresh backoff."""
        self._streak.pop(account_id, None)

    def remaining(self, account_id: str) -> float:
        return max(0.0, self._open_at.get(account_id, 0.0) - self._clock())

    async def wait(self, account_id: str) -> None:
        """Return when a request to this account may leave; RateLimited if not soon."""
        delay = self.remaining(account_id)
        if delay > self._backoff.max_wait:
            raise RateLimited(
                f"Rate limited: the network asked Fireside to wait {_duration(delay)}; "
                "waiting work goes out after that.",
                delay,
            )
        if delay > 0:
            await asyncio.sleep(delay)


def _duration(seconds: float) -> str:
    """How long is left, rounded up: seconds below two minutes, else minutes."""
    if seconds < 120:
        return f"{math.ceil(seconds)} more second(s)"
    return f"{math.ceil(seconds / 60)} more minute(s)"
