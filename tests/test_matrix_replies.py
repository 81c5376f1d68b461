"""Matrix replies against a fake homeserver: malformed events skipped the same way by the
pull, the pre-send check and the look-up (issue 10, item 1), and replies outside threads
(Element's plain "Reply") as comments, answered the same way (item 4).

The real server's side of each is in tests/integration/test_synapse_replies.py.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fixtures.matrix_homeserver import ME, OTHER_ROOM, ROOM, FakeHomeserver

from app.domain import Account, OutboxKind, RemoteComment
from app.errors import NotFound
from app.events import Events
from app.networks.http import Malformed
from app.networks.matrix import MatrixNetwork, events, reading
from app.networks.matrix.reading import Kind
from app.store import Store, accounts, outbox
from app.sync import Backoff, SyncEngine

ADA, BEN = "@ada:hs", "@ben:hs"


@dataclass
class Pulled:
    """One engine pull, every page: comments by event id, errors, complete posts."""

    comments: dict[str, RemoteComment] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    complete: list[str] = field(default_factory=list)
    cursor: str | None = None


async def pull_all(network: MatrixNetwork, start: str | None = None) -> Pulled:
    await network.list_my_posts()
    pulled = Pulled(cursor=start)
    for _ in range(100):
        page = await network.pull_comments(pulled.cursor)
        pulled.comments.update({events.split_id(c.remote_id)[1]: c for c in page.comments})
        pulled.errors += page.errors
        pulled.complete += page.complete_for_posts
        pulled.cursor = page.next_cursor or pulled.cursor
        if not page.has_more:
            return pulled
    raise AssertionError("the pull never ended")


def rid(event_id: str, room: str = ROOM) -> str:
    return events.join_id(room, event_id)


# -- the hostile shapes ----------------------------------------------------------------------

NESTED: Any = "deep"
for _ in range(100):  # as deep as Synapse accepts (it refuses deeper event JSON)
    NESTED = {"a": [NESTED]}

HUGE_ID = "$" + "x" * 9000

#: A thread reply's content, changed the way a hostile or buggy client may change it:
#: name -> (change of the content, change of the event). Each is Malformed.
Shape = Callable[[dict, str, str], None]


def _rel(change: Callable[[dict], None]) -> Shape:
    return lambda content, root, question: change(content["m.relates_to"])


HOSTILE: dict[str, Shape] = {
    "in_reply_to event_id is a number": _rel(
        lambda r: r.update({"m.in_reply_to": {"event_id": 5}})
    ),
    "in_reply_to event_id is a list": _rel(lambda r: r["m.in_reply_to"].update(event_id=["$x"])),
    "in_reply_to event_id is nested": _rel(lambda r: r["m.in_reply_to"].update(event_id=NESTED)),
    "in_reply_to event_id is huge": _rel(
        lambda r: r["m.in_reply_to"].update(event_id="$" + "x" * 9000)
    ),
    "in_reply_to event_id has a pipe": _rel(lambda r: r["m.in_reply_to"].update(event_id="$a|b")),
    "in_reply_to event_id is no id": _rel(lambda r: r["m.in_reply_to"].update(event_id="nope")),
    "in_reply_to is a string": _rel(lambda r: r.update({"m.in_reply_to": "$q"})),
    "in_reply_to is a list": _rel(lambda r: r.update({"m.in_reply_to": [{"event_id": "$q"}]})),
    "is_falling_back is a string": _rel(lambda r: r.update(is_falling_back="yes")),
    "rel_type is a number": _rel(lambda r: r.update(rel_type=1)),
    "relates_to is a string": lambda c, root, q: c.update({"m.relates_to": "m.thread"}),
    "relates_to is a list": lambda c, root, q: c.update({"m.relates_to": [root]}),
    "relates_to is null": lambda c, root, q: c.update({"m.relates_to": None}),
    "body is a number": lambda c, root, q: c.update(body=5),
    "body is an object": lambda c, root, q: c.update(body={"text": "hi"}),
    "msgtype is a list": lambda c, root, q: c.update(msgtype=["m.text"]),
}

#: The same for the event around the content (only a broken server sends these).
HOSTILE_EVENTS: dict[str, Callable[[dict], None]] = {
    "content is a list": lambda e: e.update(content=["x"]),
    "content is a string": lambda e: e.update(content="x"),
    "sender is missing": lambda e: e.pop("sender"),
    "sender is a number": lambda e: e.update(sender=7),
    "timestamp is a string": lambda e: e.update(origin_server_ts="yesterday"),
    "timestamp is out of range": lambda e: e.update(origin_server_ts=10**30),
    "unsigned is a list": lambda e: e.update(unsigned=[]),
}


def hostile(hs: FakeHomeserver, root: str, question: str, name: str, rich: bool = False) -> str:
    """Ben's answer to Ada's question, in the thread or as a rich reply, broken as
    HOSTILE or HOSTILE_EVENTS says."""
    if rich:
        bad = hs.rich(question, "I am broken too", sender=BEN)
    else:
        bad = hs.comment(root, "I am broken", sender=BEN, reply_to=question)
    _, event = hs.find(bad)
    if name in HOSTILE:
        HOSTILE[name](event["content"], root, question)
    else:
        HOSTILE_EVENTS[name](event)
    return bad


ALL_SHAPES = [*HOSTILE, *HOSTILE_EVENTS]


@pytest.mark.parametrize("name", ALL_SHAPES)
def test_each_hostile_shape_is_malformed_for_the_one_reading(name: str) -> None:
    hs = FakeHomeserver()
    root = hs.post("Plan")
    question = hs.comment(root, "Why?")
    bad = hostile(hs, root, question, name)
    raw = hs.serialize(hs.find(bad)[1])
    with pytest.raises(Malformed) as caught:
        reading.read(raw)
    sentence = reading.skipped(ROOM, raw, caught.value)
    assert "is malformed and was skipped" in sentence and len(sentence) < 600
    real_id = "$" + "Cw-CIa7oJybyIvf5Uykgq4qvl-cyKoYqP9CjGgPFYJs"  # as Synapse makes them
    assert real_id in reading.skipped(ROOM, {**raw, "event_id": real_id}, caught.value)


def test_what_fireside_does_not_read_is_no_error() -> None:
    """An unknown rel_type, a relation naming nothing, deep but valid content: not
    malformed, and not comments either (or, for the deep one, an ordinary comment)."""
    hs = FakeHomeserver()
    root = hs.post("Plan")
    weird = hs.add(
        ROOM, BEN, {"body": "?", "m.relates_to": {"rel_type": "org.x", "event_id": root}}
    )
    empty = hs.add(ROOM, BEN, {"body": "?", "m.relates_to": {}})
    deep = hs.comment(root, "deep")
    hs.find(deep)[1]["content"]["x"] = NESTED
    kinds = [reading.read(hs.serialize(hs.find(e)[1])).kind for e in (weird, empty, deep)]
    assert kinds == [Kind.OTHER, Kind.OTHER, Kind.THREAD_REPLY]


@pytest.mark.parametrize("name", ALL_SHAPES)
async def test_a_malformed_reply_is_skipped_alike_by_pull_check_and_look_up(
    hs: FakeHomeserver, make_network, caplog, name: str
) -> None:
    """The pull reports it once and goes on; the pre-send check (get_comment and
    list_replies) and the look-up skip it too, so the executive's reply can go out."""
    root = hs.post("Plan")
    question = hs.comment(root, "Why?")
    bad = hostile(hs, root, question, name)
    # outside a thread is_falling_back means nothing: that one is not broken there
    rich_bad = hostile(hs, root, question, name, rich=name != "is_falling_back is a string")
    after = hs.comment(root, "Still here", sender=BEN)
    net = make_network()

    pulled = await pull_all(net)

    assert set(pulled.comments) == {question, after}
    [error, rich_error] = pulled.errors
    assert bad in error and rich_bad in rich_error, pulled.errors
    assert (await net.get_comment(rid(question))).body_html == "<p>Why?</p>"
    with caplog.at_level(logging.WARNING, logger="app.networks.matrix"):
        assert await net.list_replies(rid(question)) == []
        assert await net.list_replies(rid(question)) == []
    logged = [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]
    assert len(logged) == 2, logged  # each skip logged once, not at every check
    reply = await net.reply(rid(root), rid(question), "Because.", "markdown", "key-1")
    assert [r.remote_id for r in await net.list_replies(rid(question))] == [reply.remote_id]
    assert await net.lookup_write("key-1") == reply.remote_id


async def test_the_look_up_skips_malformed_events_of_mine_and_finds_the_write(hs, net) -> None:
    """My own events can be malformed too (another client of mine, a server bug): the
    look-up reads past them; one carrying the key itself still landed (named by its id,
    never taken for unsent, which would send it again)."""
    root = hs.post("Plan")
    reply = await net.reply(rid(root), rid(root), "First", "markdown", "k-reply")
    broken = hs.add(ROOM, ME, {"body": "odd", "m.relates_to": "garbage"})
    hs.find(broken)[1]["unsigned"]["transaction_id"] = "k-broken"
    hs.add(ROOM, ME, {"body": 5})  # newer, malformed, no key

    assert await net.lookup_write("k-reply") == reply.remote_id
    assert await net.lookup_write("k-broken") == rid(broken)
    assert await net.lookup_write("k-never") is None


async def test_a_malformed_edit_keeps_the_text_everywhere(hs: FakeHomeserver, make_network):
    """Ada edits her comment with a broken m.new_content: the pull skips the edit and the
    pre-send check reads the same text and version, so the reply is not held as edited."""
    root = hs.post("Plan")
    question = hs.comment(root, "Why?")
    net = make_network()
    before = await pull_all(net)
    broken = hs.edit(question, "Why, really?")
    hs.find(broken)[1]["content"]["m.new_content"] = {"body": ["not", "text"]}

    after = await pull_all(net, before.cursor)
    checked = await make_network().get_comment(rid(question))

    [error] = after.errors
    assert broken in error and after.comments == {}
    assert checked.body_html == "<p>Why?</p>"
    assert checked.version == before.comments[question].version


async def test_a_hostile_member_does_not_hold_up_the_executive(
    hs: FakeHomeserver, make_network, tmp_path: Path, caplog
) -> None:
    """Through the real engine and store (what ``fireside sync`` runs): the sync that
    meets the hostile reply reports it and stores the rest; the reply to the question
    then goes out exactly once, and the next sync is clean."""
    root = hs.post("Plan")
    question = hs.comment(root, "Why?")
    bad = hostile(hs, root, question, "in_reply_to event_id is a number")
    net = make_network()
    store = Store(tmp_path / "fireside.db")
    account = Account("matrix-dana", "matrix", "Town hall", "https://hs.test", ME, settings={})
    store.run_sync(accounts.add_account, account)
    fast = Backoff(base=0.01, cap=0.05, max_attempts=3)
    engine = SyncEngine(store, Events(), {account.id: net}, backoff=fast)
    try:
        first = await engine.sync(account.id)
        [row] = store.run_sync(lambda db: [dict(r) for r in db.query("SELECT * FROM comments")])

        def enqueue(db) -> int:
            return outbox.enqueue(
                db,
                OutboxKind.REPLY,
                account.id,
                "Because.",
                post_remote_id=rid(root),
                target_remote_id=rid(question),
                comment_id=row["id"],
                expected_version=row["version"],
            )

        store.run_sync(enqueue)
        second = await engine.sync(account.id)
        third = await engine.sync(account.id)
        items = store.run_sync(outbox.list_items)
    finally:
        store.close()

    assert first.fetched == 1 and len(first.item_errors) == 1 and bad in first.item_errors[0]
    assert first.error is None  # skipped and named, not a failed sync
    assert second.error is None and second.outbox == Counter({"sent": 1}), second
    assert third.error is None and third.item_errors == []
    assert [i.state for i in items] == ["sent"]
    mine = [e for _, e in hs.log if e["sender"] == ME and "m.relates_to" in e["content"]]
    assert len(mine) == 1


# -- replies outside threads ------------------------------------------------------------------


async def test_rich_replies_to_my_post_and_to_its_comments_are_comments(hs, net) -> None:
    root = hs.post("Plan")
    news = hs.post("Ben's own news", sender=BEN)
    top = hs.rich(root, "Plain reply to the post")
    under = hs.rich(top, "Reply to that reply", sender=BEN)
    threaded = hs.comment(root, "In the thread")
    to_thread = hs.rich(threaded, "Rich reply to a thread comment", sender=BEN)
    chatter = hs.rich(news, "Reply to Ben's news")
    elsewhere = hs.post("Other room", room=OTHER_ROOM, sender=BEN)
    hs.rich(elsewhere, "Not near my posts")

    pulled = await pull_all(net)
    comments = pulled.comments

    assert pulled.errors == []
    assert set(comments) == {top, under, threaded, to_thread}
    assert chatter not in comments
    assert {c.post_remote_id for c in comments.values()} == {rid(root)}
    assert comments[top].parent_remote_id is None and comments[top].root_remote_id is None
    assert comments[under].parent_remote_id == rid(top)
    assert comments[under].root_remote_id == rid(top)
    assert comments[to_thread].parent_remote_id == rid(threaded)
    assert "reply to the post" in comments[top].body_html.lower()
    fetched = [p for p in hs.paths() if "/event/" in p]
    assert not any(OTHER_ROOM in p for p in fetched)  # a room without my posts costs nothing


async def test_a_chain_found_after_a_restart_is_followed_up_to_its_bound(
    hs: FakeHomeserver, make_network
) -> None:
    root = hs.post("Plan")
    stored = (await pull_all(make_network())).cursor
    chain = [hs.rich(root, "0")]
    for n in range(1, 25):
        chain.append(hs.rich(chain[-1], str(n), sender=(ADA, BEN)[n % 2]))

    # the restarted app meets the newest two one at a time (a sync, one back-fill page)
    restarted = make_network(timeline_limit=1, page_size=1)
    restarted._puller._later_pages = 1
    pulled = await pull_all(restarted, stored)

    assert pulled.comments == {}  # 24 hops up: beyond the bound, not guessed
    hs.rich(chain[3], "A late answer")
    pulled = await pull_all(restarted, pulled.cursor)
    assert [c.parent_remote_id for c in pulled.comments.values()] == [rid(chain[3])]


async def test_a_chain_through_a_deleted_or_broken_event_stops_there(hs, make_network) -> None:
    root = hs.post("Plan")
    gone = hs.rich(root, "deleted later")
    broken = hs.rich(root, "broken later", sender=BEN)
    hs.redact(gone)
    hs.find(broken)[1]["content"]["m.relates_to"] = "garbage"
    after_gone = hs.rich(gone, "answer to a deleted one", sender=BEN)
    after_broken = hs.rich(broken, "answer to a broken one")

    pulled = await pull_all(make_network())

    assert after_gone not in pulled.comments and after_broken not in pulled.comments
    [error] = pulled.errors
    assert broken in error


async def test_a_rich_comment_is_answered_with_a_rich_reply(hs, make_network) -> None:
    """As it was written: a rich reply gets a rich reply (no thread), a thread comment a
    thread reply; a connector that has seen nothing (after a restart) asks the server."""
    root = hs.post("Plan")
    rich = hs.rich(root, "Plain reply")
    threaded = hs.comment(root, "In the thread")
    net = make_network()
    await pull_all(net)

    for network, key in ((net, "k1"), (make_network(), "k2")):
        mine = await network.reply(rid(root), rid(rich), "Thanks!", "markdown", key)
        sent = hs.find(events.split_id(mine.remote_id)[1])[1]["content"]
        assert sent["m.relates_to"] == {"m.in_reply_to": {"event_id": rich}}
        assert sent["m.mentions"] == {"user_ids": [ADA]}
        assert mine.parent_remote_id == rid(rich) and mine.post_remote_id == rid(root)
        assert await network.lookup_write(key) == mine.remote_id
    in_thread = await make_network().reply(rid(root), rid(threaded), "Yes", "markdown", "k3")
    relates = hs.find(events.split_id(in_thread.remote_id)[1])[1]["content"]["m.relates_to"]
    assert relates["rel_type"] == "m.thread" and relates["event_id"] == root

    comments = (await pull_all(make_network())).comments
    mine_back = comments[events.split_id(mine.remote_id)[1]]
    assert mine_back.is_mine and mine_back.parent_remote_id == rid(rich)


async def test_the_pre_send_check_sees_answers_outside_the_thread(hs, make_network) -> None:
    """list_replies finds rich replies to a comment (mine from another device too) next
    to thread replies, and nothing that answers another event."""
    root = hs.post("Plan")
    rich = hs.rich(root, "Plain reply")
    threaded = hs.comment(root, "In the thread")
    other = hs.rich(threaded, "An answer to the other comment", sender=BEN)
    from_phone = hs.rich(rich, "Answered from Element", sender=ME)
    in_thread = hs.comment(root, "Answered in the thread", sender=BEN, reply_to=rich)
    net = make_network()

    replies = await net.list_replies(rid(rich))

    assert [events.split_id(r.remote_id)[1] for r in replies] == [from_phone, in_thread]
    assert replies[0].is_mine and not replies[1].is_mine
    assert [events.split_id(r.remote_id)[1] for r in await net.list_replies(rid(threaded))] == [
        other
    ]
    chat = hs.post("Chatter", sender=BEN)
    with pytest.raises(NotFound, match="not a comment"):
        await net.get_comment(rid(chat))


async def test_a_rescan_after_a_restart_keeps_rich_replies(hs, make_network) -> None:
    """A deletion the connector cannot place re-reads the post: its thread, and the room
    back to it for rich replies, so live rich replies are in the page that declares the
    post complete (the store marks the comments it holds and the page lacks deleted)."""
    root = hs.post("Plan")
    kept = hs.rich(root, "kept")
    gone = hs.rich(root, "gone", sender=BEN)
    answer = hs.rich(kept, "an answer to the kept one", sender=BEN)
    threaded = hs.comment(root, "in the thread")
    stored = (await pull_all(make_network())).cursor
    hs.redact(gone, BEN)

    pulled = await pull_all(make_network(), stored)

    assert set(pulled.comments) == {kept, answer, threaded} and pulled.errors == []
    assert pulled.comments[answer].parent_remote_id == rid(kept)
    assert pulled.complete == [rid(root)]


async def test_a_rescan_that_cannot_reach_the_post_does_not_call_it_complete(
    hs: FakeHomeserver, make_network
) -> None:
    root = hs.post("Plan")
    hs.rich(root, "kept")
    gone = hs.rich(root, "gone", sender=BEN)
    for n in range(6):
        hs.post(f"chatter {n}", sender=BEN)
    stored = (await pull_all(make_network())).cursor
    hs.redact(gone, BEN)

    restarted = make_network(page_size=2)
    restarted._puller.rescan_room_pages = 2
    await restarted.list_my_posts()
    page = await restarted.pull_comments(stored)

    assert page.complete_for_posts == ()
    assert any("could not check all of your posts" in e for e in page.errors)
