"""Fixtures for the Microsoft 365 connectors' tests (a plugin of tests/conftest.py).

``vclock`` is a VirtualClock the connector, the emulators and the TokenBook share;
``ms_pki`` the private CA (one per session); ``yammer_world`` and ``teams_world`` an
emulated Viva Engage network and Teams tenant with their people, served over HTTPS;
``make_yammer`` / ``make_teams`` build connectors signed in as the executive through
``BookTokens`` (the TokenBook stand-in for MSAL; see booktokens.py), closed after the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field

import pytest
from test_connection_tls import Pki

from app.networks.microsoft.tokens import Api
from app.networks.microsoft.yammer import YammerNetwork
from emulators.clock import VirtualClock
from emulators.microsoft.apiserver import ApiServer, make_pki
from emulators.microsoft.booktokens import BookTokens
from emulators.microsoft.tokens import TokenBook
from emulators.microsoft.yammer import SCOPE, Group, User, YammerEmulator


@pytest.fixture
def vclock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture(scope="session")
def ms_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("ms-pki"))


@dataclass
class YammerWorld:
    emulator: YammerEmulator
    server: ApiServer
    clock: VirtualClock
    dana: User  # the executive
    ada: User
    ben: User
    chen: User
    town_hall: Group
    leaders: Group
    tokens: list[BookTokens] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.server.url + "/api/v1"

    def message_requests(self) -> list[float]:
        return [s.at for s in self.server.requests() if s.path.startswith("/api/v1/messages")]


@pytest.fixture
def yammer_world(vclock: VirtualClock, ms_pki: Pki) -> Iterator[YammerWorld]:
    book = TokenBook(clock=vclock)
    emulator = YammerEmulator(book, vclock)
    dana = emulator.add_user("Dana Whitfield", "Chief Executive Officer", "Office of the CEO")
    ada = emulator.add_user("Ada Reyes", "Staff Engineer", "Platform")
    ben = emulator.add_user("Ben Okafor", "Sales Lead", "Sales EMEA")
    chen = emulator.add_user("Chen Wu", "", "")
    town_hall = emulator.add_group("Town hall", admins=(dana,))
    leaders = emulator.add_group("Leadership")
    server = ApiServer(emulator, ms_pki, vclock)
    yield YammerWorld(emulator, server, vclock, dana, ada, ben, chen, town_hall, leaders)
    server.stop()


@pytest.fixture
async def make_yammer(yammer_world: YammerWorld) -> AsyncIterator[Callable[..., YammerNetwork]]:
    made: list[YammerNetwork] = []

    def make(**options) -> YammerNetwork:
        world = yammer_world
        tokens = options.pop("tokens", None) or BookTokens(
            world.emulator.book, str(world.dana.id), {Api.YAMMER: frozenset({SCOPE})}
        )
        world.tokens.append(tokens)
        network = YammerNetwork(
            world.server.client(),
            tokens,
            base_url=world.base_url,
            community=options.pop("community", str(world.town_hall.id)),
            clock=world.clock,
            sleep=world.clock.sleep,
            **options,
        )
        made.append(network)
        return network

    yield make
    for network in made:
        await network.aclose()
