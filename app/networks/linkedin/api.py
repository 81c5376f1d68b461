"""LinkedIn's versioned REST API (``/rest``) for one organisation page's account.

Every request names the API version it was written against: ``LinkedIn-Version: 202601``
(YYYYMM, pinned here; LinkedIn keeps a version for at least a year) and
``X-Restli-Protocol-Version: 2.0.0`` (learn.microsoft.com/linkedin/marketing/versioning).
URNs in paths are URL-encoded whole.

Errors are ``{"status", "serviceErrorCode", "code", "message"}``
(learn.microsoft.com/linkedin/shared/api-guide/concepts/error-handling). Throttling
(learn.microsoft.com/linkedin/shared/api-guide/concepts/rate-limits) is a daily quota
per application and per member, reset at midnight UTC; over it LinkedIn answers 429 and
names no wait, so Fireside waits until the next midnight UTC.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from app.errors import NetworkError, RateLimited
from app.networks.oauth import TokenKeeper
from app.networks.oauth.api import BearerApi

SERVICE = "LinkedIn"
VERSION = "202601"
#: The pacer's key for the app's daily quota (one per application and member).
DAILY_QUOTA = "daily quota"
HEADERS = {"LinkedIn-Version": VERSION, "X-Restli-Protocol-Version": "2.0.0"}


def error_text(body: Any) -> str | None:
    if isinstance(body, dict):
        message = body.get("message")
        return message if isinstance(message, str) else None
    return None


def until_midnight_utc(now: float) -> float:
    moment = datetime.fromtimestamp(now, UTC)
    midnight = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - moment).total_seconds()


def urn(value: str) -> str:
    """A URN as a path segment: encoded whole (``urn%3Ali%3Ashare%3A1``)."""
    return quote(value, safe="")


class LinkedInApi(BearerApi):
    """The whole app is held until midnight UTC once LinkedIn said its quota is used up."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        keeper: TokenKeeper,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(client, SERVICE, base_url, keeper, error_text=error_text, clock=clock)

    def _classify(self, status: int, body: Any, response: httpx.Response) -> NetworkError | None:
        if status != 429:
            return None
        wait = until_midnight_utc(self._clock())
        self._held.pause(DAILY_QUOTA, wait)
        return RateLimited(
            f"LinkedIn's daily limit for this app is used up ({error_text(body) or 'HTTP 429'}); "
            "it resets at midnight UTC.",
            wait,
        )

    async def call(
        self,
        method: str,
        path: str,
        *,
        what: str,
        headers: dict[str, str] | None = None,
        **request: Any,
    ) -> tuple[Any, httpx.Headers]:
        self._held.refuse_while_waiting(
            DAILY_QUOTA,
            "LinkedIn's daily limit for this app is used up; it resets at midnight UTC.",
        )
        return await self._send(
            method, f"/rest{path}", what=what, headers={**HEADERS, **(headers or {})}, **request
        )
