"""Fixtures for the Mastodon connector's tests (a plugin of tests/conftest.py).

``mastodon_world``: an emulated server (``server.MastodonServer``) with Dana (the
executive), Ada and Ben, over HTTPS with a private CA, on a virtual clock. Every request
and answer is checked against Mastodon's OpenAPI description; the fixture fails the test
on any violation. ``make_mastodon`` builds the connector signed in as Dana (a token the
server issued, kept by a ``TokenKeeper`` over an in-memory store).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import pytest
from contracts.checker import Contract
from test_connection_tls import Pki

from app.networks.mastodon import apps
from app.networks.mastodon.connector import MastodonNetwork
from app.networks.mastodon.kinds import provider
from app.networks.oauth import TokenKeeper, Tokens
from emulators.clock import VirtualClock
from emulators.mastodon.server import MastodonServer, Person
from emulators.microsoft.apiserver import ApiServer, make_pki
from emulators.oauth.authority import Client


@dataclass
class MastodonWorld:
    server: MastodonServer
    api: ApiServer
    clock: VirtualClock
    contract: Contract
    dana: Person
    ada: Person
    ben: Person
    client_id: str

    @property
    def url(self) -> str:
        return self.api.url

    def token_for(self, person: Person) -> str:
        scopes = frozenset(apps.SCOPES)
        return self.server.authority.issue(person.username, self.client_id, scopes).access_token


@pytest.fixture(scope="session")
def mastodon_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("mastodon-pki"))


@pytest.fixture
def mastodon_world(mastodon_pki: Pki) -> Iterator[MastodonWorld]:
    clock = VirtualClock()
    contract = Contract.load("mastodon")
    server = MastodonServer(clock, contract)
    dana = server.person("dana", "Dana Whitfield")
    ada = server.person("ada", "Ada Reyes")
    ben = server.person("ben", "Ben Okafor")
    client = server.authority.register(
        Client("fireside-tests", (apps.REDIRECT_URI,), frozenset(apps.SCOPES), "s3cret")
    )
    api = ApiServer(server, mastodon_pki, clock)
    server.domain = api.url.removeprefix("https://")
    yield MastodonWorld(server, api, clock, contract, dana, ada, ben, client.client_id)
    api.stop()
    assert contract.violations == [], "\n".join(contract.violations)


@pytest.fixture
async def make_mastodon(
    mastodon_world: MastodonWorld,
) -> AsyncIterator[Callable[..., MastodonNetwork]]:
    made: list[MastodonNetwork] = []
    kept: dict[str, str] = {}

    def make(person: Person | None = None, token: str | None = None) -> MastodonNetwork:
        world = mastodon_world
        person = person or world.dana
        client = world.api.client()
        keeper = TokenKeeper(
            client,
            provider(world.url, None, world.client_id),
            f"mastodon-{person.username}",
            Tokens(token or world.token_for(person)),
            save=kept.__setitem__,
            load=kept.get,
            clock=world.clock,
        )
        network = MastodonNetwork(
            client,
            world.url,
            keeper,
            user_id=person.id,
            max_chars=world.server.max_characters,
            clock=world.clock,
            sleep=world.clock.sleep,
        )
        made.append(network)
        return network

    yield make
    for network in made:
        await network.aclose()
