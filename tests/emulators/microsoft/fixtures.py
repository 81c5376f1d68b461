"""Fixtures for the Microsoft 365 connectors' tests (a plugin of tests/conftest.py).

``vclock`` is a VirtualClock the connector, the emulators and the TokenBook share;
``ms_pki`` the private CA (one per session); ``yammer_world`` and ``teams_world`` an
emulated Viva Engage network and Teams tenant with their people, served over HTTPS;
``make_yammer`` / ``make_teams`` build connectors signed in as the executive through
``BookTokens`` (the TokenBook stand-in for MSAL; see booktokens.py), closed after the test.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pytest
from fixtures.engine_harness import EngineHarness
from test_connection_tls import Pki

from app.domain import Account, CommentPage, PullMode
from app.errors import NetworkError
from app.events import Events
from app.networks.base import Network
from app.networks.microsoft.bearer import Wiring
from app.networks.microsoft.teams import ChannelRef, TeamsNetwork
from app.networks.microsoft.tokens import Api
from app.networks.microsoft.yammer import YammerNetwork
from app.store import Store, accounts
from app.sync import Backoff, SyncEngine
from app.sync.engine import SyncReport
from emulators.clock import EmulatorClock, VirtualClock
from emulators.microsoft.apiserver import Action, ApiServer, make_pki
from emulators.microsoft.booktokens import BookTokens
from emulators.microsoft.graph import ALL_SCOPES, Channel, GraphEmulator, GraphUser, Team
from emulators.microsoft.tokens import TokenBook
from emulators.microsoft.yammer import SCOPE, Group, User, YammerEmulator


async def pull_round(
    network: Network, cursor: str | None = None, mode: PullMode = PullMode.ROUTINE
) -> tuple[list[CommentPage], str | None]:
    """Pages until the network says there are no more; the pages and the last cursor
    (``mode`` RESCAN: as when the person asks to sync)."""
    pages = []
    while True:
        page = await network.pull_comments(cursor, mode)
        pages.append(page)
        cursor = page.next_cursor or cursor
        if not page.has_more:
            return pages, cursor


#: A request to cut: its method, a prefix of its path, the name the error should give
#: it, and the call that sends it.
Cut = tuple[str, str, str, Callable[[], Awaitable[object]]]


async def each_cut_is_named(api: ApiServer, service: str, cuts: list[Cut]) -> None:
    """Cut the connection under each request in turn: the error must say ``service`` gave
    no answer to that very request (the person sees which one failed)."""
    for method, path, named, call in cuts:
        api.fault(Action.CUT, method, path, count=10)
        with pytest.raises(
            NetworkError, match=rf"{service} gave no (clear )?answer to {re.escape(named)}:"
        ):
            await call()
        api.faults.clear()


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
    clock: EmulatorClock
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


def build_yammer_world(
    clock: EmulatorClock, pki: Pki, book: TokenBook | None = None, dana_oid: str = ""
) -> YammerWorld:
    """The emulated Viva Engage network and its people, served (stop ``server`` after);
    ``book`` and ``dana_oid``: an emulated Entra authority's, to accept its tokens."""
    emulator = YammerEmulator(book or TokenBook(clock=clock), clock)
    dana = emulator.add_user(
        "Dana Whitfield", "Chief Executive Officer", "Office of the CEO", oid=dana_oid
    )
    ada = emulator.add_user("Ada Reyes", "Staff Engineer", "Platform")
    ben = emulator.add_user("Ben Okafor", "Sales Lead", "Sales EMEA")
    chen = emulator.add_user("Chen Wu", "", "")
    town_hall = emulator.add_group("Town hall", admins=(dana,))
    leaders = emulator.add_group("Leadership", members=(dana, ada))
    server = ApiServer(emulator, pki, clock)
    return YammerWorld(emulator, server, clock, dana, ada, ben, chen, town_hall, leaders)


@pytest.fixture
def yammer_world(vclock: VirtualClock, ms_pki: Pki) -> Iterator[YammerWorld]:
    world = build_yammer_world(vclock, ms_pki)
    yield world
    world.server.stop()


@pytest.fixture
async def make_yammer(yammer_world: YammerWorld) -> AsyncIterator[Callable[..., YammerNetwork]]:
    made: list[YammerNetwork] = []

    def make(**options) -> YammerNetwork:
        world = yammer_world
        tokens = options.pop("tokens", None) or BookTokens(
            world.emulator.book, str(world.dana.id), {Api.YAMMER: frozenset({SCOPE})}
        )
        world.tokens.append(tokens)
        community = options.pop("community", str(world.town_hall.id))
        wiring = Wiring(
            world.server.client(), tokens, world.base_url, world.clock, world.clock.sleep, **options
        )
        network = YammerNetwork(wiring, community=community)
        made.append(network)
        return network

    yield make
    for network in made:
        await network.aclose()


@dataclass
class TeamsWorld:
    emulator: GraphEmulator
    server: ApiServer
    clock: EmulatorClock
    dana: GraphUser  # the executive
    ada: GraphUser
    ben: GraphUser
    chen: GraphUser
    leadership: Team
    general: Channel
    town_hall: Channel
    sales: Team
    deals: Channel
    tokens: list[BookTokens] = field(default_factory=list)

    def ref(self, team: Team, channel: Channel) -> ChannelRef:
        return ChannelRef(team.id, channel.id, f"{team.name} / {channel.name}")

    def team_requests(self, team: Team) -> list[float]:
        return [s.at for s in self.server.requests() if s.path.startswith(f"/v1.0/teams/{team.id}")]


def build_teams_world(
    clock: EmulatorClock, pki: Pki, book: TokenBook | None = None, dana_oid: str = ""
) -> TeamsWorld:
    """The emulated Teams tenant: two teams, three channels, four people (stop after);
    ``book`` and ``dana_oid``: an emulated Entra authority's, to accept its tokens."""
    emulator = GraphEmulator(book or TokenBook(clock=clock), clock)
    dana = emulator.add_user("Dana Whitfield", dana_oid)
    ada, ben, chen = (emulator.add_user(n) for n in ("Ada Reyes", "Ben Okafor", "Chen Wu"))
    leadership = emulator.add_team("Contoso", [dana, ada, ben, chen])
    general = emulator.add_channel(leadership, "General")
    town_hall = emulator.add_channel(leadership, "Town hall")
    sales = emulator.add_team("Sales", [dana, ben])
    deals = emulator.add_channel(sales, "Deals")
    server = ApiServer(emulator, pki, clock)
    emulator.base = server.url
    return TeamsWorld(
        emulator, server, clock, dana, ada, ben, chen, leadership, general, town_hall, sales, deals
    )


@pytest.fixture
def teams_world(vclock: VirtualClock, ms_pki: Pki) -> Iterator[TeamsWorld]:
    world = build_teams_world(vclock, ms_pki)
    yield world
    world.server.stop()


@pytest.fixture
async def make_teams(teams_world: TeamsWorld) -> AsyncIterator[Callable[..., TeamsNetwork]]:
    made: list[TeamsNetwork] = []

    def make(**options) -> TeamsNetwork:
        world = teams_world
        tokens = options.pop("tokens", None) or BookTokens(
            world.emulator.book, world.dana.id, {Api.GRAPH: ALL_SCOPES}
        )
        world.tokens.append(tokens)
        channels = options.pop(
            "channels",
            (
                world.ref(world.leadership, world.town_hall),
                world.ref(world.sales, world.deals),
            ),
        )
        wiring = Wiring(
            world.server.client(),
            tokens,
            world.server.url,
            world.clock,
            world.clock.sleep,
            **options,
        )
        network = TeamsNetwork(wiring, channels)
        made.append(network)
        return network

    yield make
    for network in made:
        await network.aclose()


@dataclass
class M365Fireside(EngineHarness):
    """Fireside over one Microsoft 365 connector: a store and the sync engine."""

    ACCOUNT: ClassVar[str] = "m365"
    network: Network
    store: Store
    engine: SyncEngine
    path: Path

    async def sync(self) -> SyncReport:
        return await self.engine.sync(self.ACCOUNT)


#: Quick retries: a test waits for facts, never for a backoff.
FAST = Backoff(base=0.001, cap=0.004, max_attempts=6, max_wait=600.0)


@pytest.fixture
async def m365_fireside(tmp_path: Path) -> AsyncIterator[Callable[[Network, str], M365Fireside]]:
    """``make(network, kind)``: a store holding one account of ``kind`` and an engine
    syncing it through ``network`` (closed after the test, with the store)."""
    stores: list[Store] = []
    networks: list[Network] = []

    def make(network: Network, kind: str) -> M365Fireside:
        path = tmp_path / f"fireside-{len(stores)}.db"
        store = Store(path)
        stores.append(store)
        account = Account(M365Fireside.ACCOUNT, kind, "Microsoft 365", "")
        store.run_sync(accounts.add_account, account)
        engine = SyncEngine(store, Events(), {account.id: network}, backoff=FAST)
        networks.append(network)
        return M365Fireside(network, store, engine, path)

    yield make
    for network in networks:
        await network.aclose()
    for store in stores:
        store.close()
