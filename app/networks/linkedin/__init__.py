"""LinkedIn organisation pages through the Community Management API: the page's posts and
their comments (one level of replies), replies, posts, edits and deletions as the page,
under the daily quota. Signed in with three-legged OAuth and PKCE in the browser
(``signin``), as a one-network ``Suite``. A member's own posts are not reachable (reading
their comments needs a partner-only permission): the manual bridge is for those.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from app.domain import Account
from app.errors import UserError
from app.networks.linkedin import signin
from app.networks.oauth import TokenKeeper, Tokens
from app.networks.registry import ExtraField, NetworkKind, SignIn, SignInMethod, Suite


def _secret_entry(account: Account) -> str:
    return str(account.settings.get("sign_in") or account.id)


def build_connector(
    account: Account, secret: str, client: Any, clock: Callable[[], float] = time.time
) -> Any:
    """The account's connector; ``clock`` is what its tokens and its quota wait read."""
    from app.networks.linkedin.api import LinkedInApi
    from app.networks.linkedin.connector import LinkedInNetwork

    keeper = TokenKeeper(
        client,
        signin.provider_of(account.settings, account.base_url),
        _secret_entry(account),
        Tokens.from_secret(secret),
        clock=clock,
    )
    return LinkedInNetwork(account, LinkedInApi(client, account.base_url, keeper, clock))


def _build(account: Account, secret: str, client: Any) -> Any:
    return build_connector(account, secret, client)


async def _password_sign_in(*_: Any) -> SignIn:
    raise UserError("LinkedIn pages are added with Add LinkedIn, in the browser.")


def _describe(secret: str) -> list[str]:
    tokens = Tokens.from_secret(secret)
    when = (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(tokens.expires_at))
        if tokens.expires_at
        else "no expiry given"
    )
    refresh = "refresh token kept" if tokens.refresh_token else "no refresh token"
    return [
        f"LinkedIn sign-in: {refresh}; access token until {when}; scopes: {' '.join(tokens.scopes)}"
    ]


KIND = NetworkKind(
    id="linkedin",
    display_name="LinkedIn",
    url_label="API address",
    url_placeholder=signin.API,
    username_label="Organisation id",
    password_label="",
    help="Signed in through LinkedIn in the browser, as an administrator of the page.",
    sign_in=_password_sign_in,
    build=_build,
    suite="linkedin",
    secret_entry=_secret_entry,
    describe_secret=_describe,
)


def _field_problem(key: str, value: str) -> str | None:
    if key == signin.ORGANIZATION and not value.isdigit():
        return "the organisation id is the number in the page's admin address"
    if key == signin.ADDRESS and not value.startswith("https://"):
        return "the LinkedIn API address must start with https://"
    return None


SUITE = Suite(
    id="linkedin",
    display_name="LinkedIn page",
    networks=("linkedin",),
    help="Sign in with LinkedIn in your browser as an administrator of your organisation's "
    "page; Fireside reads the comments on the page's posts and answers as the page.",
    fields=(
        ExtraField(signin.CLIENT_ID, "LinkedIn app client ID", "from your IT department", True),
        ExtraField(signin.ORGANIZATION, "Organisation id", "12345678", True),
        ExtraField(signin.ADDRESS, "API address", signin.API),
    ),
    presets=lambda _policy: {},
    field_problem=_field_problem,
    sign_in=signin.sign_in,
    methods=(SignInMethod.BROWSER,),  # no device-code grant
)
