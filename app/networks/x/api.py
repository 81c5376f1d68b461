"""X API v2 requests for one account: the bearer token from the account's OAuth sign-in,
X's error shapes in plain words, and its rate-limit headers obeyed.

Every answer carries ``x-rate-limit-limit``, ``x-rate-limit-remaining`` and
``x-rate-limit-reset`` (Unix seconds) for the endpoint it came from
(docs.x.com/x-api/fundamentals/rate-limits). Over the limit X answers 429 and names no
Retry-After; the reset header says when the window opens again. Fireside waits until
then, and does not spend the last request of a window it knows is used up.

Errors come as RFC 7807 problems (``{"title", "detail", "type", "status"}``) or, for a
request X could not validate, ``{"errors": [{"message"}], "title": "Invalid Request"}``
(docs.x.com/x-api/fundamentals/response-codes-and-errors). A lookup of a deleted post
answers 200 with ``{"errors": [{"type": ".../resource-not-found"}]}`` and no ``data``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from app.errors import NetworkError, PermissionDenied
from app.networks.oauth import TokenKeeper
from app.networks.oauth.api import BearerApi

SERVICE = "X"
#: A 403 whose problem type says the app's access level lacks the endpoint.
_NOT_ENROLLED = "client-forbidden"


def problem_text(body: Any) -> str | None:
    """X's own words for an error answer."""
    if not isinstance(body, dict):
        return None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0].get("message") or errors[0].get("detail")
        if isinstance(first, str) and not body.get("detail"):
            return first
    detail, title = body.get("detail"), body.get("title")
    return detail if isinstance(detail, str) else title if isinstance(title, str) else None


def wait_until_reset(headers: httpx.Headers, now: float) -> float | None:
    """Seconds until ``x-rate-limit-reset``, or None when X sent none."""
    reset = headers.get("x-rate-limit-reset", "")
    return max(0.0, float(reset) - now) if reset.isdigit() else None


class XApi(BearerApi):
    """Each endpoint is held until its window opens again, once X said none is left in it."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        keeper: TokenKeeper,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(client, SERVICE, base_url, keeper, error_text=problem_text, clock=clock)

    def _classify(self, status: int, body: Any, response: httpx.Response) -> NetworkError | None:
        if status == 429:
            wait = wait_until_reset(response.headers, self._clock())
            return self._http.rate_limited(
                response.request.url.path, problem_text(body) or "Too Many Requests", wait
            )
        if status == 403 and isinstance(body, dict) and _NOT_ENROLLED in str(body.get("type")):
            return PermissionDenied(
                f"X refused {response.request.url.path}: your X app's access level does not "
                "include it ("
                + (problem_text(body) or "client forbidden")
                + "). Ask IT for a higher access level, or use the manual bridge for X."
            )
        return None

    async def call(
        self, method: str, path: str, *, what: str, endpoint: str, **request: Any
    ) -> Any:
        """One request; ``endpoint`` names its rate-limit window ("GET /2/tweets/search/recent")."""
        self._held.refuse_while_waiting(
            endpoint, f"X's limit for {endpoint} is used up until its window opens again."
        )
        data, headers = await self._send(method, path, what=what, **request)
        self._note_window(endpoint, headers)
        return data

    def _note_window(self, endpoint: str, headers: httpx.Headers) -> None:
        if headers.get("x-rate-limit-remaining") == "0":
            self._held.pause(endpoint, wait_until_reset(headers, self._clock()) or 0.0)
