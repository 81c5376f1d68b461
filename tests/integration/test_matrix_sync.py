"""Matrix against a real Synapse: signing in, publishing, and pulling comments through the
real connector, ``SyncEngine`` and ``Store`` (issue 3).

Dana (the executive) signs in with her password as a new Fireside device; her colleagues
act through their own tokens (``tests/servers/synapse.py``). Every test has its own users
and rooms on the one session server.
"""

from __future__ import annotations

import httpx
import pytest
from servers.synapse import PASSWORD, Fireside, MatrixWorld

from app.domain import OutboxKind
from app.errors import AuthError, OfflineError, PermissionDenied, WrongService
from app.networks.matrix import KIND
from app.store import outbox

pytestmark = [pytest.mark.integration, pytest.mark.matrix]


def event_of(remote_id: str) -> str:
    return remote_id.rpartition("|")[2]


async def publish(fireside: Fireside, text: str) -> str:
    """Publish through the outbox as the app does; the new post's event id."""
    item = fireside.store.run_sync(
        lambda db: outbox.enqueue(db, OutboxKind.PUBLISH, "matrix-dana", text)
    )
    await fireside.sync()
    sent = next(i for i in fireside.outbox() if i["id"] == item)
    assert sent["state"] == "sent", sent["last_error"]
    return event_of(sent["remote_id"])


# -- signing in ------------------------------------------------------------------------------


async def test_sign_in_keeps_the_token_and_names_the_room(matrix_world: MatrixWorld) -> None:
    world = matrix_world
    async with httpx.AsyncClient(timeout=10) as client:
        alias = world.dana.request("GET", f"/_matrix/client/v3/rooms/{world.town_hall}/aliases")
        signed = await KIND.sign_in(
            client, world.server.url, world.dana.user_id, PASSWORD, {"room": alias["aliases"][0]}
        )
    assert signed.username == world.dana.user_id
    assert signed.display_name == "Dana Whitfield"
    assert signed.settings["room"] == world.town_hall
    assert signed.settings["user_id"] == world.dana.user_id and signed.settings["device_id"]
    assert PASSWORD not in repr(signed.settings) and signed.secret.startswith("syt_")
    devices = world.dana.request("GET", "/_matrix/client/v3/devices")["devices"]
    fireside = [d for d in devices if d["device_id"] == signed.settings["device_id"]]
    assert fireside[0]["display_name"] == "Fireside"


async def test_sign_in_failures_are_named(matrix_world: MatrixWorld, sandbox_server) -> None:
    world = matrix_world
    async with httpx.AsyncClient(timeout=10) as client:
        url, user = world.server.url, world.dana.user_id
        with pytest.raises(AuthError, match="user name or password"):
            await KIND.sign_in(client, url, user, "wrong", {"room": world.town_hall})
        with pytest.raises(WrongService, match="not a Matrix homeserver"):
            await KIND.sign_in(client, sandbox_server.url, user, PASSWORD, {"room": "!x"})
        with pytest.raises(OfflineError, match="Cannot reach"):
            await KIND.sign_in(client, "http://127.0.0.1:9", user, PASSWORD, {"room": "!x"})
        ada = world.commenters[0]
        with pytest.raises(PermissionDenied, match="invite"):
            await KIND.sign_in(client, url, ada.user_id, PASSWORD, {"room": world.leadership})
    # the refused sign-in left no device behind
    devices = ada.request("GET", "/_matrix/client/v3/devices")["devices"]
    assert [d["display_name"] for d in devices if d["display_name"] == "Fireside"] == []


# -- publishing and pulling ------------------------------------------------------------------


async def test_publish_then_comments_from_several_people_in_threads(
    matrix_world: MatrixWorld, fireside_for
) -> None:
    world = matrix_world
    fireside = await fireside_for(world)
    root = await publish(fireside, "## Q3 plan\n\nWe **ship** in September. Questions?")
    ada, ben, cleo = world.commenters
    asked = ada.comment(world.town_hall, root, "What about the budget?")
    ben.comment(world.town_hall, root, "Will hiring continue?")
    answer_to_ada = cleo.comment(world.town_hall, root, "I have the same question", asked)

    report = await fireside.sync()

    stored = fireside.comments()
    assert report.fetched == 3 and len(stored) == 3
    by_event = {event_of(k): row for k, row in stored.items()}
    assert by_event[asked]["parent_remote_id"] is None
    assert by_event[answer_to_ada]["parent_remote_id"].endswith("|" + asked)
    assert by_event[answer_to_ada]["root_remote_id"].endswith("|" + asked)
    names = fireside.store.run_sync(
        lambda db: {r[0] for r in db.execute("SELECT name FROM people")}
    )
    assert {"Ada Reyes", "Ben Okafor", "Cleo Lindqvist"} <= names
    post = world.dana.event(world.town_hall, root)
    assert post["content"]["format"] == "org.matrix.custom.html"
    assert "<strong>ship</strong>" in post["content"]["formatted_body"]
    posts = fireside.store.run_sync(lambda db: [dict(r) for r in db.query("SELECT * FROM posts")])
    assert [p["title"] for p in posts] == ["Q3 plan"]
