"""Signing in through the system browser: authorization code with PKCE (RFC 7636, S256)
and a loopback redirect (RFC 8252).

:func:`sign_in_in_browser` opens the listener (``loopback``), builds the authorization URL
with authlib (a fresh ``state`` and code verifier each time), opens it in the person's
default browser, waits for the one redirect that carries this ``state``, and exchanges its
code and the verifier for tokens. Cancelling the awaiting task stops it at once and closes
the listener; so does ``timeout_s`` passing. Nothing is stored here: the caller keeps
``Tokens.to_secret()`` in the keyring.
"""

from __future__ import annotations

import asyncio
import logging
import webbrowser
from collections.abc import Callable

import httpx
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError

from app.errors import SignInRefused, UserError
from app.networks.oauth import client as oauth_client
from app.networks.oauth.loopback import listen
from app.networks.oauth.provider import Provider
from app.networks.oauth.tokens import Tokens

log = logging.getLogger(__name__)

#: The longest a person may take in the browser before the sign-in gives up.
BROWSER_TIMEOUT_S = 10 * 60

#: open_browser(url) -> whether a browser was opened (``webbrowser.open``'s contract).
OpenBrowser = Callable[[str], bool]


def _open_in_system_browser(url: str) -> bool:
    return webbrowser.open(url)


async def sign_in_in_browser(
    client: httpx.AsyncClient,
    provider: Provider,
    *,
    open_browser: OpenBrowser = _open_in_system_browser,
    timeout_s: float = BROWSER_TIMEOUT_S,
) -> Tokens:
    """The tokens of a browser sign-in; ``SignInRefused`` when the person or the service
    refused, ``OfflineError``/``TlsError`` when the service cannot be reached, ``UserError``
    when no browser opens or the person took longer than ``timeout_s``."""
    async with (
        listen(provider.redirect_host, provider.redirect_path) as listener,
        oauth_client.oauth_client(provider, client, redirect_uri="") as oauth,
    ):
        oauth.redirect_uri = listener.redirect_uri
        verifier = generate_token(64)
        url, state = oauth.create_authorization_url(
            provider.authorize_url,
            code_verifier=verifier,
            **_scope_params(provider),
            **provider.authorize_params,
        )
        listener.expect(state)
        opened = await asyncio.to_thread(open_browser, url)
        if not opened:
            raise UserError(
                f"Fireside could not open a web browser to sign in to {provider.name}. "
                "Set a default browser in your system settings, then try again."
            )
        log.info("oauth: waiting for the %s sign-in in the browser", provider.name)
        try:
            async with asyncio.timeout(timeout_s):
                redirect = await listener.wait()
        except TimeoutError:
            raise UserError(
                f"The {provider.name} sign-in was not finished in the browser within "
                f"{timeout_s / 60:g} minutes. Start it again when you are ready."
            ) from None
        if redirect.error is not None:
            raise SignInRefused(
                f"{provider.name} did not sign you in "
                f"({(redirect.params.get('error_description') or redirect.error).rstrip('.')}).",
                "If you declined, start again and allow Fireside; otherwise ask IT "
                "whether Fireside's app is approved.",
                redirect.error,
            )
        try:
            answer = await oauth.fetch_token(
                provider.token_url,
                authorization_response=redirect.url,
                state=state,
                code_verifier=verifier,
            )
        except OAuthError as exc:
            raise oauth_client.refused(provider, exc, "the sign-in") from exc
        except httpx.HTTPError as exc:
            raise oauth_client.unreachable(provider, exc) from exc
        return oauth_client.tokens_of(dict(answer), provider)


def _scope_params(provider: Provider) -> dict[str, str]:
    """The scopes under the provider's own parameter name (Slack's ``user_scope``);
    ``scope`` itself authlib sends from the client."""
    if provider.scope_param == "scope":
        return {}
    return {provider.scope_param: provider.scope}
