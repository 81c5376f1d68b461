"""Mastodon in the registry: its ``NetworkKind`` (``KIND``) and the online sign-in that
adds an account (``SUITE``, one network; the form asks only for the server).

Signing in: the server's app registration (``apps``), then authorization code with PKCE
in the system browser (``app.networks.oauth``), then who signed in
(``verify_credentials``) and the server's status length limit. The token (Mastodon's
do not expire and come without a refresh token) goes to the keyring entry
``mastodon-<sign-in id>``; the account's settings keep only the server, the account id,
the app's client id and the limit. Removing the account revokes the token
(``POST /oauth/revoke``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from app.domain import Account
from app.errors import BadResponse, SignInRefused, UserError
from app.networks.http import HttpTransport, Malformed, field
from app.networks.mastodon import apps
from app.networks.mastodon.api import error_text, host_of
from app.networks.mastodon.entities import DEFAULT_MAX_CHARS, max_characters
from app.networks.oauth import Provider, Tokens, sign_in_in_browser
from app.networks.oauth.kind import BrowserNetwork
from app.networks.registry import (
    ExtraField,
    SuiteAccount,
    SuiteRequest,
    SuiteSignIn,
)

SERVER = "server"
ENTRY_PREFIX = "mastodon-"


def server_url(value: str) -> str:
    """``https://host[:port]`` from what a person typed (``mastodon.social``, a URL...)."""
    text = value.strip()
    if "://" not in text:
        text = "https://" + text.lstrip("@").split("@")[-1]
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname:
        raise UserError(
            f"{value!r} is not a Mastodon server address: type its name, like mastodon.social."
        )
    return f"https://{parts.netloc}"


def field_problem(key: str, value: str) -> str | None:
    if key != SERVER or not value:
        return None
    try:
        server_url(value)
    except UserError as exc:
        return str(exc).rstrip(".")
    return None


def provider(base_url: str, app: apps.App | None, client_id: str = "") -> Provider:
    """The server's OAuth endpoints (``methods/oauth.md``) for Fireside's app there."""
    return Provider(
        name=f"Mastodon at {host_of(base_url)}",
        authorize_url=f"{base_url}/oauth/authorize",
        token_url=f"{base_url}/oauth/token",
        client_id=app.client_id if app else client_id,
        client_secret=app.client_secret if app else None,
        scopes=apps.SCOPES,
        revoke_url=f"{base_url}/oauth/revoke",
    )


async def sign_in(request: SuiteRequest) -> SuiteSignIn:
    base = server_url(str(request.fields.get(SERVER) or ""))
    client = request.client
    app = await apps.app_for(client, base)
    try:
        tokens = await sign_in_in_browser(client, provider(base, app))
    except SignInRefused as refused:
        if refused.code != "invalid_client":
            raise
        app = await apps.app_for(client, base, fresh=True)  # the server forgot the app
        tokens = await sign_in_in_browser(client, provider(base, app))
    http = HttpTransport(client, f"Mastodon at {host_of(base)}", error_text=error_text)
    auth = {"Authorization": f"Bearer {tokens.access_token}"}
    me = await http.call(
        "GET", f"{base}/api/v1/accounts/verify_credentials", what="who signed in", headers=auth
    )
    instance = await http.call("GET", f"{base}/api/v2/instance", what="the server's limits")
    try:
        account_id, acct = field(me, "id"), field(me, "acct")
        name = field(me, "display_name", str, optional=True) or acct
    except (Malformed, AttributeError) as exc:
        raise BadResponse(f"Mastodon at {host_of(base)} sent an account it cannot read.") from exc
    sign_in_id = NETWORK.sign_in_id(request)
    account = SuiteAccount(
        "mastodon",
        base,
        f"@{acct}@{host_of(base)}",
        name,
        {
            SERVER: base,
            "sign_in": sign_in_id,
            "user_id": account_id,
            "client_id": app.client_id,
            "max_characters": max_characters(instance),
        },
    )
    return SuiteSignIn(NETWORK.entry_of(sign_in_id), tokens.to_secret(), (account,))


def build(account: Account, secret: str, client: httpx.AsyncClient) -> Any:
    from app.networks.mastodon.connector import MastodonNetwork

    oauth = provider(account.base_url, None, str(account.settings.get("client_id") or ""))
    return MastodonNetwork(
        client,
        account.base_url,
        NETWORK.keeper(client, oauth, account, secret),
        user_id=str(account.settings.get("user_id") or ""),
        max_chars=int(account.settings.get("max_characters") or DEFAULT_MAX_CHARS),
    )


async def sign_out(client: httpx.AsyncClient, account: Account, secret: str) -> None:
    """Revoke the token (``POST /oauth/revoke`` with the app's credentials)."""
    app = await apps.app_for(client, account.base_url)
    http = HttpTransport(client, f"Mastodon at {host_of(account.base_url)}", error_text=error_text)
    await http.call(
        "POST",
        f"{account.base_url}/oauth/revoke",
        what="POST /oauth/revoke",
        json={
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "token": Tokens.from_secret(secret).access_token,
        },
    )


NETWORK = BrowserNetwork(
    id="mastodon",
    display_name="Mastodon",
    kind_help="Signed in through your Mastodon server, in the browser.",
    suite_help=(
        "Type your Mastodon server's name; Fireside opens your browser, where you sign in "
        "and allow Fireside to read and write your posts."
    ),
    fields=(ExtraField(SERVER, "Server", "mastodon.social", required=True),),
    field_problem=field_problem,
    sign_in=sign_in,
    build=build,
    url_label="Server",
    url_placeholder="mastodon.social",
    entry_prefix=ENTRY_PREFIX,
    sign_out=sign_out,
    revoke_by_hand=(
        "open your server's Preferences → Account → Authorized apps and revoke Fireside"
    ),
)
KIND = NETWORK.kind()
SUITE = NETWORK.suite()
