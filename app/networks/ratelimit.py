"""What a network says about its rate limit, and the hook through which each request waits
for its turn.

Networks announce their limit in response headers, in one of two spellings:

    RateLimit-Limit: 50          X-RateLimit-Limit: 50       the bucket (requests)
    RateLimit-Remaining: 12      X-RateLimit-Remaining: 12   left now
    RateLimit-Reset: 8           X-RateLimit-Reset: 8        seconds until it is full
                                                             (or a Unix time, or ISO 8601)
    RateLimit-Policy: 50;w=10                                the limit and its window

(the IETF httpapi draft's fields, which Microsoft Graph sends, and the ``X-`` ones GitHub
and Mastodon send). :func:`parse` reads whichever are there into :class:`RateHeaders`.

The buckets are ``app.networks.pacing``'s; the sync engine keeps one per account
(``app.sync.pacing``), and connectors need not know of it. ``HttpTransport`` makes every
request inside :func:`turn` and calls :func:`heard` with every answer; both go to the
:class:`Meter` the engine installed for the request's account with :func:`metered` (a
context variable, so each task's requests reach their own account's meter). Without one,
nothing waits: sign-in and tests.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import datetime
from typing import Protocol

import msgspec

#: Above this a reset is a Unix time, not a number of seconds.
_EPOCH_SECONDS = 1_000_000_000


class RateHeaders(msgspec.Struct, frozen=True):
    """What one answer said; None where it said nothing."""

    limit: int | None = None
    remaining: int | None = None
    reset_s: float | None = None  # seconds from now until the bucket is full again
    window_s: float | None = None  # the policy's window: ``limit`` requests per window

    @property
    def rate(self) -> float | None:
        """Requests per second the policy allows on average, if it says."""
        if self.limit is None or not self.window_s:
            return None
        return self.limit / self.window_s


class Meter(Protocol):
    """One account's pacing, as the transport sees it."""

    def turn(self, write: bool) -> contextlib.AbstractAsyncContextManager[None]:
        """Entered when one request may leave (``write``: it changes something); left
        when its answer came."""

    def heard(self, headers: RateHeaders) -> None:
        """The network's own account of the limit, from an answer's headers."""


_METER: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("meter", default=None)


@contextlib.contextmanager
def metered(meter: Meter) -> Iterator[None]:
    """Route the requests made inside (in this task) through ``meter``."""
    token = _METER.set(meter)
    try:
        yield
    finally:
        _METER.reset(token)


@contextlib.asynccontextmanager
async def turn(write: bool) -> AsyncIterator[None]:
    """The current account's turn for one request, until its answer (no meter: at once)."""
    meter = _METER.get()
    if meter is None:
        yield
        return
    async with meter.turn(write):
        yield


def heard(headers: Mapping[str, str]) -> None:
    """Tell the current account's meter what an answer said about the limit."""
    meter = _METER.get()
    if meter is None:
        return
    found = parse(headers)
    if found is not None:
        meter.heard(found)


def parse(headers: Mapping[str, str], now: float | None = None) -> RateHeaders | None:
    """The rate-limit fields of a response's headers (None when it has none).

    ``headers`` is looked up case-insensitively by the caller's mapping (httpx.Headers
    is); a plain dict must use the spellings above. A value that is no number is ignored.
    """

    def first(*names: str) -> str | None:
        for name in names:
            value = headers.get(name)
            if value is not None and value.strip():
                return value.strip()
        return None

    limit = _integer(first("RateLimit-Limit", "X-RateLimit-Limit"))
    remaining = _integer(first("RateLimit-Remaining", "X-RateLimit-Remaining"))
    reset = _reset_seconds(first("RateLimit-Reset", "X-RateLimit-Reset"), now)
    policy_limit, window = _policy(first("RateLimit-Policy", "X-RateLimit-Policy"))
    found = RateHeaders(limit if limit is not None else policy_limit, remaining, reset, window)
    return None if found == RateHeaders() else found


def _integer(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = int(text.split(",")[0].split(";")[0].strip())  # "50, 50;w=10": the first
    except ValueError:
        return None
    return value if value >= 0 else None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def _reset_seconds(text: str | None, now: float | None) -> float | None:
    """Delta seconds; or a Unix time or ISO 8601 moment (Mastodon), made a delta."""
    if text is None:
        return None
    wall = time.time() if now is None else now
    value = _number(text)
    if value is None:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            return None
        return max(0.0, moment.timestamp() - wall)
    return max(0.0, value - wall) if value > _EPOCH_SECONDS else value


def _policy(text: str | None) -> tuple[int | None, float | None]:
    """(limit, window seconds) of the first policy: ``50;w=10`` or ``"name";q=50;w=10``."""
    if text is None:
        return None, None
    limit: int | None = None
    window: float | None = None
    for part in text.split(",")[0].split(";"):
        key, _, value = part.strip().partition("=")
        if not value and key.isdigit():
            limit = int(key)
        elif key == "q":
            limit = _integer(value)
        elif key == "w":
            window = _number(value)
    return limit, (window if window else None)
