"""Matrix against a real Synapse: signing in, publishing, and pulling comments through the
real connector, ``SyncEngine`` and ``Store`` (issue 3).

Dana (the executive) signs in with her password as a new Fireside device; her colleagues
act through their own tokens (``tests/servers/synapse.py``). Every test has its own users
and rooms on the one session server.
"""

from __future__ import annotations

import httpx
import pytest
from servers.synapse import PASSWORD, MatrixWorld, event_of

from app.domain import PullMode
from app.errors import AuthError, OfflineError, PermissionDenied, WrongService
from app.networks.matrix import KIND

pytestmark = [pytest.mark.integration, pytest.mark.matrix]


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
    root = await fireside.publish("## Q3 plan\n\nWe **ship** in September. Questions?")
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


async def test_replies_thread_both_ways(matrix_world: MatrixWorld, fireside_for) -> None:
    """My reply names the comment (m.thread + m.in_reply_to); a reply to mine comes back
    with my reply as its parent, and the comment I answered counts as answered."""
    world = matrix_world
    fireside = await fireside_for(world)
    root = await fireside.publish("Town hall on Friday")
    ada = world.commenters[0]
    question = ada.comment(world.town_hall, root, "Can we get the slides?")
    await fireside.sync()

    fireside.queue_reply(question, "Yes: I'll share them **after** the call.")
    await fireside.sync()

    [mine] = [e for e in ada.thread(world.town_hall, root) if e["sender"] == world.dana.user_id]
    relates = mine["content"]["m.relates_to"]
    assert relates["rel_type"] == "m.thread" and relates["event_id"] == root
    assert relates["m.in_reply_to"] == {"event_id": question}
    assert relates["is_falling_back"] is False
    assert mine["content"]["m.mentions"] == {"user_ids": [ada.user_id]}
    assert "<strong>after</strong>" in mine["content"]["formatted_body"]

    follow_up = ada.comment(world.town_hall, root, "Thanks! And the recording?", mine["event_id"])
    await fireside.sync()

    by_event = {event_of(k): row for k, row in fireside.comments().items()}
    assert by_event[mine["event_id"]]["is_mine"] == 1
    assert by_event[mine["event_id"]]["parent_remote_id"].endswith("|" + question)
    assert by_event[question]["answered"] == 1
    assert by_event[follow_up]["parent_remote_id"].endswith("|" + mine["event_id"])
    assert by_event[follow_up]["root_remote_id"].endswith("|" + question)

    replies = await fireside.network.list_replies(by_event[question]["remote_id"])
    assert [event_of(r.remote_id) for r in replies] == [mine["event_id"]]
    assert replies[0].is_mine


async def test_incremental_sync_transfers_only_what_is_new(
    matrix_world: MatrixWorld, fireside_for
) -> None:
    world = matrix_world
    fireside = await fireside_for(world)
    root = await fireside.publish("Hiring update")
    for person in world.commenters:
        person.comment(world.town_hall, root, f"Question from {person.name}?")
    world.sam.post(world.town_hall, "Unrelated chatter in the room")
    assert (await fireside.sync()).fetched == 3

    assert (await fireside.sync()).fetched == 0

    world.commenters[1].comment(world.town_hall, root, "One more thing?")
    world.sam.comment(world.town_hall, root, "Adding context for everyone")
    assert (await fireside.sync()).fetched == 2
    assert len(fireside.comments()) == 5

    # Dana posts from her phone (another device): the next sync lists it with its comment
    elsewhere = world.dana.post(world.leadership, "Leadership sync moved to 3pm")
    world.sam.comment(world.leadership, elsewhere, "Works for me")
    assert (await fireside.sync()).fetched == 1
    titles = fireside.store.run_sync(
        lambda db: [r[0] for r in db.execute("SELECT title FROM posts")]
    )
    assert sorted(titles) == ["Hiring update", "Leadership sync moved to 3pm"]


async def test_edits_and_redactions_show_in_the_inbox(
    matrix_world: MatrixWorld, fireside_for
) -> None:
    """Seen this session or not: an edit changes text, time and version; a redaction
    deletes (a fresh connector knows nothing of the comment and re-reads the thread)."""
    world = matrix_world
    fireside = await fireside_for(world)
    root = await fireside.publish("Office move")
    ada, ben, cleo = world.commenters
    edited = ada.comment(world.town_hall, root, "When do we move?")
    gone_now = ben.comment(world.town_hall, root, "Oops, wrong thread")
    gone_later = cleo.comment(world.town_hall, root, "Is parking included?")
    kept = cleo.comment(world.town_hall, root, "Thanks for the notice")
    await fireside.sync()
    before = {event_of(k): row for k, row in fireside.comments().items()}

    ada.edit(world.town_hall, edited, "When exactly do we move, and where to?")
    ben.redact(world.town_hall, gone_now)
    fixed = ben.comment(world.town_hall, root, "Is there a shuttel?")
    ben.edit(world.town_hall, fixed, "Is there a shuttle?")  # in the same sync as the comment
    await fireside.sync()

    after = {event_of(k): row for k, row in fireside.comments().items()}
    assert "where to?" in after[edited]["body_text"]
    assert after[edited]["edited_at"] is not None
    assert after[edited]["version"] > before[edited]["version"]
    assert after[gone_now]["deleted"] == 1
    assert "shuttle" in after[fixed]["body_text"] and after[fixed]["edited_at"] is not None

    cleo.redact(world.town_hall, gone_later)
    restarted = await fireside_for(world, restart=fireside)  # nothing remembered
    await restarted.sync()

    final = {event_of(k): row for k, row in restarted.comments().items()}
    assert final[gone_later]["deleted"] == 1
    assert final[kept]["deleted"] == 0 and final[edited]["deleted"] == 0
    assert "where to?" in final[edited]["body_text"]


async def test_a_limited_timeline_is_back_filled(matrix_world: MatrixWorld, fireside_for) -> None:
    """More new events than the sync's timeline limit: the rest come from /messages, page
    by page (has_more), and the next sync fetches nothing again."""
    world = matrix_world
    fireside = await fireside_for(world, timeline_limit=3, page_size=4)
    root = await fireside.publish("Ask me anything")
    await fireside.sync()
    ada, ben, _ = world.commenters
    expected = set()
    for n in range(10):
        person = ada if n % 2 else ben
        expected.add(person.comment(world.town_hall, root, f"Question {n}?"))
        if n % 2:
            world.sam.post(world.town_hall, f"Side remark {n}")  # noise between comments
    pulls: list[str | None] = []
    original = fireside.network.pull_comments

    async def counting(cursor: str | None, mode: PullMode = PullMode.ROUTINE):
        pulls.append(cursor)
        return await original(cursor, mode)

    fireside.network.pull_comments = counting  # type: ignore[method-assign]

    report = await fireside.sync()

    assert report.fetched == 10
    assert {event_of(k) for k in fireside.comments()} == expected
    assert len(pulls) > 3  # one sync, then back-fill pages
    assert (await fireside.sync()).fetched == 0
