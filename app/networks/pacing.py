"""Client-side request budgets: each network's limit kept on Fireside's side, per key, so
requests wait (``await``, never blocking the loop) instead of finding the limit by a 429.

One shape for every network: a :class:`Budget` is a bucket of ``requests`` tokens; a
request spends one, and that token comes back ``window_s`` seconds after the request's
*answer*. That is exactly a published window (Viva Engage: 10 message requests in 30 s per
user; Teams: 4 a second per team) and never more than a server's continuously refilled
bucket of the same size and rate (the sandbox: 50, refilled over 10 s): such a bucket has
given back at least as much by then. Counting from the answer, not the departure: a server
counts a request when it arrives, which is between the two, so whatever the latency the
server's count stays within budget (a first TLS handshake once bunched four Teams requests
that left in budget into one second at the server).

A :class:`Pacer` keeps one bucket per key (an account, a team, a user's message
endpoints), fed by

- the documented budget: the connectors' constants, or :meth:`Budget.documented` from a
  network's ``Capabilities`` (the sync engine's per-account pacing);
- the network's own words (:meth:`Pacer.heard`, from ``app.networks.ratelimit``'s
  headers): a policy (limit per window) becomes the key's budget, and a remaining count
  below what the bucket holds spends the difference now (a restart, another client with
  the same token);
- a refusal: :meth:`Pacer.pause` holds the key for as long as the server asked
  (Retry-After), or a whole window when it did not say (a fixed window's 429);
  :meth:`Pacer.emptied` makes the bucket empty and refilling at its rate (a
  continuously refilled bucket's 429).

A budget with ``writes_only`` counts writes alone (Synapse limits messages, not reads); a
key with no budget is not paced until a network's headers give one. A wait longer than
``max_wait`` raises RateLimited at once, so a sync never sleeps for minutes: the engine's
gate and the outbox's due times take over.

The clock and the sleep are injected so tests can run a budget in virtual time that an
emulated server shares; production uses ``time.monotonic`` and ``asyncio.sleep``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import msgspec

from app.domain import Capabilities
from app.errors import RateLimited
from app.networks.ratelimit import RateHeaders

Sleep = Callable[[float], Awaitable[None]]


class Budget(msgspec.Struct, frozen=True):
    """At most ``requests`` in any ``window_s`` seconds (``writes_only``: writes alone)."""

    requests: int
    window_s: float
    writes_only: bool = False

    @property
    def per_minute(self) -> int:
        return int(self.requests * 60 / self.window_s)

    @classmethod
    def documented(cls, capabilities: Capabilities) -> Budget | None:
        """The bucket a network documents (``requests_burst`` refilled at
        ``requests_per_minute``), or None when its connector states no burst."""
        burst, per_minute = capabilities.requests_burst, capabilities.requests_per_minute
        if burst is None or burst <= 0 or per_minute <= 0:
            return None
        return cls(burst, burst * 60 / per_minute, capabilities.limits_writes_only)

    @classmethod
    def heard(cls, headers: RateHeaders, writes_only: bool = False) -> Budget | None:
        """The budget a network's headers state: its policy (limit per window), else the
        slowest refill its limit, remaining count and reset allow; None if they say neither."""
        limit = headers.limit
        if not limit:
            return None
        if headers.window_s:
            return cls(limit, headers.window_s, writes_only)
        if headers.remaining is None or not headers.reset_s:
            return None
        used = max(1, limit - headers.remaining)  # come back within reset_s, at least
        return cls(limit, headers.reset_s * limit / used, writes_only)


class _Slot:
    """One token spent: when it counts from (the answer, once it came)."""

    def __init__(self, at: float) -> None:
        self.at = at


class Pacer:
    """Buckets per key, each with ``budget`` until a network's headers say otherwise."""

    def __init__(
        self,
        budget: Budget | None,
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
        self._heard: dict[str, Budget] = {}
        self._spent: dict[str, deque[_Slot]] = {}
        self._paused_until: dict[str, float] = {}

    def budget_of(self, key: str) -> Budget | None:
        """The key's budget: what its network last stated, else the documented one."""
        return self._heard.get(key, self.budget)

    def tokens(self, key: str) -> int:
        """Tokens the key's bucket holds now (a request on its way has spent its own)."""
        budget = self.budget_of(key)
        return 0 if budget is None else max(0, budget.requests - len(self._kept(key, budget)))

    def wait_needed(self, key: str, write: bool = True) -> float:
        """Seconds until one more request on ``key`` may leave: a token is back and no
        pause holds it (a request still on its way counts as answered now)."""
        now = self._clock()
        wait = max(self._paused_until.get(key, 0.0) - now, 0.0)
        budget = self.budget_of(key)
        if budget is None or (budget.writes_only and not write):
            return wait
        kept = self._kept(key, budget)
        if len(kept) >= budget.requests:
            times = sorted(min(s.at, now) for s in kept)
            wait = max(wait, times[len(times) - budget.requests] + budget.window_s - now)
        return wait

    @asynccontextmanager
    async def request(self, key: str, write: bool = True) -> AsyncIterator[None]:
        """Wait until a request on ``key`` may leave, then spend a token from its answer;
        RateLimited when the wait is longer than ``max_wait``."""
        while (wait := self.wait_needed(key, write)) > 0:
            if wait > self._max_wait:
                raise RateLimited(
                    f"{self._what} asked Fireside to slow down; the next request may leave "
                    f"in {wait:.0f} s.",
                    wait,
                )
            await self._sleep(wait)
        budget = self.budget_of(key)
        if budget is None or (budget.writes_only and not write):
            yield
            return
        slot = _Slot(float("inf"))  # on its way
        self._spent.setdefault(key, deque()).append(slot)
        try:
            yield
        finally:
            slot.at = self._clock()

    def refuse_while_waiting(self, key: str, sentence: str, write: bool = True) -> None:
        """RateLimited with ``sentence`` at once while a request on ``key`` would have to
        wait: for limits that reopen far off (X's used-up window, LinkedIn's daily quota),
        where the engine's gate and the outbox's due times do the waiting."""
        wait = self.wait_needed(key, write)
        if wait > 0:
            raise RateLimited(sentence, wait)

    def heard(self, key: str, headers: RateHeaders) -> None:
        """What the network said about its limit in an answer on ``key``."""
        known = self.budget_of(key)
        stated = Budget.heard(headers, known.writes_only if known is not None else False)
        if stated is not None and stated != known:
            self._heard[key] = stated
        budget = self.budget_of(key)
        if budget is None or headers.remaining is None:
            return
        extra = self.tokens(key) - headers.remaining  # the network counted more than we did
        if extra > 0:
            now = self._clock()
            self._spent.setdefault(key, deque()).extend(_Slot(now) for _ in range(extra))

    def pause(self, key: str, seconds: float | None) -> None:
        """The server refused a request (429): nothing more on ``key`` for ``seconds``
        (Retry-After); without a number, until the budget's window has emptied."""
        budget = self.budget_of(key)
        window = budget.window_s if budget is not None else 0.0
        wait = window if seconds is None else max(0.0, seconds)
        until = self._clock() + wait
        self._paused_until[key] = max(self._paused_until.get(key, 0.0), until)

    def emptied(self, key: str) -> None:
        """The network says the key's bucket is empty (a 429 from a bucket that refills
        continuously): its tokens come back one by one over the next window, at the
        budget's rate, as the network's do."""
        budget = self.budget_of(key)
        if budget is None:
            return
        now, step = self._clock(), budget.window_s / budget.requests
        spent = [_Slot(now - budget.window_s + step * (n + 1)) for n in range(budget.requests)]
        self._spent[key] = deque(spent)

    def forget(self, key: str) -> None:
        """Drop everything kept for ``key`` (an account removed)."""
        for kept in (self._heard, self._spent, self._paused_until):
            kept.pop(key, None)

    def _kept(self, key: str, budget: Budget) -> deque[_Slot]:
        """The key's tokens still out (spent within the window, or on their way)."""
        since = self._clock() - budget.window_s
        kept = deque(s for s in self._spent.get(key, ()) if s.at > since)
        self._spent[key] = kept
        return kept
