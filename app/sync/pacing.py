"""Pacing: each account's requests leave no faster than its network allows, so Fireside
does not find the limit by hitting it.

A network's budget is a token bucket: ``rate`` requests a second on average, up to
``burst`` at once. Fireside keeps a copy of it per account (:class:`TokenBucket`), first
from what the network documents (``Capabilities.requests_per_minute`` and
``Capabilities.requests_burst``), then from what the network says in its answers'
headers (``app.networks.ratelimit``): the policy (limit per window) replaces the
documented numbers, and the remaining count pulls the copy down when the network has
counted more than Fireside did (a restart, another client with the same token). The copy
refills a little slower than the network's bucket (``SAFETY``), so clocks that disagree
by a few milliseconds never make a request early.

A request reserves its token when it asks (:meth:`TokenBucket.take`): the bucket may go
below zero, and the answer is how long that request waits, so requests queue in the order
they asked. A 429 still happens (another client, a limit that changed): the engine's
``RateGate`` waits out Retry-After, and :meth:`TokenBucket.refused` empties the copy.
A network whose budget counts only writes (Synapse limits messages, not reads) lets
reads through unpaced; one with no documented budget and no headers is not paced at all.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app.domain import Capabilities
from app.networks.ratelimit import RateHeaders

#: The share of the network's rate Fireside uses: a margin for clocks and timing.
SAFETY = 0.97


@dataclass(frozen=True)
class Budget:
    """``rate`` requests a second on average, up to ``burst`` at once; with
    ``writes_only``, reads are not counted."""

    rate: float
    burst: float
    writes_only: bool = False


def documented(capabilities: Capabilities) -> Budget | None:
    """The budget a network documents, or None when its connector states no burst."""
    burst = capabilities.requests_burst
    if burst is None or capabilities.requests_per_minute <= 0:
        return None
    return Budget(
        capabilities.requests_per_minute / 60, float(burst), capabilities.limits_writes_only
    )


class TokenBucket:
    """One account's copy of its network's bucket, on ``clock`` (seconds)."""

    def __init__(self, budget: Budget | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.budget = budget
        self._tokens = budget.burst if budget is not None else 0.0
        self._stamp = clock()

    @property
    def tokens(self) -> float:
        """Tokens now (below zero: that many requests already wait for theirs)."""
        self._refill()
        return self._tokens

    def take(self, write: bool = False) -> float:
        """Reserve one request's token; seconds that request must wait before it leaves."""
        budget = self.budget
        if budget is None or (budget.writes_only and not write):
            return 0.0
        self._refill()
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / (budget.rate * SAFETY)

    def heard(self, headers: RateHeaders) -> None:
        """The network's own numbers: its policy becomes the budget, and its remaining
        count caps the copy."""
        self._refill()
        rate = headers.rate
        if rate is not None and headers.limit:
            writes_only = self.budget.writes_only if self.budget is not None else False
            if self.budget is None:
                self._tokens = float(headers.limit)
            self.budget = Budget(rate, float(headers.limit), writes_only)
        elif self.budget is None and headers.limit and headers.remaining is not None:
            self.budget = _from_reset(headers)
            self._tokens = float(headers.remaining)
        if headers.remaining is not None and self.budget is not None:
            self._tokens = min(self._tokens, float(headers.remaining))

    def refused(self) -> None:
        """A 429: the network's bucket is empty (RateGate waits out its Retry-After)."""
        self._refill()
        self._tokens = min(self._tokens, 0.0)

    def _refill(self) -> None:
        now = self._clock()
        if self.budget is not None:
            gained = (now - self._stamp) * self.budget.rate * SAFETY
            self._tokens = min(self.budget.burst, self._tokens + gained)
        self._stamp = now


def _from_reset(headers: RateHeaders) -> Budget | None:
    """A budget from limit, remaining and reset alone (no policy): the used part of the
    bucket comes back by the reset, which is the slowest refill those numbers allow."""
    limit, remaining, reset = headers.limit, headers.remaining, headers.reset_s
    if not limit or remaining is None or not reset:
        return None
    used = max(1, limit - remaining)
    return Budget(used / reset, float(limit))


class AccountMeter:
    """One account's pacing for ``app.networks.ratelimit``: waits with ``sleep``."""

    def __init__(
        self, bucket: TokenBucket, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> None:
        self.bucket = bucket
        self._sleep = sleep

    async def take(self, write: bool) -> None:
        wait = self.bucket.take(write)
        if wait > 0:
            await self._sleep(wait)

    def heard(self, headers: RateHeaders) -> None:
        self.bucket.heard(headers)


class Pacer:
    """Every account's meter, made from its network's documented budget on first use."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._meters: dict[str, tuple[Capabilities, AccountMeter]] = {}

    def meter(self, account_id: str, capabilities: Capabilities) -> AccountMeter:
        """The account's meter (a new one when its network's capabilities changed)."""
        known = self._meters.get(account_id)
        if known is None or known[0] != capabilities:
            bucket = TokenBucket(documented(capabilities), self._clock)
            known = (capabilities, AccountMeter(bucket, self._sleep))
            self._meters[account_id] = known
        return known[1]

    def forget(self, account_id: str) -> None:
        self._meters.pop(account_id, None)
