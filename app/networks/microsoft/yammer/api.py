"""The Yammer REST v1 endpoints Fireside calls, within Viva Engage's published budget.

Base ``https://www.yammer.com/api/v1`` (an account may name another address, the tests'
emulator; with or without ``/api/v1``),
always with ``.json`` (without it some endpoints answer XML), and an Entra token for
``Api.YAMMER`` (delegated; no app-only access exists).

Budget (learn.microsoft.com/rest/api/yammer/rest-api-rate-limits): per user per app,
message endpoints 10 requests in 30 seconds; all other endpoints 10 in 10 seconds; over
any limit every endpoint answers 429 (no Retry-After is documented). Every request waits
in a ``Pacer`` for its budget first, so Fireside never meets that 429 by itself; if one
comes anyway (another app of the same user), the budget's key pauses a whole window.
Which endpoints are "message endpoints" is not listed: everything under ``/messages`` is
counted as one (the stricter reading).

Errors: 401 ``{"response": {"message": "Token not found.", "code": 16, "stat": "fail"}}``
(learn.microsoft.com/rest/api/yammer/api-requests-1); a community post without
``group_id`` in a native-mode network ``400 {"error": {"body": ["Please include a
message"], "code": "body_blank"}}`` (pnp/cli-microsoft365#2557).
"""

from __future__ import annotations

import enum
from typing import Any

import httpx

from app.errors import RateLimited
from app.networks.microsoft.bearer import Wiring
from app.networks.microsoft.tokens import Api
from app.networks.pacing import Budget

DEFAULT_BASE = "https://www.yammer.com"
#: The REST v1 root under a network's address.
API_ROOT = "/api/v1"
MESSAGES_BUDGET = Budget(10, 30.0)
OTHER_BUDGET = Budget(10, 10.0)
#: Messages per page: 20 is the documented default; the API returns fewer, never more.
PAGE_SIZE = 20


class Endpoint(enum.Enum):
    MESSAGES = "messages"
    OTHER = "other"


def error_text(body: Any) -> str | None:
    """Yammer's own words in an error body (both shapes it uses)."""
    if isinstance(body, dict) and isinstance(body.get("response"), dict):
        message = body["response"].get("message")
        return message if isinstance(message, str) else None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        parts = error.get("body")
        if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
            return "; ".join(parts)
        return error.get("code") if isinstance(error.get("code"), str) else None
    return None


class YammerApi:
    """One user's requests to one Viva Engage network."""

    def __init__(self, wiring: Wiring) -> None:
        base = wiring.base(DEFAULT_BASE)
        # The account names the service ("https://www.yammer.com", as the sign-in stores
        # it) or its REST root (".../api/v1"): both mean the same.
        self.base = base if base.endswith(API_ROOT) else base + API_ROOT
        self._bearer = wiring.transport("Viva Engage", Api.YAMMER, error_text=error_text)
        self.pacers = {
            Endpoint.MESSAGES: wiring.pacer(MESSAGES_BUDGET, "Viva Engage"),
            Endpoint.OTHER: wiring.pacer(OTHER_BUDGET, "Viva Engage"),
        }

    @property
    def service(self) -> str:
        return self._bearer.service

    @property
    def client(self) -> httpx.AsyncClient:
        return self._bearer.client

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        endpoint: Endpoint = Endpoint.MESSAGES,
    ) -> Any:
        """One request to ``path`` ("/messages/sent.json") within its budget."""
        what = f"{method} {path}"
        try:
            async with self.pacers[endpoint].request("user"):
                data, _ = await self._bearer.call(
                    method, self.base + path, what=what, params=params, json=json
                )
        except RateLimited:
            # Over any limit every endpoint answers 429 until the window has passed.
            for each in self.pacers.values():
                each.pause("user", None)
            raise RateLimited(
                f"Viva Engage rate limited {what} (HTTP 429); Fireside waits "
                f"{MESSAGES_BUDGET.window_s:g} s before its next request.",
                MESSAGES_BUDGET.window_s,
            ) from None
        return data

    # -- the endpoints -------------------------------------------------------------------

    async def current_user(self) -> Any:
        return await self.call("GET", "/users/current.json", endpoint=Endpoint.OTHER)

    async def groups_for_user(self, user_id: str) -> Any:
        """The communities a user is a member of (…/groupsfor_useruser_idjson)."""
        return await self.call("GET", f"/groups/for_user/{user_id}.json", endpoint=Endpoint.OTHER)

    async def sent(
        self,
        *,
        older_than: str | None = None,
        newer_than: str | None = None,
        threaded: bool = False,
    ) -> Any:
        """Messages I sent, newest first (learn.microsoft.com/rest/api/yammer/messagesjson)."""
        return await self.call(
            "GET", "/messages/sent.json", params=_paging(older_than, newer_than, threaded)
        )

    async def in_thread(self, thread_id: str, *, older_than: str | None = None) -> Any:
        """A thread's messages, newest first (…/messagesin_threadthreadidjson)."""
        return await self.call(
            "GET", f"/messages/in_thread/{thread_id}.json", params=_paging(older_than, None)
        )

    async def in_group(
        self, group_id: str, *, newer_than: str | None = None, older_than: str | None = None
    ) -> Any:
        """A community's messages, newest first."""
        return await self.call(
            "GET", f"/messages/in_group/{group_id}.json", params=_paging(older_than, newer_than)
        )

    async def message(self, message_id: str) -> Any:
        return await self.call("GET", f"/messages/{message_id}.json")

    async def post(
        self, body: str, *, group_id: str | None = None, replied_to_id: str | None = None
    ) -> Any:
        """Create a message (…/messages-json-post): in a community, or a reply (its
        community is inferred from the parent)."""
        fields: dict[str, Any] = {"body": body}
        if replied_to_id is not None:
            fields["replied_to_id"] = int(replied_to_id)
        elif group_id is not None:
            fields["group_id"] = int(group_id)
        return await self.call("POST", "/messages.json", json=fields)

    async def delete(self, message_id: str) -> None:
        """Remove a message (…/messagesid): the poster, a community or network admin."""
        await self.call("DELETE", f"/messages/{message_id}")


def _paging(older_than: str | None, newer_than: str | None, threaded: bool = False) -> dict:
    params: dict[str, Any] = {}
    if older_than is not None:
        params["older_than"] = older_than
    if newer_than is not None:
        params["newer_than"] = newer_than
    if threaded:
        params["threaded"] = "true"
    return params
