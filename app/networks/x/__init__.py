"""X (formerly Twitter) through its API v2: the person's posts of the last seven days and
the replies in their conversations, replies and posts, deletion (X lets apps edit
nothing), and X's weighted character count. Signed in with OAuth 2.0 and PKCE in the
browser (``signin``), as a one-network ``Suite``; the tokens stay in the OS keyring and
refresh silently. Without paid API access (search needs it) the manual bridge is the way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from app.domain import Account
from app.errors import UserError
from app.networks.oauth import TokenKeeper, Tokens
from app.networks.registry import ExtraField, NetworkKind, SignIn, SignInMethod, Suite
from app.networks.x import signin


def _secret_entry(account: Account) -> str:
    return str(account.settings.get("sign_in") or account.id)


def build_connector(
    account: Account, secret: str, client: Any, clock: Callable[[], float] = time.time
) -> Any:
    """The account's connector; ``clock`` is what its tokens and rate-limit windows read."""
    from app.networks.x.api import XApi
    from app.networks.x.connector import XNetwork

    keeper = TokenKeeper(
        client,
        signin.provider_of(account.settings, account.base_url),
        _secret_entry(account),
        Tokens.from_secret(secret),
        clock=clock,
    )
    return XNetwork(account, XApi(client, account.base_url, keeper, clock))


def _build(account: Account, secret: str, client: Any) -> Any:
    return build_connector(account, secret, client)


async def _password_sign_in(*_: Any) -> SignIn:
    raise UserError("X accounts are added with Add X, in the browser.")


def _describe(secret: str) -> list[str]:
    tokens = Tokens.from_secret(secret)
    refresh = "refresh token kept" if tokens.refresh_token else "NO refresh token"
    when = (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(tokens.expires_at))
        if tokens.expires_at
        else "no expiry given"
    )
    return [f"X sign-in: {refresh}; access token until {when}; scopes: {' '.join(tokens.scopes)}"]


KIND = NetworkKind(
    id="x",
    display_name="X",
    url_label="API address",
    url_placeholder=signin.API,
    username_label="Handle",
    password_label="",
    help="Signed in through X in the browser.",
    sign_in=_password_sign_in,
    build=_build,
    suite="x",
    secret_entry=_secret_entry,
    describe_secret=_describe,
)


def _presets(policy: Any) -> dict[str, tuple[str, str | None]]:
    return {}


def _field_problem(key: str, value: str) -> str | None:
    if key == signin.ADDRESS and not value.startswith("https://"):
        return "the X API address must start with https://"
    return None


SUITE = Suite(
    id="x",
    display_name="X",
    networks=("x",),
    help="Sign in with X in your browser; Fireside reads replies to your posts of the last "
    "seven days and answers them. Needs an X app (client ID) with API access from IT.",
    fields=(
        ExtraField(signin.CLIENT_ID, "X app client ID", "from your IT department", True),
        ExtraField(signin.ADDRESS, "API address", signin.API),
    ),
    presets=_presets,
    field_problem=_field_problem,
    sign_in=signin.sign_in,
    methods=(SignInMethod.BROWSER,),  # no device-code grant
)
