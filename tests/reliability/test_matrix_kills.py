"""Kills during the new Matrix paths (issue 10, item 7), against a real Synapse.

A ``fireside sync`` runs in a child process (``matrix_child.py``) behind a ``FaultProxy``
and is killed with SIGKILL at a moment read from the server or the proxy, never guessed:

- while it sends a rich reply (the answer outside any thread): Synapse has committed
  the reply, the proxy drips its answer back, the child dies before reading it;
- while the pre-send check reads a thread full of malformed events: the proxy holds the
  thread's read, the child dies waiting.

Each time a fresh child then syncs without faults: the reply is on the server exactly
once, answering the comment the way it was written, and the outbox says sent.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from reliability.children import finish, kill, start, wait_for
from reliability.tcp_proxy import FaultProxy
from servers.synapse import ACCOUNT_ID, MatrixUser, MatrixWorld, event_of

pytestmark = [
    pytest.mark.integration,
    pytest.mark.matrix,
    pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="needs SIGKILL"),
]


def child(fireside, url: str) -> subprocess.Popen:
    plan = {"db": str(fireside.path), "url": url, "token": fireside.token}
    plan["settings"] = fireside.settings
    return start("matrix_child.py", plan)


def answers(world: MatrixWorld, target: str) -> list[dict]:
    """Dana's events that answer ``target`` (the server's truth)."""
    return world.dana.answers(world.town_hall).get(target, [])


def rich(user: MatrixUser, room: str, target: str, text: str) -> str:
    relates = {"m.in_reply_to": {"event_id": target}}
    return user.send(room, {"msgtype": "m.text", "body": text, "m.relates_to": relates})


async def test_kills_while_a_rich_reply_goes_out_and_while_a_hostile_thread_is_checked(
    matrix_world: MatrixWorld, fireside_for
) -> None:
    world = matrix_world
    ada, ben, _ = world.commenters
    with FaultProxy(world.server.url) as proxy:
        fireside = await fireside_for(world, base_url=proxy.url)
        root = await fireside.publish("Quarterly numbers")
        asked = rich(ada, world.town_hall, root, "Are we on target?")
        question = ben.comment(world.town_hall, root, "And next quarter?")
        for broken in ({"event_id": 5}, "not an object", {"event_id": ["$x"]}):
            relates = {"rel_type": "m.thread", "event_id": root, "m.in_reply_to": broken}
            ada.send(world.town_hall, {"msgtype": "m.text", "body": "?", "m.relates_to": relates})
        first = await fireside.engine.sync(ACCOUNT_ID)
        assert len(first.item_errors) == 3 and len(fireside.comments()) == 2

        # 1. killed after Synapse committed the rich reply, before its answer came back
        fireside.queue_reply(asked, "Yes, ahead of plan.")
        sends = "/_matrix/client/v3/rooms/"
        proxy.add_fault("drip", count=1, method="PUT", path_prefix=sends, seconds=60)
        sending = child(fireside, proxy.url)
        wait_for(lambda: answers(world, asked) != [], "Synapse committed the rich reply")
        kill(sending)
        proxy.clear_faults()
        assert finish(child(fireside, proxy.url))["outbox"] == ["sent"] * 2  # post, reply

        # 2. killed while the pre-send check reads the thread of the hostile events
        fireside.queue_reply(question, "Flat, then up.")
        threads = "/_matrix/client/v1/rooms/"
        proxy.add_fault("stall", count=1, method="GET", path_prefix=threads, seconds=60)
        checking = child(fireside, proxy.url)
        wait_for(
            lambda: any(r.fault == "stall" for r in proxy.requests()),
            "the pre-send check reached the thread",
        )
        kill(checking)
        proxy.clear_faults()
        settled = finish(child(fireside, proxy.url))

    assert settled == {"error": None, "outbox": ["sent"] * 3}, settled
    [to_rich] = answers(world, asked)
    assert to_rich["content"]["m.relates_to"] == {"m.in_reply_to": {"event_id": asked}}
    [to_thread] = answers(world, question)
    assert to_thread["content"]["m.relates_to"]["rel_type"] == "m.thread"
    restarted = await fireside_for(world, restart=fireside)
    sent = {event_of(i.remote_id) for i in restarted.outbox() if i.kind == "reply"}
    assert sent == {to_rich["event_id"], to_thread["event_id"]}
