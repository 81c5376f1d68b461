"""MSAL's HTTP client, over the account's own ``httpx.AsyncClient``.

MSAL is blocking, so Fireside runs it on a worker thread; its requests go back to the
event loop through :class:`LoopHttpClient` and are sent by the same client every other
request of the account uses: the same trust (OS store plus IT's extra CAs, so a private
CA works), the same proxy, no hidden retries. MSAL reads ``status_code``, ``text`` and
``headers`` of what ``get``/``post`` return, which an ``httpx.Response`` has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

#: The longest one request to the authority may take, from the worker thread's view.
REQUEST_DEADLINE_S = 60.0


class LoopHttpClient:
    """``get`` and ``post`` as MSAL calls them, from any thread but the loop's own."""

    def __init__(self, client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop) -> None:
        self._client = client
        self._loop = loop

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        **_: Any,
    ) -> httpx.Response:
        return self._send("GET", url, params=params, headers=headers)

    def post(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        **_: Any,
    ) -> httpx.Response:
        if isinstance(data, Mapping):
            form = {k: v for k, v in data.items() if v is not None}
            return self._send("POST", url, params=params, headers=headers, data=form)
        return self._send("POST", url, params=params, headers=headers, content=data)

    def close(self) -> None:
        """The client belongs to the account's connector, which closes it."""

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if kwargs.get("params") is not None:
            kwargs["params"] = {k: v for k, v in kwargs["params"].items() if v is not None}
        future = asyncio.run_coroutine_threadsafe(
            self._client.request(method, url, **kwargs), self._loop
        )
        try:
            return future.result(REQUEST_DEADLINE_S)
        except TimeoutError:
            future.cancel()
            raise httpx.ReadTimeout(f"{method} {url} took too long") from None
