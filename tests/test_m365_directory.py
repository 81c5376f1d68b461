"""VIP tiers from Microsoft Graph's manager chain (``app.core.directory``), against the
Graph emulator (whose directory follows learn.microsoft.com/graph/api/user-list-manager
and is held to Graph's published description by test_graph_contract.py): after a sync
the authors' titles and managers are read, kept, and give tiers; they are read again
only when due; a missing permission is said in plain words, asked again only a day
later, and loses nothing read before."""

from __future__ import annotations

import pytest
from emulators.microsoft.booktokens import BookTokens
from emulators.microsoft.directory import DIRECTORY_SCOPE
from emulators.microsoft.fixtures import M365Fireside, TeamsWorld
from emulators.microsoft.graph import ALL_SCOPES, GraphUser

from app import events as ev
from app.core.directory import Directory
from app.domain import Manager, OrgChart, VipSource, VipTier
from app.errors import BadResponse
from app.networks.base import Network
from app.networks.microsoft.teams.directory import MOST_MANAGERS, parse_chart
from app.networks.microsoft.tokens import Api
from app.store import org_charts, vips

ACCOUNT = M365Fireside.ACCOUNT


def tiers(fireside: M365Fireside) -> dict[str, tuple[VipTier, str | None]]:
    return fireside.store.run_sync(
        lambda db: {
            name: (VipTier(tier), source)
            for name, tier, source in db.execute(
                "SELECT name, vip_tier, vip_source FROM people WHERE account_id = ?", [ACCOUNT]
            )
        }
    )


def directory_requests(w: TeamsWorld) -> list[str]:
    return [s.path for s in w.server.requests() if s.path.startswith("/v1.0/users")]


def organisation(w: TeamsWorld) -> GraphUser:
    """Grace is the CEO; Dana (the executive, COO) and Ben report to her, and so does Eve,
    her assistant; Ada reports to Dana, Chen to Ada. Everyone but Grace comments."""
    grace = w.emulator.add_user("Grace Park")
    eve = w.emulator.add_user("Eve Lund")
    w.leadership.members |= {grace.id, eve.id}
    directory = w.emulator.directory
    directory.set(grace.id, "Chief Executive Officer")
    directory.set(w.dana.id, "Chief Operating Officer", grace.id)
    directory.set(w.ben.id, "Partnerships", grace.id)
    directory.set(eve.id, "Executive Assistant", grace.id)
    directory.set(w.ada.id, "Staff Engineer", w.dana.id)
    directory.set(w.chen.id, "Analyst", w.ada.id)
    post = w.emulator.post(w.dana, w.town_hall, "Ask me anything")
    for person in (w.ada, w.ben, w.chen, eve):
        w.emulator.reply(person, w.town_hall, post, f"<p>{person.name} asks: when?</p>")
    return grace


def granted(w: TeamsWorld) -> BookTokens:
    return BookTokens(w.emulator.book, w.dana.id, {Api.GRAPH: ALL_SCOPES | {DIRECTORY_SCOPE}})


async def synced(w: TeamsWorld, make_teams, m365_fireside) -> tuple[M365Fireside, Network]:
    """The organisation, synced by a network granted the directory (not read yet)."""
    organisation(w)
    network = make_teams(tokens=granted(w))
    fireside = m365_fireside(network, "teams")
    assert (await fireside.sync()).error is None
    return fireside, network


async def test_the_manager_chain_gives_tiers_after_a_sync(
    teams_world: TeamsWorld, make_teams, m365_fireside
) -> None:
    w = teams_world
    grace = organisation(w)
    network = make_teams(tokens=granted(w))
    fireside = m365_fireside(network, "teams")
    events = ev.Events()
    heard: list[ev.Event] = []
    events.subscribe(heard.append)
    directory = Directory(fireside.store, events, {ACCOUNT: network})
    assert (await fireside.sync()).error is None
    assert tiers(fireside)["Ben Okafor"] == (VipTier.NONE, None)

    events.emit(ev.SyncFinished(ACCOUNT, None))  # what the engine says after a sync
    assert await directory.refresh_soon(ACCOUNT) == 4  # the round the event started

    found = tiers(fireside)
    assert found["Ben Okafor"] == (VipTier.TOP, VipSource.DIRECTORY)  # reports to the CEO
    assert found["Ada Reyes"][0] is VipTier.SENIOR  # reports to the executive
    assert found["Chen Wu"][0] is VipTier.KEY  # in the executive's organisation
    assert found["Eve Lund"] == (VipTier.NONE, None)  # an assistant, not a leader
    assert any(isinstance(e, ev.InboxChanged) for e in heard)
    chen = fireside.store.run_sync(org_charts.chart_of, ACCOUNT, w.chen.id)
    assert chen == OrgChart(
        w.chen.id,
        "Analyst",
        (
            Manager(w.ada.id, "Ada Reyes", "Staff Engineer"),
            Manager(w.dana.id, "Dana Whitfield", "Chief Operating Officer"),
            Manager(grace.id, "Grace Park", "Chief Executive Officer"),
        ),
    )
    asked = len(directory_requests(w))
    assert asked == 4  # one request a person, the chain in it

    assert await directory.refresh(ACCOUNT) == 0  # nobody is due again for a week
    assert len(directory_requests(w)) == asked
    await directory.close()


async def test_a_tier_set_by_hand_wins_over_the_chain(
    teams_world: TeamsWorld, make_teams, m365_fireside
) -> None:
    w = teams_world
    fireside, network = await synced(w, make_teams, m365_fireside)
    ben = fireside.comments()  # Ben's comment, to set his tier as the window does
    ben_comment = next(c["id"] for c in ben.values() if "Ben Okafor" in c["body_text"])
    fireside.store.run_sync(vips.set_author_tier, ben_comment, VipTier.KEY)

    await Directory(fireside.store, ev.Events(), {ACCOUNT: network}).refresh(ACCOUNT)

    assert tiers(fireside)["Ben Okafor"] == (VipTier.KEY, VipSource.HAND)
    assert tiers(fireside)["Ada Reyes"][0] is VipTier.SENIOR


async def test_a_missing_permission_is_said_plainly_and_loses_nothing(
    teams_world: TeamsWorld, make_teams, m365_fireside
) -> None:
    w = teams_world
    fireside, network = await synced(w, make_teams, m365_fireside)
    await Directory(fireside.store, ev.Events(), {ACCOUNT: network}).refresh(ACCOUNT)
    before = tiers(fireside)
    fireside.store.run_sync(  # a week later: everyone is due again
        lambda db: db.execute("UPDATE org_charts SET read_at = '2020-01-01T00:00:00Z'")
    )
    refused = make_teams()  # an administrator withdrew User.Read.All
    events = ev.Events()
    heard: list[ev.Event] = []
    events.subscribe(heard.append)
    directory = Directory(fireside.store, events, {ACCOUNT: refused})

    assert await directory.refresh(ACCOUNT) == 0

    problems = [e for e in heard if isinstance(e, ev.DirectoryProblem)]
    assert len(problems) == 1 and problems[0].account_id == ACCOUNT
    assert "User.Read.All" in problems[0].reason and "administrator" in problems[0].reason
    assert await directory.problem(ACCOUNT) == problems[0].reason
    assert tiers(fireside) == before  # tiers read before stay
    assert fireside.store.run_sync(org_charts.chart_of, ACCOUNT, w.chen.id) is not None
    asked = len(directory_requests(w))
    assert await directory.refresh(ACCOUNT) == 0  # not asked again within the day
    assert len(directory_requests(w)) == asked
    await directory.close()


def test_graphs_answer_is_read_into_a_chart() -> None:
    answer = {
        "id": "u1",
        "jobTitle": "  Staff   Engineer ",
        "manager": {
            "@odata.type": "#microsoft.graph.user",
            "id": "u2",
            "displayName": "Ben",
            "jobTitle": None,
            "manager": {
                "@odata.type": "#microsoft.graph.orgContact",
                "id": "c3",
                "displayName": "Kai",
            },
        },
    }
    assert parse_chart(answer, "u1", "Teams") == OrgChart(
        "u1", "Staff Engineer", (Manager("u2", "Ben", ""), Manager("c3", "Kai", ""))
    )
    assert parse_chart({"id": "u1"}, "u1", "Teams").managers == ()
    with pytest.raises(BadResponse, match="malformed directory entry"):
        parse_chart({"id": "someone else"}, "u1", "Teams")


def test_a_looping_or_endless_chain_stops() -> None:
    looped = {"id": "u1", "manager": {"id": "u2", "manager": {"id": "u1", "manager": {}}}}
    assert [m.remote_id for m in parse_chart(looped, "u1", "Teams").managers] == ["u2"]
    deep: dict = {"id": "u0"}
    at = deep
    for n in range(1, 200):
        at["manager"] = {"id": f"u{n}"}
        at = at["manager"]
    assert len(parse_chart(deep, "u0", "Teams").managers) == MOST_MANAGERS


async def test_a_round_cut_short_keeps_what_it_read_and_reads_the_rest_next_time(
    teams_world: TeamsWorld, make_teams, m365_fireside
) -> None:
    w = teams_world
    fireside, network = await synced(w, make_teams, m365_fireside)
    w.emulator.inject(503, "GET", "/v1.0/users/", count=1, skip=2)  # busy after two
    directory = Directory(fireside.store, ev.Events(), {ACCOUNT: network})

    assert await directory.refresh(ACCOUNT) == 2
    assert await directory.problem(ACCOUNT) is None  # busy is no refusal

    assert await directory.refresh(ACCOUNT) == 2  # the other two, never read, first
    read = fireside.store.run_sync(
        lambda db: db.execute("SELECT count(*) FROM org_charts").fetchone()[0]
    )
    assert read == 4
    assert tiers(fireside)["Ben Okafor"][0] is VipTier.TOP
