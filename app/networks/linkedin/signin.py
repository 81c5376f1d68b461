"""Signing in to LinkedIn for an organisation page: three-legged OAuth, the native-app
variant with PKCE (a public client; LinkedIn enables PKCE for an app on request), the
browser sent to LinkedIn and back to a loopback address on a random port
(learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow-native).
Scopes: ``r_organization_social`` to read the page's posts and comments,
``w_organization_social`` to post, comment, edit and delete as the page (Community
Management API). The person must be an administrator of the page; the sign-in checks
that the page's posts can be read before it keeps anything.
"""

from __future__ import annotations

from typing import Any

from app.errors import UserError
from app.networks.linkedin.api import LinkedInApi
from app.networks.oauth import Provider, TokenKeeper, Tokens, sign_in_in_browser
from app.networks.registry import SignInMethod, SuiteAccount, SuiteRequest, SuiteSignIn

SCOPES = ("r_organization_social", "w_organization_social")
API = "https://api.linkedin.com"
AUTH = "https://www.linkedin.com/oauth/v2"
CLIENT_ID = "client_id"
ORGANIZATION = "organization"
ADDRESS = "api"


def provider(client_id: str, api: str = API) -> Provider:
    auth = AUTH if api.rstrip("/") == API else f"{api.rstrip('/')}/oauth/v2"
    return Provider("LinkedIn", f"{auth}/authorization", f"{auth}/accessToken", client_id, SCOPES)


def provider_of(settings: Any, base_url: str) -> Provider:
    return provider(str(settings.get(CLIENT_ID) or ""), base_url)


async def sign_in(request: SuiteRequest) -> SuiteSignIn:
    if request.method is not SignInMethod.BROWSER:
        raise UserError("LinkedIn signs in only in the browser; it offers no sign-in with a code.")
    organization = request.fields.get(ORGANIZATION, "").strip()
    if not organization.isdigit():
        raise UserError("Give the page's organisation id: the number in its admin address.")
    api = (request.fields.get(ADDRESS) or API).rstrip("/")
    the_provider = provider(request.fields.get(CLIENT_ID, ""), api)
    tokens = await sign_in_in_browser(request.client, the_provider)
    from app.networks.linkedin import NETWORK

    entry = NETWORK.sign_in_id(request)
    await _check_page(
        LinkedInApi(request.client, api, _keeper(request, the_provider, entry, tokens)),
        organization,
    )
    settings = {ORGANIZATION: organization, CLIENT_ID: the_provider.client_id, "sign_in": entry}
    account = SuiteAccount("linkedin", api, organization, f"LinkedIn page {organization}", settings)
    return SuiteSignIn(entry, tokens.to_secret(), (account,))


def _keeper(
    request: SuiteRequest, the_provider: Provider, entry: str, tokens: Tokens
) -> TokenKeeper:
    """The new tokens, for the check only (the sign-in's caller keeps them)."""
    return TokenKeeper(request.client, the_provider, entry, tokens, save=lambda *_: None)


async def _check_page(reader: LinkedInApi, org: str) -> None:
    """Read one post of the page: a person who is no admin of it is refused here."""
    await reader.call(
        "GET",
        "/posts",
        what="GET /rest/posts",
        params={"q": "author", "author": f"urn:li:organization:{org}", "count": 1},
    )
