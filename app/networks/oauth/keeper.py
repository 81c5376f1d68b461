"""The access token of one OAuth account, refreshed silently and kept in the keyring.

A connector asks :meth:`TokenKeeper.access_token` before each request. The keeper answers
from memory while the token has more than ``leeway_s`` to live; otherwise it refreshes
with the refresh token (authlib's refresh grant), writes the new tokens to the account's
keyring entry *before* using them (services that rotate refresh tokens, like Slack's,
invalidate the old one), and answers the new access token. Refreshes are one at a time.

Before refreshing it reads the keyring: another Fireside process (``fireside sync`` beside
the window) may have refreshed already, and its tokens are taken instead of spending the
rotated-away refresh token. When the service refuses the refresh token (expired after
Slack's 30 days, revoked by the person or IT) or there is none, :class:`SignInRefused`
(an ``AuthError``) says so: the account needs sign-in and its outbox waits, nothing lost.

:func:`authorized` sends one request with the token, and once more with a fresh one after
a 401 (a refused token means nothing was applied).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError

from app import secrets
from app.errors import AuthError, SecretStoreError, SignInRefused
from app.networks.http import HttpTransport
from app.networks.oauth import client as oauth_client
from app.networks.oauth.provider import Provider
from app.networks.oauth.tokens import Tokens

log = logging.getLogger(__name__)

#: Refresh this long before the access token expires.
LEEWAY_S = 60.0


class TokenKeeper:
    def __init__(
        self,
        client: httpx.AsyncClient,
        provider: Provider,
        entry: str,
        tokens: Tokens,
        *,
        save: Callable[[str, str], None] = secrets.set_secret,
        load: Callable[[str], str | None] = secrets.get_secret,
        clock: Callable[[], float] = time.time,
        leeway_s: float = LEEWAY_S,
    ) -> None:
        self._client = client
        self.provider = provider
        self.entry = entry
        self._tokens = tokens
        self._save = save
        self._load = load
        self._clock = clock
        self._leeway = leeway_s
        self._refused: str | None = None  # the access token the service refused
        self._lock = asyncio.Lock()

    @property
    def tokens(self) -> Tokens:
        return self._tokens

    async def access_token(self) -> str:
        """A token to send now; AuthError (SignInRefused) when only signing in helps."""
        async with self._lock:
            if not self._stale(self._tokens):
                return self._tokens.access_token
            await self._refresh()
            return self._tokens.access_token

    def invalidate(self, token: str) -> None:
        """The service refused ``token`` (401): the next ``access_token`` refreshes."""
        if token == self._tokens.access_token:
            self._refused = token

    def _stale(self, tokens: Tokens) -> bool:
        return tokens.access_token == self._refused or tokens.expires_within(
            self._leeway, self._clock()
        )

    async def _refresh(self) -> None:
        newer = await self._stored()
        if newer is not None and not self._stale(newer):
            log.info("oauth: %s took the tokens another process refreshed", self.entry)
            self._tokens = newer
            return
        refresh = (newer or self._tokens).refresh_token
        if not refresh:
            raise SignInRefused(
                f"Your {self.provider.name} sign-in has expired.",
                "Sign in to the account again; what waits in its outbox is kept.",
            )
        async with oauth_client.oauth_client(self.provider, self._client) as oauth:
            try:
                answer = await oauth.refresh_token(self.provider.token_url, refresh_token=refresh)
            except OAuthError as exc:
                log.warning("oauth: %s refresh refused: %s", self.entry, exc.error)
                raise oauth_client.refused(self.provider, exc, "to refresh the sign-in") from exc
            except httpx.HTTPError as exc:
                raise oauth_client.unreachable(self.provider, exc) from exc
        fresh = oauth_client.tokens_of(dict(answer), self.provider, self._clock())
        if fresh.refresh_token is None:  # the service keeps the old refresh token valid
            fresh = Tokens(fresh.access_token, refresh, fresh.expires_at, fresh.scopes, fresh.extra)
        if not fresh.scopes or not fresh.extra:
            old = newer or self._tokens
            fresh = Tokens(
                fresh.access_token,
                fresh.refresh_token,
                fresh.expires_at,
                fresh.scopes or old.scopes,
                {**old.extra, **fresh.extra},
            )
        try:
            await asyncio.to_thread(self._save, self.entry, fresh.to_secret())
        except SecretStoreError as exc:  # the new tokens still work in this process
            log.warning("oauth: could not save the refreshed %s sign-in: %s", self.entry, exc)
        self._tokens = fresh
        self._refused = None
        log.info("oauth: refreshed the %s sign-in", self.entry)

    async def _stored(self) -> Tokens | None:
        """What the keyring holds, when another process wrote newer tokens there."""
        try:
            stored = await asyncio.to_thread(self._load, self.entry)
        except SecretStoreError as exc:
            log.warning("oauth: could not read the %s sign-in: %s", self.entry, exc)
            return None
        if not stored:
            return None
        try:
            tokens = Tokens.from_secret(stored)
        except ValueError:
            return None
        return None if tokens == self._tokens else tokens


async def authorized(
    http: HttpTransport,
    keeper: TokenKeeper,
    method: str,
    url: str,
    *,
    check: Callable[[Any], None] | None = None,
    **request: Any,
) -> tuple[Any, httpx.Headers]:
    """``http.call_with_headers`` with the keeper's bearer token; after a 401, once more
    with a fresh token (nothing was applied), then AuthError stands. ``check(body)`` reads
    a successful answer for errors a service sends with HTTP 200 (Slack's ``ok: false``)
    and raises them; its AuthError is a refused token like a 401."""
    extra = request.pop("headers", None) or {}

    async def send(token: str) -> tuple[Any, httpx.Headers]:
        headers = {**extra, "Authorization": f"Bearer {token}"}
        answer = await http.call_with_headers(method, url, headers=headers, **request)
        if check is not None:
            check(answer[0])
        return answer

    token = await keeper.access_token()
    try:
        return await send(token)
    except AuthError:
        keeper.invalidate(token)
        fresh = await keeper.access_token()
        if fresh == token:
            raise
        return await send(fresh)
