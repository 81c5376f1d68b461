"""Calls to the Slack Web API for one account's user token.

Slack answers most errors with HTTP 200 and ``{"ok": false, "error": "<code>"}``
(docs.slack.dev/apis/web-api, "Evaluating responses"); :func:`error_for` maps the codes
Fireside meets to ``app.errors``: a token that is revoked, expired or unknown is an
AuthError (the keeper refreshes once, then the account needs sign-in); ``fatal_error``
and friends on a write are OutcomeUnknown (Slack: "some aspect of the operation
succeeded"); a channel or message not found is NotFound.

Rate limits (docs.slack.dev/apis/web-api/rate-limits): over a method's tier, HTTP 429
with ``Retry-After`` in seconds; Fireside pauses that method (and that channel, for
posting) for as long as Slack asked. It also keeps to Slack's published budgets itself:
``conversations.history``/``replies`` are Tier 3 (50+ a minute) for internal apps, and
``chat.postMessage`` about one message a second per channel. Nothing here repeats a
request by itself: Slack has no idempotency key, and its SDK's default retry of a write
after a reset connection can post twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from app.errors import (
    AuthError,
    NetworkError,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    Rejected,
)
from app.networks.http import MAX_RESPONSE_BYTES, REQUEST_DEADLINE_S, HttpTransport, retry_after
from app.networks.oauth.keeper import TokenKeeper, authorized
from app.networks.pacing import Budget, Pacer, Sleep

SLACK_API = "https://slack.com/api"
#: Tier 3 (conversations.history, conversations.replies for internal apps): 50+ a minute.
READ_BUDGET = Budget(50, 60.0)
#: chat.postMessage, chat.update, chat.delete: about one a second per channel.
WRITE_BUDGET = Budget(1, 1.0)
#: Tier 2 (conversations.list): 20+ a minute.
TIER2_BUDGET = Budget(20, 60.0)
TIER2 = frozenset({"conversations.list"})

_AUTH = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
_NOT_FOUND = {"channel_not_found", "message_not_found", "thread_not_found", "user_not_found"}
_PERMISSION = {"missing_scope", "not_in_channel", "restricted_action", "not_allowed_token_type",
               "ekm_access_denied", "access_denied"}  # fmt: skip
_UNKNOWN = {"fatal_error", "internal_error", "service_unavailable", "request_timeout"}


def error_for(method: str, code: str, write: bool) -> NetworkError:
    """Slack's error code as one of ``app.errors``, in plain words."""
    said = f"Slack refused {method} ({code})"
    if code in _AUTH:
        return AuthError(f"{said}. Sign in to the account again.")
    if code in _NOT_FOUND:
        return NotFound(f"{said}.")
    if code in _PERMISSION:
        return PermissionDenied(
            f"{said}: the Slack app lacks a permission or you are not in that channel. Ask "
            "your Slack admin (README, For IT)."
        )
    if code in _UNKNOWN:
        if write:
            return OutcomeUnknown(f"{said}; it may or may not have been applied.")
        return NetworkError(f"{said}. Try again.")
    return Rejected(f"{said}.")


class SlackApi:
    def __init__(
        self,
        client: httpx.AsyncClient,
        keeper: TokenKeeper,
        base_url: str = SLACK_API,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        deadline: float = REQUEST_DEADLINE_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.service = "Slack"
        self.http = HttpTransport(
            client,
            self.service,
            classify=self._classify,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
        )
        self.keeper = keeper
        self.reads = Pacer(READ_BUDGET, clock=clock, sleep=sleep, what=self.service)
        self.writes = Pacer(WRITE_BUDGET, clock=clock, sleep=sleep, what=self.service)
        self.tier2 = Pacer(TIER2_BUDGET, clock=clock, sleep=sleep, what=self.service)

    async def read(self, method: str, **params: Any) -> dict:
        """A GET method (``conversations.history``...) with query parameters."""
        query = {k: _plain(v) for k, v in params.items() if v is not None}
        pacer = self.tier2 if method in TIER2 else self.reads
        return await self._send(pacer, method, "GET", method, False, params=query)

    async def write(self, method: str, channel: str, body: dict[str, Any]) -> dict:
        """A POST method (``chat.postMessage``...) with a JSON body, paced per channel."""
        return await self._send(self.writes, channel, "POST", method, True, json=body)

    async def _send(
        self, pacer: Pacer, key: str, verb: str, method: str, write: bool, **request: Any
    ) -> dict:
        """One call, paced under ``key`` and held back as long as a 429 asked."""
        async with pacer.request(key), self._paused_on_429(pacer, key):
            data, _ = await authorized(
                self.http,
                self.keeper,
                verb,
                f"{self.base}/{method}",
                what=method,
                check=lambda body: self._check(method, body, write),
                **request,
            )
        return data

    @staticmethod
    @contextlib.asynccontextmanager
    async def _paused_on_429(pacer: Pacer, key: str) -> AsyncIterator[None]:
        """Slack said "slow down": nothing more on ``key`` for as long as it asked."""
        try:
            yield
        except RateLimited as limited:
            pacer.pause(key, limited.retry_after)
            raise

    @staticmethod
    def _check(method: str, body: Any, write: bool) -> None:
        if not isinstance(body, dict):
            raise Rejected(f"Slack answered {method} with something that is not an object.")
        if body.get("ok") is not True:
            raise error_for(method, str(body.get("error") or "unknown_error"), write)

    def _classify(self, status: int, body: Any, response: httpx.Response) -> Exception | None:
        if status != 429:
            return None
        wait = retry_after(response)
        method = response.request.url.path.rsplit("/", 1)[-1]
        code = body.get("error") if isinstance(body, dict) else None
        return self.http.rate_limited(method, str(code or "ratelimited"), wait)


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
