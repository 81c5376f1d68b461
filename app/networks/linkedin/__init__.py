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
from app.networks.client_ids import LINKEDIN
from app.networks.linkedin import signin
from app.networks.oauth.kind import BrowserNetwork
from app.networks.registry import ExtraField, policy_presets


def build_connector(
    account: Account, secret: str, client: Any, clock: Callable[[], float] = time.time
) -> Any:
    """The account's connector; ``clock`` is what its tokens and its quota wait read."""
    from app.networks.linkedin.api import LinkedInApi
    from app.networks.linkedin.connector import LinkedInNetwork

    provider = signin.provider_of(account.settings, account.base_url)
    keeper = NETWORK.keeper(client, provider, account, secret, clock)
    return LinkedInNetwork(account, LinkedInApi(client, account.base_url, keeper, clock))


def _field_problem(key: str, value: str) -> str | None:
    if key == signin.CLIENT_ID:
        return LINKEDIN.problem(value)
    if key == signin.ORGANIZATION and not value.isdigit():
        return "the organisation id is the number in the page's admin address"
    if key == signin.ADDRESS and not value.startswith("https://"):
        return "the LinkedIn API address must start with https://"
    return None


NETWORK = BrowserNetwork(
    id="linkedin",
    display_name="LinkedIn",
    suite_name="LinkedIn page",
    kind_help="Signed in through LinkedIn in the browser, as an administrator of the page.",
    suite_help="Sign in with LinkedIn in your browser as an administrator of your "
    "organisation's page; Fireside reads the comments on the page's posts and answers as "
    "the page.",
    fields=(
        ExtraField(signin.CLIENT_ID, "LinkedIn app client ID", "from your IT department", True),
        ExtraField(signin.ORGANIZATION, "Organisation id", "12345678", True),
        ExtraField(signin.ADDRESS, "API address", signin.API),
    ),
    presets=policy_presets({signin.CLIENT_ID: LINKEDIN.policy_key}),
    field_problem=_field_problem,
    sign_in=signin.sign_in,
    build=build_connector,
    url_placeholder=signin.API,
    username_label="Organisation id",
    id_prefix="linkedin-sign-in-",
    names_people=False,  # commenters are member ids: the People API is closed to this app
)
KIND = NETWORK.kind()
SUITE = NETWORK.suite()
