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

from app import secrets
from app.domain import Account
from app.networks import registry
from app.networks.registry import SignInMethod, SuiteRequest
from app.networks.x import build_connector, signin
from app.networks.x.connector import XNetwork
from emulators.clock import EmulatorClock, VirtualClock
from emulators.microsoft.apiserver import ApiServer, make_pki
from emulators.oauth.authority import Authority, Client
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
        async with self.api.client() as client:
            request = SuiteRequest(
                client,
                ("x",),
                SignInMethod.BROWSER,
                {signin.CLIENT_ID: CLIENT_ID, signin.ADDRESS: self.api.url},
                lambda _code: None,
            )
            signed = await registry.suite("x").sign_in(request)
        secrets.set_secret(signed.secret_entry, signed.secret)
        made = signed.accounts[0]
        return Account(
            "x-1",
            made.network,
            made.display_name,
            made.base_url,
            made.username,
            settings=dict(made.settings),
        )


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
    authority = Authority(clock, access_ttl_s=7200, person="danawhit")
    authority.register(Client(CLIENT_ID, ("http://127.0.0.1/callback",), frozenset(signin.SCOPES)))
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
    pki = make_pki(tmp_path / "x-pki")
    api = ApiServer(emulator, pki, clock)
    oauth_browser.ca_file = pki.ca_file
    yield XSite(world, emulator, api, clock, post, replies)
    api.stop()
    assert emulator.contract.violations == [], "\n".join(emulator.contract.violations)


@pytest.fixture
async def x_network(x_site: XSite) -> AsyncIterator[XNetwork]:
    account = await x_site.sign_in()
    secret = secrets.get_secret(registry.secret_entry(account)) or ""
    # As the app's registry builds it, on the emulator's clock instead of time.time.
    network = build_connector(account, secret, x_site.api.client(), x_site.clock)
    assert isinstance(network, XNetwork)
    yield network
    await network.aclose()
