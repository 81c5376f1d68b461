"""authlib's OAuth client over an account's own HTTP client, and its errors in ours.

authlib's ``AsyncOAuth2Client`` is an ``httpx.AsyncClient``; built here with a transport
that hands every request to the account's injected client (``app.networks.connection``:
the OS trust store, IT's extra CAs, the proxy), so signing in and refreshing reach the
service exactly as the connector does. Closing authlib's client leaves the injected one
open: the connector owns it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from app.errors import NetworkError, OfflineError, SignInRefused, TlsError
from app.networks.http import certificate_problem, failure
from app.networks.oauth.provider import Provider
from app.networks.oauth.tokens import Tokens

#: OAuth errors (RFC 6749 5.2) that mean the grant is gone: only signing in again helps.
GRANT_GONE = frozenset(
    {"invalid_grant", "invalid_token", "token_revoked", "token_expired", "invalid_refresh_token"}
)


class _Through(httpx.AsyncBaseTransport):
    """Sends authlib's requests with the account's client; closing it closes nothing."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request, stream=True)


@asynccontextmanager
async def oauth_client(
    provider: Provider, client: httpx.AsyncClient, **options: Any
) -> AsyncIterator[AsyncOAuth2Client]:
    """authlib's client for ``provider`` over ``client``: PKCE S256, the provider's token
    reader as a compliance hook, the secret in the body for a confidential client."""
    oauth = AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        token_endpoint_auth_method="client_secret_post" if provider.client_secret else "none",
        scope=provider.scope if provider.scope_param == "scope" else None,
        code_challenge_method="S256",
        transport=_Through(client),
        timeout=client.timeout,
        **options,
    )
    if provider.read_token is not None:
        hook = _reader_hook(provider)
        oauth.register_compliance_hook("access_token_response", hook)
        oauth.register_compliance_hook("refresh_token_response", hook)
    try:
        yield oauth
    finally:
        await oauth.aclose()


def _reader_hook(provider: Provider):
    read = provider.read_token
    assert read is not None

    def hook(response: httpx.Response) -> httpx.Response:
        try:
            body = response.json()
        except ValueError:
            return response  # authlib says the body is not JSON
        if not isinstance(body, dict):
            return response
        return httpx.Response(response.status_code, json=read(body), request=response.request)

    return hook


def tokens_of(answer: dict[str, Any], provider: Provider, now: float | None = None) -> Tokens:
    """The tokens of a token answer; ``now`` (epoch seconds) dates its ``expires_in``."""
    try:
        return Tokens.from_answer(answer, provider.scope_separator, now)
    except ValueError as exc:
        raise SignInRefused(
            f"{provider.name} answered the sign-in without a usable token ({exc}).",
            "Try signing in again; if it keeps happening, tell IT.",
        ) from exc


def refused(provider: Provider, error: OAuthError, doing: str) -> SignInRefused:
    """An OAuth error answer in plain words: the grant gone means sign in again."""
    code = str(error.error or "")
    said = (error.description or code or "no reason given").rstrip(".")
    if code in GRANT_GONE:
        return SignInRefused(
            f"{provider.name} no longer accepts this sign-in ({said}).",
            "Sign in to the account again; what waits in its outbox is kept.",
            code,
        )
    return SignInRefused(
        f"{provider.name} refused {doing} ({said}).",
        "Check with IT that Fireside's app is approved, then sign in again.",
        code,
    )


def unreachable(provider: Provider, exc: httpx.HTTPError) -> NetworkError:
    """A failed exchange with the authorization server in our errors."""
    problem = certificate_problem(exc)
    if problem is not None:
        return TlsError(
            f"{provider.name} presented a TLS certificate Fireside does not trust ({problem})."
            " If your organisation uses its own certificate authority, add it to the system's"
            " trust store or to Fireside's extra CA certificates."
        )
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return OfflineError(f"Cannot reach {provider.name} ({failure(exc)}).")
    if isinstance(exc, httpx.HTTPStatusError):
        return NetworkError(
            f"{provider.name} answered the sign-in with HTTP {exc.response.status_code}. Try again."
        )
    return NetworkError(f"{provider.name} gave no answer to the sign-in ({failure(exc)}).")
