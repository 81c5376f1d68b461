"""Fixtures for the Slack connector's tests (a plugin of tests/conftest.py).

``slack_world``: an emulated workspace (``server.SlackWorkspace``) with Dana (the
executive), Ada and Ben in #town-hall and #leadership, and the admin's app for Fireside,
over HTTPS with a private CA, on ``slack_clock``: a virtual clock the connector shares,
or (a test module overriding it) real time shifted by the test, for a Core that keeps
real time. Every request and answer is checked
against Slack's OpenAPI description; the fixture fails the test on any violation.
``make_slack`` builds the connector signed in as Dana (tokens the workspace issued);
``slack_network`` does it for a caller that closes it (a Core).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import pytest
from contracts.checker import Contract
from test_connection_tls import Pki

from app.networks.oauth import TokenKeeper, Tokens
from app.networks.slack.channels import Channels
from app.networks.slack.connector import SlackNetwork
from app.networks.slack.kinds import API_URL, CLIENT_ID, OAUTH_URL, provider
from emulators.clock import EmulatorClock, VirtualClock
from emulators.microsoft.apiserver import ApiServer, make_pki
from emulators.slack.server import Channel, SlackWorkspace, User

CLIENT = "1234567890.987654321"


@dataclass
class SlackWorld:
    workspace: SlackWorkspace
    api: ApiServer
    clock: EmulatorClock
    contract: Contract
    dana: User
    ada: User
    ben: User
    town_hall: Channel
    leadership: Channel
    kept: dict[str, str]

    @property
    def fields(self) -> dict[str, str]:
        """The sign-in's fields, pointed at this workspace."""
        return {
            CLIENT_ID: CLIENT,
            API_URL: f"{self.api.url}/api",
            OAUTH_URL: self.api.url,
        }

    def tokens_for(self, user: User) -> Tokens:
        issued = self.workspace.authority.issue(
            user.name, CLIENT, frozenset(self.workspace.authority.clients[CLIENT].allowed_scopes)
        )
        return Tokens(
            issued.access_token,
            issued.refresh_token,
            self.clock() + (issued.expires_in or 0),
            extra={"user_id": user.id},
        )


@pytest.fixture(scope="session")
def slack_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("slack-pki"))


@pytest.fixture
def slack_clock() -> EmulatorClock:
    return VirtualClock()


@pytest.fixture
def slack_world(slack_pki: Pki, slack_clock: EmulatorClock) -> Iterator[SlackWorld]:
    clock = slack_clock
    contract = Contract.load("slack")
    workspace = SlackWorkspace(clock, contract)
    workspace.app(CLIENT)
    dana = workspace.user("dana", "Dana Whitfield")
    ada = workspace.user("ada", "Ada Reyes")
    ben = workspace.user("ben", "Ben Okafor")
    town_hall = workspace.channel("town-hall", [dana, ada, ben])
    leadership = workspace.channel("leadership", [dana, ada])
    api = ApiServer(workspace, slack_pki, clock)
    world = SlackWorld(workspace, api, clock, contract, dana, ada, ben, town_hall, leadership, {})
    yield world
    api.stop()
    assert contract.violations == [], "\n".join(contract.violations)


def slack_network(
    world: SlackWorld, user: User | None = None, tokens: Tokens | None = None
) -> SlackNetwork:
    """The connector signed in as ``user`` (Dana), reading #town-hall and #leadership and
    posting to #town-hall; the caller closes it."""
    user = user or world.dana
    client = world.api.client()
    keeper = TokenKeeper(
        client,
        provider(world.fields),
        f"slack-{user.name}",
        tokens or world.tokens_for(user),
        save=world.kept.__setitem__,
        load=world.kept.get,
        clock=world.clock,
    )
    return SlackNetwork(
        client,
        keeper,
        user_id=user.id,
        channels=Channels(
            (world.town_hall.id, world.leadership.id),
            world.town_hall.id,
            {world.town_hall.id: "#town-hall", world.leadership.id: "#leadership"},
        ),
        team_url="https://contoso.slack.com/",
        base_url=f"{world.api.url}/api",
        clock=world.clock,
        sleep=world.clock.sleep,
    )


@pytest.fixture
async def make_slack(slack_world: SlackWorld) -> AsyncIterator[Callable[..., SlackNetwork]]:
    made: list[SlackNetwork] = []

    def make(user: User | None = None, tokens: Tokens | None = None) -> SlackNetwork:
        network = slack_network(slack_world, user, tokens)
        made.append(network)
        return network

    yield make
    for network in made:
        await network.aclose()
