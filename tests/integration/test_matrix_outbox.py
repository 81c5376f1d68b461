"""Matrix writes against a real Synapse: exactly once through cut connections, the look-up
by ``unsigned.transaction_id``, signed-out devices, and 429s (issue 3).

The connector talks to Synapse through ``FaultProxy`` (tests/reliability/tcp_proxy.py)
where a test breaks the wire: ``reset_after`` lets a PUT commit on the server and resets
the connection before its answer comes back (the outcome is unknown to Fireside);
``reset_before`` resets it before the server sees it. The engine's own loop settles
every item; the server's rooms are then read to count what really arrived.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from reliability.tcp_proxy import FaultProxy
from servers.synapse import ACCOUNT_ID, MatrixWorld, event_of

from app.domain import OutboxKind, WriteIntent
from app.errors import AuthError, BadResponse, OutcomeUnknown
from app.networks.matrix.events import join_id
from app.timeutil import now_iso

pytestmark = [pytest.mark.integration, pytest.mark.matrix]

SENDS = "/_matrix/client/v3/rooms/"


@pytest.fixture
def proxy(matrix_world: MatrixWorld) -> Iterator[FaultProxy]:
    with FaultProxy(matrix_world.server.url) as started:
        yield started


def replies_by_target(world: MatrixWorld, root: str) -> Counter[str]:
    """How many replies Dana has in the thread, per comment they answer (server's view)."""
    return Counter(
        event["content"]["m.relates_to"]["m.in_reply_to"]["event_id"]
        for event in world.dana.thread(world.town_hall, root)
        if event["sender"] == world.dana.user_id
    )


async def test_a_batch_of_replies_goes_out_exactly_once_through_cut_connections(
    matrix_world: MatrixWorld, proxy: FaultProxy, fireside_for
) -> None:
    world = matrix_world
    fireside = await fireside_for(world, base_url=proxy.url)
    root = await fireside.publish("Quarterly numbers are out")
    questions = [
        person.comment(world.town_hall, root, f"Question {n} from {person.name}?")
        for n, person in enumerate(world.commenters * 2)
    ]
    await fireside.sync()
    for n, question in enumerate(questions):
        fireside.queue_reply(question, f"Thanks for question {n}.")
    proxy.add_fault("reset_after", count=2, method="PUT", path_prefix=SENDS)
    proxy.add_fault("reset_before", count=1, method="PUT", path_prefix=SENDS)

    items = await fireside.settle()

    assert Counter(i.state for i in items if i.kind == "reply") == {"sent": 6}
    assert replies_by_target(world, root) == Counter({q: 1 for q in questions})
    puts = Counter(r.path for r in proxy.requests() if r.method == "PUT")
    cut = {r.path: r.fault for r in proxy.requests() if r.fault}
    assert len(cut) == 3
    for path, fault in cut.items():
        # committed, answer lost: found by look-up, never sent again; never arrived: the
        # same transaction id went again
        assert puts[path] == (1 if fault == "reset_after" else 2), (path, fault)
    for item in items:
        assert item.remote_id, item


async def test_a_lost_answer_is_found_by_its_transaction_id_after_a_restart(
    matrix_world: MatrixWorld, proxy: FaultProxy, fireside_for
) -> None:
    """Synapse restarted (its in-memory transaction cache is gone): the look-up finds each
    kind of write by ``unsigned.transaction_id`` and names what it concerns."""
    world = matrix_world
    fireside = await fireside_for(world, base_url=proxy.url)
    network = fireside.network
    root = await fireside.publish("Offsite agenda")
    question = world.commenters[0].comment(world.town_hall, root, "Is it remote-friendly?")
    await fireside.sync()
    post_id = join_id(world.town_hall, root)
    comment_id = join_id(world.town_hall, question)
    keys = {kind: uuid.uuid4().hex for kind in ("reply", "edit", "delete", "publish")}

    proxy.add_fault("reset_after", count=None, method="PUT", path_prefix=SENDS)
    with pytest.raises(OutcomeUnknown):
        await network.reply(post_id, comment_id, "Yes, fully.", "markdown", keys["reply"])
    with pytest.raises(OutcomeUnknown):
        await network.publish("", "A second post", "markdown", keys["publish"])
    world.server.restart()
    reply_id = await network.lookup_write(keys["reply"])
    assert reply_id is not None
    with pytest.raises(OutcomeUnknown):
        await network.edit("comment", reply_id, "Yes, fully remote.", keys["edit"])
    with pytest.raises(OutcomeUnknown):
        await network.delete("post", post_id, keys["delete"])
    proxy.clear_faults()

    assert await network.lookup_write(keys["edit"]) == reply_id
    assert await network.lookup_write(keys["delete"]) == post_id
    second = await network.lookup_write(keys["publish"])
    assert second is not None and second != post_id
    assert await network.lookup_write(uuid.uuid4().hex) is None
    mine = world.dana.event(world.town_hall, event_of(reply_id))
    assert mine["content"]["m.relates_to"]["m.in_reply_to"] == {"event_id": question}
    assert "redacted_because" in world.dana.event(world.town_hall, root)["unsigned"]
    # sending the reply again with its key after the restart still makes no second reply
    again = await network.reply(post_id, comment_id, "Yes, fully.", "markdown", keys["reply"])
    assert again.remote_id == reply_id
    assert replies_by_target(world, root) == Counter({question: 1})


async def test_a_signed_out_device_asks_to_sign_in_again(
    matrix_world: MatrixWorld, fireside_for
) -> None:
    world = matrix_world
    fireside = await fireside_for(world)
    root = await fireside.publish("Benefits changes")
    question = world.commenters[1].comment(world.town_hall, root, "Does this cover dental?")
    await fireside.sync()
    fireside.queue_reply(question, "It does.")
    device = world.server.user(world.dana.user_id, fireside.token, "Fireside")
    device.request("POST", "/_matrix/client/v3/logout", {})  # e.g. from Element's sessions

    report = await fireside.engine.sync(ACCOUNT_ID)

    assert report.error is not None and "Sign in to the account again" in report.error
    [item] = [i for i in fireside.outbox() if i.kind == "reply"]
    assert (item.state, item.error_kind) == ("failed", "auth")
    assert "Sign in" in item.last_error
    with pytest.raises(AuthError, match="signed out or removed"):
        await fireside.network.pull_comments(None)
    assert replies_by_target(world, root) == Counter()


async def test_a_rate_limit_is_waited_out(matrix_world: MatrixWorld, fireside_for) -> None:
    """Synapse's 429 M_LIMIT_EXCEEDED (Retry-After + retry_after_ms): the engine sends
    nothing more until the wait is over, and every reply still goes out once."""
    world = matrix_world
    log: list[tuple[str, float, str]] = []

    async def on_request(request: httpx.Request) -> None:
        if request.method == "PUT":
            log.append(("request", time.monotonic(), ""))

    async def on_response(response: httpx.Response) -> None:
        if response.request.method == "PUT":
            log.append(("response", time.monotonic(), str(response.status_code)))
            if response.status_code == 429:
                log.append(("wait", 0.0, response.headers.get("Retry-After", "")))

    hooks = {"request": [on_request], "response": [on_response]}
    fireside = await fireside_for(world, event_hooks=hooks)
    root = await fireside.publish("Ask me anything, round two")
    questions = [p.comment(world.town_hall, root, f"{p.name} asks?") for p in world.commenters]
    await fireside.sync()
    world.server.limit_messages(world.dana.user_id, per_second=1, burst=1)
    for question in questions:
        fireside.queue_reply(question, "Good one; see the notes.")
    log.clear()

    items = await fireside.settle()

    assert Counter(i.state for i in items if i.kind == "reply") == {"sent": 3}
    assert replies_by_target(world, root) == Counter({q: 1 for q in questions})
    limited = [n for n, entry in enumerate(log) if entry == ("response", log[n][1], "429")]
    assert limited, "Synapse never rate limited: the override did not apply"
    for n in limited:
        wait = float(log[n + 1][2])
        later = [t for kind, t, _ in log[n + 2 :] if kind == "request"]
        assert later and later[0] - log[n][1] >= wait - 0.05, (wait, log)


async def test_a_look_up_that_stopped_at_its_bound_among_newer_events_is_unsure(
    matrix_world: MatrixWorld, fireside_for
) -> None:
    """Three pages of my events, all written since the item was queued, with more behind
    them: the write may be on an older page, so the look-up says it is unsure rather than
    "never landed" (which would send it twice). A redacted write is still found by its
    transaction id: Synapse keeps ``unsigned.transaction_id`` on the redacted event."""
    world = matrix_world
    fireside = await fireside_for(world, page_size=2)
    network = fireside.network
    since = now_iso()
    key = uuid.uuid4().hex
    redacted = await network.publish("", "Posted, then removed", "markdown", key)
    world.dana.redact(world.town_hall, event_of(redacted.remote_id))
    assert await network.lookup_write(key) == redacted.remote_id
    for n in range(6):
        await network.publish("", f"Note {n}", "markdown", uuid.uuid4().hex)
    asked = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Lost", "markdown", since)

    with pytest.raises(BadResponse) as unsure:
        await network.lookup_write(uuid.uuid4().hex, asked)
    assert str(unsure.value).startswith(
        f"{network._api.service}, room {world.town_hall}: the look-up read 3 pages without"
    )
