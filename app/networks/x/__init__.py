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
from app.networks.client_ids import X
from app.networks.oauth.kind import BrowserNetwork
from app.networks.registry import ExtraField, policy_presets
from app.networks.x import signin


def build_connector(
    account: Account, secret: str, client: Any, clock: Callable[[], float] = time.time
) -> Any:
    """The account's connector; ``clock`` is what its tokens and rate-limit windows read."""
    from app.networks.x.api import XApi
    from app.networks.x.connector import XNetwork

    provider = signin.provider_of(account.settings, account.base_url)
    keeper = NETWORK.keeper(client, provider, account, secret, clock)
    return XNetwork(account, XApi(client, account.base_url, keeper, clock))


def _field_problem(key: str, value: str) -> str | None:
    if key == signin.CLIENT_ID:
        return X.problem(value)
    if key == signin.ADDRESS and not value.startswith("https://"):
        return "the X API address must start with https://"
    return None


NETWORK = BrowserNetwork(
    id="x",
    display_name="X",
    kind_help="Signed in through X in the browser.",
    suite_help="Sign in with X in your browser; Fireside reads replies to your posts of the "
    "last seven days and answers them. Needs an X app (client ID) with API access from IT.",
    fields=(
        ExtraField(signin.CLIENT_ID, "X app client ID", "from your IT department", True),
        ExtraField(signin.ADDRESS, "API address", signin.API),
    ),
    presets=policy_presets({signin.CLIENT_ID: X.policy_key}),
    field_problem=_field_problem,
    sign_in=signin.sign_in,
    build=build_connector,
    url_placeholder=signin.API,
    username_label="Handle",
    id_prefix="x-sign-in-",
)
KIND = NETWORK.kind()
SUITE = NETWORK.suite()
