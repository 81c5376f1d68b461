"""Matrix against a real Synapse, with what real room members send (issue 10, items 1 and
4): malformed events sent with the raw client API, and replies outside threads (what
Element's plain "Reply" sends).

Synapse accepts an event whose relation fields have the wrong type from any room member;
Fireside must skip it wherever it reads it, report it, and still send the executive's
reply exactly once. A rich reply to the executive's post, and a reply to such a reply,
are comments on that post, answered the way they were written.
"""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from reliability.tcp_proxy import FaultProxy
from servers.synapse import ACCOUNT_ID, MatrixUser, MatrixWorld, _seg, event_of

from app.networks.matrix.events import join_id

pytestmark = [pytest.mark.integration, pytest.mark.matrix]

SENDS = "/_matrix/client/v3/rooms/"

NESTED: object = "deep"
for _ in range(45):  # 90 levels: Synapse refuses event JSON nested much deeper than 100
    NESTED = {"a": [NESTED]}


def send_raw(user: MatrixUser, room: str, content: dict) -> str | None:
    """Send any content as this member; the event id, or None when Synapse refuses it."""
    path = f"/_matrix/client/v3/rooms/{_seg(room)}/send/m.room.message/{uuid.uuid4().hex}"
    answer = user.http.put(path, json=content, headers={"Authorization": f"Bearer {user.token}"})
    if answer.status_code == 400:
        return None
    answer.raise_for_status()
    return answer.json()["event_id"]


def hostile_relations(root: str, question: str) -> dict[str, object]:
    """``m.relates_to`` values a hostile or buggy client sends; each is malformed."""
    thread = {"rel_type": "m.thread", "event_id": root}
    return {
        "in_reply_to event_id is a number": {**thread, "m.in_reply_to": {"event_id": 5}},
        "in_reply_to event_id is a list": {**thread, "m.in_reply_to": {"event_id": [question]}},
        "in_reply_to event_id is nested": {**thread, "m.in_reply_to": {"event_id": NESTED}},
        "in_reply_to event_id is huge": {**thread, "m.in_reply_to": {"event_id": "$" + "x" * 9000}},
        "in_reply_to event_id has a pipe": {**thread, "m.in_reply_to": {"event_id": "$a|b"}},
        "in_reply_to is a string": {**thread, "m.in_reply_to": question},
        "is_falling_back is a string": {**thread, "is_falling_back": "yes"},
        "the thread root is a number": {"rel_type": "m.thread", "event_id": 7},
        "rel_type is a number": {"rel_type": 3, "event_id": root},
        "relates_to is a string": "m.thread",
        "relates_to is a list": [root],
        "a rich reply naming a list": {"m.in_reply_to": {"event_id": [question]}},
        "a rich reply naming a number": {"m.in_reply_to": {"event_id": 12}},
    }


def replies_by_target(world: MatrixWorld) -> Counter[str]:
    """Dana's answers on the server, per event they answer (thread and rich replies)."""
    return Counter(
        {target: len(events) for target, events in world.dana.answers(world.town_hall).items()}
    )


async def test_malformed_events_never_hold_up_the_executives_reply(
    matrix_world: MatrixWorld, fireside_for
) -> None:
    """Ben sends every malformed shape Synapse takes into the thread of Dana's post (and
    as rich replies): the sync reports each by id and stores the rest; the replies to the
    questions in the thread and outside it then go out exactly once each, through the
    pre-send check; and the next sync is clean."""
    world = matrix_world
    fireside = await fireside_for(world)
    root = await fireside.publish("Budget review on Thursday")
    ada, ben, cleo = world.commenters
    question = ada.comment(world.town_hall, root, "Will travel be cut?")
    plain_reply = {"m.in_reply_to": {"event_id": root}}
    rich_question = cleo.send(
        world.town_hall, {"msgtype": "m.text", "body": "And hiring?", "m.relates_to": plain_reply}
    )
    hostile = hostile_relations(root, question)
    sent = {
        name: send_raw(
            ben, world.town_hall, {"body": name, "msgtype": "m.text", "m.relates_to": rel}
        )
        for name, rel in hostile.items()
    }
    rel = {"rel_type": "m.thread", "event_id": root, "m.in_reply_to": {"event_id": question}}
    sent["msgtype is a list"] = send_raw(  # Synapse 1.163 refuses it; an older one may not
        ben, world.town_hall, {"msgtype": ["m.text"], "body": "odd", "m.relates_to": rel}
    )
    in_thread = {"rel_type": "m.thread", "event_id": root}
    deep = send_raw(
        ben,
        world.town_hall,
        {"msgtype": "m.text", "body": "deep but fine", "x": NESTED, "m.relates_to": in_thread},
    )
    accepted = {name: event for name, event in sent.items() if event is not None}
    assert "in_reply_to event_id is a number" in accepted, sent  # what the issue saw
    assert deep is not None

    first = await fireside.engine.sync(ACCOUNT_ID)

    stored = {event_of(k) for k in fireside.comments()}
    assert stored == {question, rich_question, deep}, stored
    assert len(first.item_errors) == len(accepted), first.item_errors
    for name, event in accepted.items():
        assert any(event in error for error in first.item_errors), name
    assert first.error is None  # skipped and named, not a failed sync

    fireside.queue_reply(question, "No: travel stays as it is.")
    fireside.queue_reply(rich_question, "Hiring continues.")
    second = await fireside.engine.sync(ACCOUNT_ID)
    third = await fireside.engine.sync(ACCOUNT_ID)

    assert second.outbox == Counter({"sent": 2}), (second, fireside.outbox())
    assert second.error is None and third.error is None and third.item_errors == []
    assert replies_by_target(world) == Counter({question: 1, rich_question: 1})
    mine = {event_of(i.remote_id) for i in fireside.outbox() if i.kind == "reply"}
    for event_id in mine:
        relates = world.dana.event(world.town_hall, event_id)["content"]["m.relates_to"]
        threaded = relates.get("rel_type") == "m.thread"
        assert threaded == (relates["m.in_reply_to"]["event_id"] == question)


async def test_replies_outside_threads_are_comments_answered_as_they_were_written(
    matrix_world: MatrixWorld, fireside_for
) -> None:
    """Element's plain "Reply" to Dana's post and a reply to that reply come in as
    comments with their parents; Dana's answer is a rich reply (no thread) that arrives
    once through a cut connection; one already answered from her phone is held."""
    world = matrix_world
    with FaultProxy(world.server.url) as proxy:
        fireside = await fireside_for(world, base_url=proxy.url)
        root = await fireside.publish("Office move: we pick the new site next week")
        ada, ben, cleo = world.commenters

        def rich(user: MatrixUser, target: str, text: str) -> str:
            relates = {"m.in_reply_to": {"event_id": target}}
            body = {"msgtype": "m.text", "body": text, "m.relates_to": relates}
            return user.send(world.town_hall, body)

        first = rich(ada, root, "Which neighbourhoods are on the list?")
        second = rich(ben, first, "Ideally near the station")
        threaded = cleo.comment(world.town_hall, root, "Parking?")
        to_thread = rich(ben, threaded, "Bikes too, please")
        lunch = world.sam.post(world.town_hall, "Lunch is here")
        rich(ada, lunch, "On my way")  # chatter: a reply to someone else's message
        await fireside.sync()

        stored = {event_of(k): row for k, row in fireside.comments().items()}
        assert set(stored) == {first, second, threaded, to_thread}
        assert stored[first]["parent_remote_id"] is None
        assert stored[second]["parent_remote_id"] == join_id(world.town_hall, first)
        assert stored[second]["root_remote_id"] == join_id(world.town_hall, first)
        assert stored[to_thread]["parent_remote_id"] == join_id(world.town_hall, threaded)

        fireside.queue_reply(first, "Three, all near a station.")
        answered_elsewhere = fireside.queue_reply(second, "Agreed.")
        rich(world.dana, second, "Yes, the station matters most.")  # Dana, from her phone
        proxy.add_fault("reset_after", count=1, method="PUT", path_prefix=SENDS)
        items = await fireside.settle()

    states = {i.id: (i.state, i.error_kind) for i in items if i.kind == "reply"}
    assert states[answered_elsewhere] == ("held", "answered"), states
    assert [s for i, s in states.items() if i != answered_elsewhere] == [("sent", None)]
    assert replies_by_target(world) == Counter({first: 1, second: 1})
    [mine] = [i for i in items if i.state == "sent" and i.kind == "reply"]
    sent = world.dana.event(world.town_hall, event_of(mine.remote_id))["content"]
    assert sent["m.relates_to"] == {"m.in_reply_to": {"event_id": first}}
    assert sent["m.mentions"] == {"user_ids": [world.commenters[0].user_id]}
    cut = [r for r in proxy.requests() if r.fault == "reset_after"]
    assert len(cut) == 1  # the answer was lost once; the look-up found it, no resend

    restarted = await fireside_for(world, restart=fireside)
    await restarted.sync()
    back = {event_of(k): row for k, row in restarted.comments().items()}
    assert back[event_of(mine.remote_id)]["is_mine"] == 1
    assert back[first]["answered"] == 1
