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

from app.domain import Account
from app.networks.linkedin import build_connector, signin
from app.networks.linkedin.connector import LinkedInNetwork
from emulators.clock import EmulatorClock, VirtualClock
from emulators.linkedin.server import LinkedInEmulator, LinkedInWorld
from emulators.microsoft.apiserver import ApiServer
from emulators.oauth_site import authority_for, connector_of, served, signed_in

CLIENT_ID = "78firesid3nat1v"  # a LinkedIn Client ID's shape: see app.networks.client_ids
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
        fields = {
            signin.CLIENT_ID: CLIENT_ID,
            signin.ORGANIZATION: self.world.organization,
            signin.ADDRESS: self.api.url,
        }
        return await signed_in(self.api, "linkedin", fields, "linkedin-1")


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
    authority = authority_for(clock, CLIENT_ID, signin.SCOPES, person="dana", ttl_s=5_184_000)
    world = LinkedInWorld(clock, authority, admins={"dana"})
    post = world.post("Our four-day week pilot, six months in.", age_s=86400)
    jordan = world.comment(JORDAN, post, "How do you keep the culture strong?", age_s=7200)
    priya = world.comment(PRIYA, post, "Do you measure engagement?", age_s=3600)
    follow_up = world.comment(PRIYA, post, "And retention?", parent=priya, age_s=1800)
    emulator = LinkedInEmulator(world)
    with served(emulator, clock, tmp_path / "linkedin-pki", oauth_browser) as api:
        yield LinkedInSite(world, emulator, api, clock, post, [jordan, priya, follow_up])
    assert emulator.versions_seen <= {"202601"}


@pytest.fixture
async def li_network(li_site: LinkedInSite) -> AsyncIterator[LinkedInNetwork]:
    network = connector_of(await li_site.sign_in(), li_site.api, li_site.clock, build_connector)
    assert isinstance(network, LinkedInNetwork)
    yield network
    await network.aclose()
