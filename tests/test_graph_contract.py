"""The Graph emulator held to Microsoft's published description of Graph v1.0, so it
cannot drift into agreeing with the connector: every request the Teams connector makes,
and every answer the emulator gives, in a run that uses every endpoint the connector
knows, is checked by ``contracts.checker.GraphContract`` against
``tests/contracts/descriptions/graph-teams-v1.json``, which
``tests/contracts/extract_graph_contract.py`` extracts from microsoftgraph/msgraph-metadata
(the commit is named in the file).

- the path must be one the description has (``delta`` is the parameterless function
  ``delta()``, which Graph's documentation writes without the parentheses), and the
  method one the description allows there;
- a request body must be the entity the path takes (no property Graph does not have);
- a 2xx answer must be what the path returns: a collection (``value`` and paging links),
  an entity, or nothing (204); an error answer must be OData's error body (OData JSON
  Format 4.01, section 21, "Error Response": ``error`` with ``code`` and ``message``,
  as learn.microsoft.com/graph/errors shows it).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts.checker import GraphContract
from emulators.microsoft.apiserver import Request, Response
from emulators.microsoft.booktokens import BookTokens
from emulators.microsoft.directory import DIRECTORY_SCOPE
from emulators.microsoft.fixtures import TeamsWorld, pull_round
from emulators.microsoft.graph import ALL_SCOPES

from app.domain import OutboxKind, PlaceChoice, PublishOptions, RemoteKind, WriteIntent
from app.errors import PermissionDenied
from app.networks.microsoft.teams.directory import DirectoryRefused
from app.networks.microsoft.tokens import Api
from app.timeutil import iso

CONTRACT = GraphContract()


class Recorder:
    """The emulator, with every request and answer kept for checking."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seen: list[tuple[Request, Response]] = []

    def handle(self, request: Request) -> Response:
        response = self.inner.handle(request)
        self.seen.append((request, response))
        return response


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def problems(request: Request, response: Response) -> list[str]:
    """What in one exchange the description does not allow."""
    body = request.json() if request.body else None
    return CONTRACT.problems(request.method, request.path, body, response.status, response.body)


def route_of(path: str) -> dict[str, Any] | None:
    return CONTRACT.route_of(path)


def test_the_contract_names_its_source_and_every_path_the_connector_calls() -> None:
    source = CONTRACT.source
    assert source["repository"] == "microsoftgraph/msgraph-metadata"
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert route_of("/v1.0/teams/t/channels/19:a@thread.tacv2/messages/delta")["path"].endswith(
        "delta()"
    )
    assert route_of("/v1.0/teams/t/channels/c/messages/123")["path"].endswith("{chatMessage-id}")
    assert route_of("/v1.0/teams/t/channels/c/messages/1/replies/2/replies") is None


def test_a_drifted_answer_or_request_is_caught() -> None:
    """The check itself: a property Graph lacks, a wrong type, a wrong status all fail."""
    path = "/v1.0/teams/t/channels/c/messages"
    good = {"body": {"contentType": "html", "content": "<p>Hi</p>"}, "subject": "S"}
    assert (
        problems(
            Request("POST", path, {}, {}, json.dumps(good).encode()),
            Response(201, {"id": "1", "body": {"content": "x"}}),
        )
        == []
    )
    bad_request = {**good, "title": "S"}
    assert problems(
        Request("POST", path, {}, {}, json.dumps(bad_request).encode()), Response(201, {"id": "1"})
    )
    assert problems(Request("GET", path, {}, {}, b""), Response(200, {"value": [{"id": 1}]}))
    assert problems(Request("GET", path, {}, {}, b""), Response(200, {"value": [], "extra": 1}))
    assert problems(Request("DELETE", path + "/1", {}, {}, b""), Response(204))
    assert problems(Request("GET", path, {}, {}, b""), Response(429, {"error": {"code": "x"}}))
    user = "/v1.0/users/u1"
    ceo = {"@odata.type": "#microsoft.graph.user", "id": "u3", "jobTitle": "CEO"}
    chain = {"id": "u1", "manager": {"@odata.type": "#microsoft.graph.user", "id": "u2"}}
    chain["manager"]["manager"] = ceo
    assert problems(Request("GET", user, {}, {}, b""), Response(200, chain)) == []
    ceo["jobTitle"] = 7  # a manager's own properties are held to Graph's user
    assert problems(Request("GET", user, {}, {}, b""), Response(200, chain))


async def test_every_request_and_answer_of_a_full_run_fits_graphs_description(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    recorder = Recorder(w.emulator)
    w.server.emulator = recorder
    w.emulator.replies_page = 2
    post = w.emulator.post(w.dana, w.town_hall, "Ask me anything")
    ada = w.emulator.reply(w.ada, w.town_hall, post, "<p>Hiring?</p>")
    w.emulator.reply(w.ben, w.town_hall, post, "<p>Bonus?</p>")
    w.emulator.reply(w.chen, w.town_hall, post, "<p>Offsite?</p>")
    for n in range(55):
        w.emulator.post(w.dana, w.deals, f"Deal {n}")
    w.emulator.directory.set(w.dana.id, "Chief Executive Officer")
    w.emulator.directory.set(w.ben.id, "VP Sales", w.dana.id)
    w.emulator.directory.set(w.ada.id, "Staff Engineer", w.ben.id)
    tokens = BookTokens(w.emulator.book, w.dana.id, {Api.GRAPH: ALL_SCOPES | {DIRECTORY_SCOPE}})
    network = make_teams(channels=(), tokens=tokens)
    places = await network.list_places()
    network.choose(PlaceChoice(places, places[1].id))

    pages, _ = await pull_round(network)
    post_id = next(p.remote_id for page in pages for p in page.posts if p.body == "Ask me anything")
    comment_id = f"{post_id}|{ada.id}"
    assert (await network.get_comment(comment_id)).author.name == "Ada Reyes"
    mine = await network.reply(post_id, comment_id, "Yes, **two** roles.", "markdown", "k1")
    new = await network.publish(
        "Offsite", "Agenda *out*", "markdown", "k2", PublishOptions(place=places[1].id)
    )
    await network.list_replies(comment_id)
    await network.edit(RemoteKind.COMMENT, mine.remote_id, "Yes, three roles.", "k3")
    await network.edit(RemoteKind.POST, new.remote_id, "Agenda, final", "k4")
    since = iso(datetime.now(UTC) - timedelta(hours=1))
    await network.lookup_write(
        "k5", WriteIntent(OutboxKind.PUBLISH, None, None, "", "Gone?", "markdown", since)
    )
    await network.lookup_write(
        "k6", WriteIntent(OutboxKind.REPLY, post_id, comment_id, "", "Not sent", "markdown", since)
    )
    await network.delete(RemoteKind.COMMENT, mine.remote_id, "k7")
    await network.delete(RemoteKind.POST, new.remote_id, "k8")
    chart = await network.org_chart(w.ada.id)
    assert [m.name for m in chart.managers] == ["Ben Okafor", "Dana Whitfield"]
    token = await tokens.access_token(Api.GRAPH)
    manager = Request("GET", f"/v1.0/users/{w.ada.id}/manager", {}, _bearer(token), b"")
    assert recorder.handle(manager).body["displayName"] == "Ben Okafor"
    with pytest.raises(DirectoryRefused, match=r"User\.Read\.All"):
        await make_teams(channels=()).org_chart(w.ada.id)
    w.emulator.leave(w.dana, w.sales, w.deals)
    with pytest.raises(PermissionDenied, match="not a member of this channel"):
        await network.get_comment(f"{w.sales.id}|{w.deals.id}|1|2")

    found = [p for request, response in recorder.seen for p in problems(request, response)]
    assert found == []
    used = {route_of(r.path)["path"] for r, _ in recorder.seen if route_of(r.path)}
    assert used == {entry["path"] for entry in CONTRACT.description["paths"]}
    assert any(resp.status >= 400 for _, resp in recorder.seen), "an error answer was checked too"
