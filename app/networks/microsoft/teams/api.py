"""The Microsoft Graph v1.0 endpoints the Teams connector calls, paced per team.

Base ``https://graph.microsoft.com`` (an account may name another: the tests' emulator),
delegated Entra tokens for ``Api.GRAPH``. Pages and delta rounds follow the absolute
``@odata.nextLink``/``@odata.deltaLink`` the server gives; a link to any other place than
this base is refused (the token must never travel elsewhere).

Pacing (concepts/throttling-limits.md, Teams): "a maximum of 4 requests per second per
app can be issued on a given team or channel". Every request on a team waits for that
team's budget (a channel's requests count for its team: the stricter reading).

Errors: Graph's body is ``{"error": {"code": …, "message": …}}`` (concepts/errors.md).
- 429, and 503 on a read: RateLimited with the Retry-After; the team's budget pauses for
  it. 503 on a write: the service may have applied it, so it is an unknown outcome
  (``ThrottledWrite``, an OutcomeUnknown carrying the wait), settled by the look-up
  after the same pause; never a blind resend.
- An expired or reset delta token: 410 Gone, or a 4xx whose code is
  ``syncStateNotFound``/``resyncRequired`` (concepts/delta-query-overview.md, "Token
  duration", "Synchronization reset"): ``DeltaExpired``; the channel is read again whole.
- 403 on a team or channel: ``PermissionDenied`` with Graph's words (the person left it,
  or a permission was not granted).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from app.errors import BadResponse, NotFound, OutcomeUnknown, RateLimited
from app.networks.http import retry_after
from app.networks.microsoft.bearer import Wiring
from app.networks.microsoft.tokens import Api
from app.networks.pacing import Budget

DEFAULT_BASE = "https://graph.microsoft.com"
TEAM_BUDGET = Budget(4, 1.0)
#: The largest page Graph gives of messages, replies and delta (``$top``).
TOP = 50
_EXPIRED_CODES = frozenset({"syncStateNotFound", "resyncRequired", "SyncStateInvalid"})


class DeltaExpired(NotFound):
    """The channel's delta token is no longer valid: read the channel again whole."""


class ThrottledWrite(OutcomeUnknown):
    """A write answered 503 (busy, Retry-After): it may have been applied."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _code(body: Any) -> str | None:
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else None


def error_text(body: Any) -> str | None:
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) else _code(body)


class _Classifier:
    def __init__(self, service: str) -> None:
        self.service = service

    def __call__(self, status: int, body: Any, response: httpx.Response) -> Exception | None:
        what = f"{response.request.method} {response.request.url.path}"
        if status == 410 or (400 <= status < 500 and _code(body) in _EXPIRED_CODES):
            return DeltaExpired(f"{self.service}: the channel's change token expired ({what}).")
        if status == 503:
            wait = retry_after(response)
            said = f" and asked Fireside to wait {wait:g} s" if wait is not None else ""
            if response.request.method != "GET":
                return ThrottledWrite(
                    f"{self.service} was too busy to answer {what} (HTTP 503){said}; it may "
                    "or may not have been applied.",
                    wait,
                )
            return RateLimited(f"{self.service} was too busy for {what} (HTTP 503){said}.", wait)
        return None


class GraphApi:
    """One person's requests to Graph, each team within its budget."""

    def __init__(self, wiring: Wiring) -> None:
        self.base = wiring.base(DEFAULT_BASE)
        service = "Microsoft Teams"
        self._bearer = wiring.transport(
            service, Api.GRAPH, error_text=error_text, classify=_Classifier(service)
        )
        self.pacer = wiring.pacer(TEAM_BUDGET, service)

    @property
    def service(self) -> str:
        return self._bearer.service

    @property
    def client(self) -> httpx.AsyncClient:
        return self._bearer.client

    def url(self, path: str) -> str:
        """The absolute URL of a /v1.0 path whose segments are ids (quoted here)."""
        return self.base + "/v1.0" + "/".join(quote(p, safe="") for p in path.split("/"))

    async def call(
        self,
        method: str,
        url: str,
        *,
        team: str | None,
        params: dict | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """One request (``url`` absolute, from ``url()`` or a link the server gave);
        ``team`` names the budget it waits for (None: no team, no wait)."""
        if not url.startswith(self.base + "/v1.0/"):
            raise BadResponse(f"{self.service} sent a link to another place ({url[:80]!r}).")
        what = f"{method} {httpx.URL(url).path}"
        try:
            if team is None:  # not on a team (/me): Graph's global limits are far away
                data, _ = await self._bearer.call(
                    method, url, what=what, params=params, json=json, headers=headers
                )
            else:
                async with self.pacer.request(team):
                    data, _ = await self._bearer.call(
                        method, url, what=what, params=params, json=json, headers=headers
                    )
        except (RateLimited, ThrottledWrite) as exc:
            if team is not None:
                self.pacer.pause(team, exc.retry_after)
            raise
        return data

    # -- the endpoints -------------------------------------------------------------------

    async def me(self) -> Any:
        """GET /me (user-get; User.Read)."""
        return await self.call("GET", self.url("/me"), team=None)

    async def joined_teams(self) -> Any:
        """GET /me/joinedTeams (user-list-joinedteams; Team.ReadBasic.All)."""
        return await self.call("GET", self.url("/me/joinedTeams"), team=None)

    async def channels(self, team: str) -> Any:
        """GET /teams/{id}/channels (channel-list; Channel.ReadBasic.All)."""
        return await self.call("GET", self.url(f"/teams/{team}/channels"), team=team)

    async def get(self, url: str, team: str, params: dict | None = None) -> Any:
        return await self.call("GET", url, team=team, params=params)

    async def send(self, method: str, path: str, team: str, body: Any = None) -> Any:
        return await self.call(method, self.url(path), team=team, json=body)
