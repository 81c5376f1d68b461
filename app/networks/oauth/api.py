"""The requests of one account signed in with OAuth: its access token from a
:class:`TokenKeeper`, the service's errors through ``HttpTransport`` (``classify`` is the
service's own reading of an answer), and a :class:`Pacer` holding what the service said
is used up (X's rate-limit windows, LinkedIn's daily quota). X and LinkedIn subclass it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from app.errors import NetworkError
from app.networks.http import HttpTransport
from app.networks.oauth.keeper import TokenKeeper, authorized
from app.networks.pacing import Pacer


class BearerApi:
    def __init__(
        self,
        client: httpx.AsyncClient,
        service: str,
        base_url: str,
        keeper: TokenKeeper,
        *,
        error_text: Callable[[Any], str | None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._keeper = keeper
        self._clock = clock
        self._http = HttpTransport(client, service, error_text=error_text, classify=self._classify)
        #: What the service said is used up, held until it opens again.
        self._held = Pacer(None, clock=clock, what=service)

    def _classify(self, status: int, body: Any, response: httpx.Response) -> NetworkError | None:
        """The service's own error for an answer, or None for HttpTransport's reading."""
        return None

    async def _send(
        self, method: str, path: str, *, what: str, **request: Any
    ) -> tuple[Any, httpx.Headers]:
        """One request with the access token (once more with a fresh one after a 401)."""
        return await authorized(
            self._http, self._keeper, method, f"{self._base}{path}", what=what, **request
        )

    async def aclose(self) -> None:
        await self._http.client.aclose()
