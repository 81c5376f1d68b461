"""Pre-send checks that passed, remembered for a short while.

Before a reply goes out, the sender asks the network whether its thread moved (the
comment, then its replies: two requests). When only the write after them is refused (a
429 on the POST), the next try within ``VALID_S`` sends at once instead of asking again:
the answer is seconds old, and asking would spend two more requests of the same budget
that just ran out. Kept in memory (a restart checks again), by outbox item and the comment
version the reply was written against.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from app.domain import OutboxItem

#: How long a passed check stands in for a new one.
VALID_S = 60.0


class PassedChecks:
    """When each item's pre-send check last passed, on ``clock`` (seconds)."""

    def __init__(self, valid_s: float = VALID_S, clock: Callable[[], float] = time.monotonic):
        self._valid_s = valid_s
        self._clock = clock
        self._at: dict[tuple[int, int | None], float] = {}

    def passed(self, item: OutboxItem) -> None:
        """The item's check passed just now and only its write was refused."""
        now = self._clock()
        self._at = {k: t for k, t in self._at.items() if now - t <= self._valid_s}
        self._at[(item.id, item.expected_version)] = now

    def fresh(self, item: OutboxItem) -> bool:
        """Did the item's check pass within ``VALID_S``?"""
        at = self._at.get((item.id, item.expected_version))
        return at is not None and self._clock() - at <= self._valid_s
