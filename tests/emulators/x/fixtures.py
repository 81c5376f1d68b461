"""Fixtures for the X connector's tests (a plugin of tests/conftest.py): ``x_site`` is an
emulated X over HTTPS with a private CA (the executive, two people, a post of yesterday
with replies), and signs the executive in through the real browser flow (authlib, PKCE,
loopback) with a test browser; ``x_network`` is the connector built as the app builds it.
Every test ends by requiring that no request or answer broke X's OpenAPI description."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from contracts.checker import Contract
from fixtures.oauth_browser import FollowingBrowser
from keyring_fixtures import MemoryKeyring

from app.domain import Account
from app.networks.x import build_connector, signin
from app.networks.x.connector import XNetwork
from emulators.clock import EmulatorClock, VirtualClock
from emulators.microsoft.apiserver import ApiServer
from emulators.oauth_site import authority_for, connector_of, served, signed_in
from emulators.x.server import XEmulator, XWorld

CLIENT_ID = "fireside-desktop"


@dataclass
class XSite:
    world: XWorld
    emulator: XEmulator
    api: ApiServer
    clock: EmulatorClock
    post: str  # the executive's post of yesterday
    replies: list[str]

    async def sign_in(self) -> Account:
        """The executive signs in as a person would; the account the app would store."""
        fields = {signin.CLIENT_ID: CLIENT_ID, signin.ADDRESS: self.api.url}
        return await signed_in(self.api, "x", fields, "x-1")


@pytest.fixture
def x_clock() -> EmulatorClock:
    """The site's clock: virtual here; real time (``ShiftedClock``) in a module that
    overrides it, for a connector in another process."""
    return VirtualClock()


@pytest.fixture
def x_site(
    tmp_path, x_clock: EmulatorClock, oauth_browser: FollowingBrowser, memory_keyring: MemoryKeyring
) -> Iterator[XSite]:
    clock = x_clock
    authority = authority_for(clock, CLIENT_ID, signin.SCOPES, person="danawhit", ttl_s=7200)
    world = XWorld(clock, authority)
    world.add_user("danawhit", "Dana Whitfield", "CEO at Contoso")
    world.add_user("samortiz_dev", "Sam Ortiz", "SRE")
    world.add_user("kenji_w", "Kenji Watanabe")
    post = world.post("danawhit", "We are moving to a four-day week for support.", age_s=86400)
    replies = [
        world.post("samortiz_dev", "How did you handle on-call on the fifth day?", post, 7200),
        world.post("kenji_w", "素晴らしい取り組みですね。", post, 3600),
    ]
    emulator = XEmulator(world, Contract.load("x"))
    with served(emulator, clock, tmp_path / "x-pki", oauth_browser) as api:
        yield XSite(world, emulator, api, clock, post, replies)
    assert emulator.contract.violations == [], "\n".join(emulator.contract.violations)


@pytest.fixture
async def x_network(x_site: XSite) -> AsyncIterator[XNetwork]:
    network = connector_of(await x_site.sign_in(), x_site.api, x_site.clock, build_connector)
    assert isinstance(network, XNetwork)
    yield network
    await network.aclose()
