"""Requests to a Microsoft API with a bearer token from the account's ``TokenSource``.

Each request asks the source for a token for its ``Api`` (the source answers from its
cache and refreshes silently). A 401 means the token was refused before anything was
applied, so the request is sent once more with a fresh token after ``invalidate``; a
second 401, or a source that has no other token, is AuthError: the account needs sign-in
and its outbox waits. Everything else is ``HttpTransport``'s mapping.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import msgspec

from app.errors import AuthError
from app.networks.http import MAX_RESPONSE_BYTES, REQUEST_DEADLINE_S, HttpTransport
from app.networks.microsoft.tokens import Api, TokenSource
from app.networks.pacing import Budget, Pacer, Sleep


class BearerTransport:
    """``HttpTransport.call_with_headers`` with the account's token for ``api``."""

    def __init__(self, http: HttpTransport, tokens: TokenSource, api: Api) -> None:
        self.http = http
        self._tokens = tokens
        self._api = api

    @property
    def service(self) -> str:
        return self.http.service

    @property
    def client(self) -> httpx.AsyncClient:
        return self.http.client

    async def call(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: dict | None = None,
        json: Any = None,
        write: bool | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[Any, httpx.Headers]:
        """One request; ``headers`` are added to the token's (Graph's ``ConsistencyLevel``)."""
        token = await self._tokens.access_token(self._api)
        request = {"what": what, "params": params, "json": json, "write": write}
        extra = dict(headers or {})
        try:
            return await self._send(method, url, token, request, extra)
        except AuthError:
            self._tokens.invalidate(self._api, token)
            fresh = await self._tokens.access_token(self._api)
            if fresh == token:
                raise
            return await self._send(method, url, fresh, request, extra)

    async def _send(
        self, method: str, url: str, token: str, request: dict[str, Any], extra: dict[str, str]
    ) -> tuple[Any, httpx.Headers]:
        headers = {**extra, "Authorization": f"Bearer {token}", "Accept": "application/json"}
        return await self.http.call_with_headers(method, url, headers=headers, **request)


class Wiring(msgspec.Struct, frozen=True):
    """How a Microsoft 365 connector reaches its API: the injected client, the account's
    tokens, the API's base (empty: Microsoft's own), the transport's bounds, and the clock
    (epoch seconds) and sleep its budgets keep time with (tests pass virtual ones)."""

    client: httpx.AsyncClient
    tokens: TokenSource
    base_url: str = ""
    clock: Callable[[], float] = time.time
    sleep: Sleep = asyncio.sleep
    deadline: float = REQUEST_DEADLINE_S
    max_response_bytes: int = MAX_RESPONSE_BYTES

    def transport(self, service: str, api: Api, **options: Any) -> BearerTransport:
        """Requests to ``api`` with the account's tokens; ``options`` go to HttpTransport
        (``error_text``, ``classify``)."""
        http = HttpTransport(
            self.client,
            service,
            deadline=self.deadline,
            max_response_bytes=self.max_response_bytes,
            **options,
        )
        return BearerTransport(http, self.tokens, api)

    def pacer(self, budget: Budget, service: str) -> Pacer:
        return Pacer(budget, clock=self.clock, sleep=self.sleep, what=service)

    def base(self, default: str) -> str:
        return (self.base_url or default).rstrip("/")
