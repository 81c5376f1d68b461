"""Signing in to X: OAuth 2.0 authorization code with PKCE, as a public client (the app's
client ID from IT, no secret), in the system browser with a loopback redirect
(docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token). Scopes:
``tweet.read users.read`` to read, ``tweet.write`` to post, ``offline.access`` for a
refresh token (without it an access token lives two hours and then the person must sign
in again). The tokens live only in the OS keyring, in the entry the account names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.errors import BadResponse, UserError
from app.networks.http import HttpTransport, Malformed, field
from app.networks.oauth import Provider, Tokens, sign_in_in_browser
from app.networks.registry import SignInMethod, SuiteAccount, SuiteRequest, SuiteSignIn
from app.networks.x.api import SERVICE, problem_text

SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access")
API = "https://api.x.com"
#: The authorization page lives on x.com, the token endpoint on the API host.
AUTHORIZE = "https://x.com/i/oauth2/authorize"
CLIENT_ID = "client_id"
ADDRESS = "api"


def provider(client_id: str, api: str = API) -> Provider:
    api = api.rstrip("/") or API
    authorize = AUTHORIZE if api == API else f"{api}/i/oauth2/authorize"
    return Provider(
        "X",
        authorize,
        f"{api}/2/oauth2/token",
        client_id,
        SCOPES,
        revoke_url=f"{api}/2/oauth2/revoke",
    )


def provider_of(settings: Mapping[str, Any], base_url: str) -> Provider:
    return provider(str(settings.get(CLIENT_ID) or ""), base_url)


async def sign_in(request: SuiteRequest) -> SuiteSignIn:
    if request.method is not SignInMethod.BROWSER:
        raise UserError("X signs in only in the browser; it offers no sign-in with a code.")
    api = (request.fields.get(ADDRESS) or API).rstrip("/")
    client_id = request.fields.get(CLIENT_ID, "")
    tokens = await sign_in_in_browser(request.client, provider(client_id, api))
    me = await _whoami(request, api, tokens)
    from app.networks.x import NETWORK

    entry = NETWORK.sign_in_id(request)
    account = SuiteAccount(
        "x",
        api,
        me["username"],
        me["name"],
        {"user_id": me["id"], "username": me["username"], CLIENT_ID: client_id, "sign_in": entry},
    )
    return SuiteSignIn(entry, tokens.to_secret(), (account,))


async def _whoami(request: SuiteRequest, api: str, tokens: Tokens) -> dict[str, str]:
    http = HttpTransport(request.client, SERVICE, error_text=problem_text)
    body = await http.call(
        "GET",
        f"{api}/2/users/me",
        what="GET /2/users/me",
        headers={"Authorization": f"Bearer {tokens.access_token}"},
    )
    try:
        user = field(body, "data", dict)
        return {k: field(user, k) for k in ("id", "username", "name")}
    except (Malformed, TypeError) as exc:
        raise BadResponse(f"X sent a malformed user: {exc}.") from exc
