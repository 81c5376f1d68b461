"""Fixtures for the LinkedIn connector's tests (a plugin of tests/conftest.py):
``li_site`` is an emulated organisation page over HTTPS with a private CA (a post of
yesterday, two members' comments, one reply), signed in to through the real browser
flow (authlib, PKCE, loopback) with a test browser; ``li_network`` is the connector
built as the app builds it, on the emulator's clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from fixtures.oauth_browser import FollowingBrowser
from keyring_fixtures import MemoryKeyring

from app import secrets
from app.domain import Account
from app.networks import registry
from app.networks.linkedin import build_connector, signin
from app.networks.linkedin.connector import LinkedInNetwork
from app.networks.registry import SignInMethod, SuiteRequest
from emulators.clock import EmulatorClock, VirtualClock
from emulators.linkedin.server import LinkedInEmulator, LinkedInWorld
from emulators.microsoft.apiserver import ApiServer, make_pki
from emulators.oauth.authority import Authority, Client

CLIENT_ID = "fireside-native"
JORDAN = "urn:li:person:jordanLee1"
PRIYA = "urn:li:person:priyaR2"


@dataclass
class LinkedInSite:
    world: LinkedInWorld
    emulator: LinkedInEmulator
    api: ApiServer
    clock: EmulatorClock
    post: str
    comments: list[str]

    async def sign_in(self) -> Account:
        async with self.api.client() as client:
            request = SuiteRequest(
                client,
                ("linkedin",),
                SignInMethod.BROWSER,
                {
                    signin.CLIENT_ID: CLIENT_ID,
                    signin.ORGANIZATION: self.world.organization,
                    signin.ADDRESS: self.api.url,
                },
                lambda _code: None,
            )
            signed = await registry.suite("linkedin").sign_in(request)
        secrets.set_secret(signed.secret_entry, signed.secret)
        made = signed.accounts[0]
        return Account(
            "linkedin-1",
            made.network,
            made.display_name,
            made.base_url,
            made.username,
            settings=dict(made.settings),
        )


@pytest.fixture
def li_clock() -> EmulatorClock:
    """The site's clock: virtual here; real time (``ShiftedClock``) in a module that
    overrides it, for a connector in another process."""
    return VirtualClock()


@pytest.fixture
def li_site(
    tmp_path,
    li_clock: EmulatorClock,
    oauth_browser: FollowingBrowser,
    memory_keyring: MemoryKeyring,
) -> Iterator[LinkedInSite]:
    clock = li_clock
    authority = Authority(clock, access_ttl_s=5_184_000, person="dana")
    authority.register(Client(CLIENT_ID, ("http://127.0.0.1/callback",), frozenset(signin.SCOPES)))
    world = LinkedInWorld(clock, authority, admins={"dana"})
    post = world.post("Our four-day week pilot, six months in.", age_s=86400)
    jordan = world.comment(JORDAN, post, "How do you keep the culture strong?", age_s=7200)
    priya = world.comment(PRIYA, post, "Do you measure engagement?", age_s=3600)
    follow_up = world.comment(PRIYA, post, "And retention?", parent=priya, age_s=1800)
    emulator = LinkedInEmulator(world)
    pki = make_pki(tmp_path / "linkedin-pki")
    api = ApiServer(emulator, pki, clock)
    oauth_browser.ca_file = pki.ca_file
    yield LinkedInSite(world, emulator, api, clock, post, [jordan, priya, follow_up])
    api.stop()
    assert emulator.versions_seen <= {"202601"}


@pytest.fixture
async def li_network(li_site: LinkedInSite) -> AsyncIterator[LinkedInNetwork]:
    account = await li_site.sign_in()
    secret = secrets.get_secret(registry.secret_entry(account)) or ""
    # As the app's registry builds it, on the emulator's clock instead of time.time.
    network = build_connector(account, secret, li_site.api.client(), li_site.clock)
    assert isinstance(network, LinkedInNetwork)
    yield network
    await network.aclose()
