"""Requests to one Mastodon server for one account: the bearer token, the server's own
rate-limit signal, and its errors in Fireside's.

Mastodon limits each account to 300 requests in 5 minutes, and deletions to 30 in 30
minutes (documentation ``api/rate-limits.md``). Every answer says where the closest limit
stands: ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (an ISO
8601 time). Fireside keeps both budgets itself (``Pacer``), and when the server says
nothing is left it holds every request until the reset; a 429 waits for that reset too.
Errors are ``{"error": "..."}`` with the HTTP status (``entities/Error.md``), mapped by
``HttpTransport``. Requests never repeat by themselves; ``Idempotency-Key`` travels with
each write whose outbox item has a key.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.networks.http import MAX_RESPONSE_BYTES, REQUEST_DEADLINE_S, HttpTransport, capped_wait
from app.networks.oauth.keeper import TokenKeeper, authorized
from app.networks.pacing import Budget, Pacer, Sleep

#: api/rate-limits.md: every account, and deleting statuses.
BUDGET = Budget(300, 300.0)
DELETE_BUDGET = Budget(30, 1800.0)


def error_text(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"]
    return None


def reset_in(headers: httpx.Headers, now: float) -> float | None:
    """Seconds until ``X-RateLimit-Reset`` (capped), or None when absent or unreadable."""
    value = headers.get("X-RateLimit-Reset", "")
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
    return capped_wait(max(0.0, when - now))


def host_of(base_url: str) -> str:
    parts = urlsplit(base_url)
    return parts.netloc or base_url


class MastodonApi:
    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        keeper: TokenKeeper,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        deadline: float = REQUEST_DEADLINE_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.service = f"Mastodon at {host_of(self.base)}"
        self._clock = clock
        self.http = HttpTransport(
            client,
            self.service,
            error_text=error_text,
            classify=self._classify,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
        )
        self.keeper = keeper
        self.pacer = Pacer(BUDGET, clock=clock, sleep=sleep, what=self.service)
        self.deletes = Pacer(DELETE_BUDGET, clock=clock, sleep=sleep, what=self.service)

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        key: str | None = None,
    ) -> Any:
        """One request to ``/api/...``; its decoded JSON, or one of ``app.errors``."""
        what = f"{method} {path}"
        headers = {"Idempotency-Key": key} if key else {}
        pacers = [self.pacer, self.deletes] if method == "DELETE" else [self.pacer]
        async with contextlib.AsyncExitStack() as stack:
            for pacer in pacers:
                await stack.enter_async_context(pacer.request("account"))
            data, answered = await authorized(
                self.http,
                self.keeper,
                method,
                self.base + path,
                what=what,
                params=params,
                json=json,
                headers=headers,
            )
        self._note_budget(answered, pacers)
        return data

    def _note_budget(self, headers: httpx.Headers, pacers: list[Pacer]) -> None:
        """The server says nothing is left: hold every request until its reset."""
        if headers.get("X-RateLimit-Remaining", "").strip() == "0":
            wait = reset_in(headers, self._clock())
            for pacer in pacers:
                pacer.pause("account", wait)

    def _classify(self, status: int, body: Any, response: httpx.Response) -> Exception | None:
        if status != 429:
            return None
        wait = reset_in(response.headers, self._clock())
        self.pacer.pause("account", wait)
        what = f"{response.request.method} {urlsplit(str(response.request.url)).path}"
        message = error_text(body) or "Too many requests"
        return self.http.rate_limited(what, message, wait)


__all__ = ["MastodonApi", "error_text", "host_of", "reset_in"]
