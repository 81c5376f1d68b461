"""Each account's requests paced to its network's budget, so Fireside does not find the
limit by hitting it.

The bucket is ``app.networks.pacing``'s, one per account, made from what the network
documents (``Budget.documented``: ``Capabilities.requests_burst`` refilled at
``requests_per_minute``) and corrected by what it says in its answers' headers. Every
request a connector makes through ``HttpTransport`` passes the account's meter
(``app.networks.ratelimit``), so the sender's pre-send checks and writes and the pull's
pages share one budget. A 429 still happens (another client, a limit that changed): the
engine's ``RateGate`` waits out Retry-After, and the account's bucket starts again empty.

A connector that paces itself on finer keys (Microsoft 365: per team, per endpoint class,
with the same ``Pacer``) documents no burst here, so its requests are not paced twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from app.domain import Capabilities
from app.networks.pacing import Budget, Pacer, Sleep
from app.networks.ratelimit import RateHeaders


class AccountMeter:
    """One account's bucket, as ``app.networks.ratelimit`` meets it."""

    def __init__(self, pacer: Pacer, account_id: str) -> None:
        self.pacer = pacer
        self._key = account_id

    def turn(self, write: bool) -> AbstractAsyncContextManager[None]:
        return self.pacer.request(self._key, write)

    def heard(self, headers: RateHeaders) -> None:
        self.pacer.heard(self._key, headers)

    def refused(self) -> None:
        """A 429: the network's bucket is empty (the engine's gate waits out Retry-After)."""
        self.pacer.emptied(self._key)


class AccountPacing:
    """Every account's meter, made from its network's documented budget on first use."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._meters: dict[str, tuple[Capabilities, AccountMeter]] = {}

    def meter(self, account_id: str, capabilities: Capabilities) -> AccountMeter:
        """The account's meter (a new one when its network's capabilities changed)."""
        known = self._meters.get(account_id)
        if known is None or known[0] != capabilities:
            pacer = Pacer(
                Budget.documented(capabilities),
                clock=self._clock,
                sleep=self._sleep,
                what=capabilities.display_name,
            )
            known = (capabilities, AccountMeter(pacer, account_id))
            self._meters[account_id] = known
        return known[1]

    def forget(self, account_id: str) -> None:
        self._meters.pop(account_id, None)
