"""WordPress through the whole of Fireside: the real connector, ``SyncEngine`` and ``Store``
against a real WordPress 6.1 (issue 3): incremental pulls that transfer only what is new,
publishing through the outbox, and a batch of replies sent exactly once while the
connection is cut after WordPress committed. Moderation, edits and trash within one sync:
test_wordpress_changes.py.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from reliability.tcp_proxy import FaultProxy
from servers.wordpress import Fireside, WordPressServer

from app.domain import InboxView, OutboxState, PublishOptions
from app.store import comments

pytestmark = [pytest.mark.integration, pytest.mark.wordpress]

#: Enough syncs for every retry the fast backoff allows; tests stop as soon as all is sent.
MAX_SYNCS = 10


def comment_as(server: WordPressServer, login: str, post: str, text: str, **extra: object) -> dict:
    with server.rest(login) as rest:
        answer = rest.post("comments", json={"post": int(post), "content": text, **extra})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def published_post(fireside: Fireside, title: str = "Town hall") -> str:
    post = await fireside.network.publish(title, "Ask me anything.", "markdown", f"post-{title}")
    return post.remote_id


async def settle(fireside: Fireside) -> list[dict]:
    """Sync until the outbox has nothing left to send (bounded); the outbox then."""
    for _ in range(MAX_SYNCS):
        await fireside.sync(ok=False)
        items = fireside.outbox()
        if all(i.state in (OutboxState.SENT, OutboxState.FAILED) for i in items):
            return items
    raise AssertionError(f"the outbox did not settle: {fireside.outbox()}")


async def test_incremental_sync_transfers_only_new_comments(
    wordpress: WordPressServer, wordpress_fireside
):
    fireside = wordpress_fireside()
    post = await published_post(fireside)
    newest = {}
    for login in ("ada", "ben", "chen"):
        newest = comment_as(wordpress, login, post, f"Question from {login}?")
    assert (await fireside.sync()).fetched == 3
    assert (await fireside.sync()).fetched == 0

    # Same second as the newest comment the cursor has seen: "after" alone would miss it.
    same_second = comment_as(
        wordpress,
        "admin",
        post,
        "Late but same second",
        author=wordpress.users["ben"].id,
        date_gmt=newest["date_gmt"],
    )
    later = comment_as(wordpress, "chen", post, "And one more?")
    report = await fireside.sync()
    assert report.fetched == 2
    stored = fireside.comments()
    assert {str(same_second["id"]), str(later["id"])} <= set(stored)
    assert len(stored) == 5 and stored[str(later["id"])]["is_question"] == 1
    assert (await fireside.sync()).fetched == 0


async def test_a_thread_both_ways_is_stored_as_a_chain(
    wordpress: WordPressServer, wordpress_fireside
):
    """Ada asks, Dana replies to that very comment (sent from the outbox), Ada answers
    Dana's reply: the store holds the chain and knows what still needs a reply."""
    fireside = wordpress_fireside()
    post = await published_post(fireside)
    question = str(comment_as(wordpress, "ada", post, "When is the offsite?")["id"])
    other = str(comment_as(wordpress, "ben", post, "What about remote staff?")["id"])
    await fireside.sync()
    fireside.queue_reply(question, "In **June**.")
    [sent] = await settle(fireside)
    mine = sent.remote_id
    follow_up = str(comment_as(wordpress, "ada", post, "Which week?", parent=int(mine))["id"])
    assert (await fireside.sync()).fetched == 1  # Ada's answer; my reply came with its send

    stored = fireside.comments()
    chain = fireside.store.run_sync(comments.thread_chain, stored[follow_up]["id"])
    assert [row.remote_id for row in chain] == [question, mine, follow_up]
    assert stored[mine]["is_mine"] == 1 and stored[mine]["parent_remote_id"] == question
    assert (stored[question]["answered"], stored[follow_up]["answered"]) == (1, 0)
    waiting = fireside.store.run_sync(comments.view_page, InboxView.NEEDS_REPLY)
    local = {row["id"]: remote for remote, row in stored.items()}
    assert {local[row.id] for row in waiting} == {other, follow_up}


async def test_publish_through_the_outbox_in_every_state(
    wordpress: WordPressServer, wordpress_fireside
):
    fireside = wordpress_fireside()
    later = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for status in ("draft", "pending", "publish"):
        fireside.queue_post(f"A {status} post", "Body", PublishOptions(status))
    fireside.queue_post("A future post", "Body", PublishOptions("future", later))
    fireside.queue_post("Too late", "Body", PublishOptions("future", "2001-01-01T00:00:00Z"))
    items = await settle(fireside)
    states = {i.title: (i.state, i.error_kind) for i in items}
    assert states.pop("Too late") == (OutboxState.FAILED, "permanent")
    assert set(states.values()) == {(OutboxState.SENT, None)}
    rows = wordpress.sql("SELECT post_title, post_status FROM wp_posts WHERE post_author = 2")
    assert sorted(rows) == [
        ["A draft post", "draft"],
        ["A future post", "future"],
        ["A pending post", "pending"],
        ["A publish post", "publish"],
    ]


async def test_batch_replies_arrive_exactly_once_when_the_connection_is_cut(
    wordpress: WordPressServer, wordpress_fireside
):
    """Answers to committed POSTs are lost three ways (reset after the server committed, a
    body cut half-way, a reset before the server saw the request); the engine settles each
    by looking the write up by its key, and WordPress ends with one reply per comment."""
    with FaultProxy(wordpress.url) as proxy:
        fireside = wordpress_fireside(url=proxy.url)
        post = await published_post(fireside)
        questions = [
            str(comment_as(wordpress, login, post, f"{login}'s question #{n}?")["id"])
            for n in range(2)
            for login in ("ada", "ben", "chen")
        ]
        assert (await fireside.sync()).fetched == 6
        for remote_id in questions:
            fireside.queue_reply(remote_id, "Thanks for asking: we will cover it on Friday.")
        fireside.queue_post("Friday notes", "What we agreed.", PublishOptions("publish"))
        comments_path = "/wp-json/wp/v2/comments"
        proxy.add_fault("reset_after", method="POST", path=comments_path)
        proxy.add_fault("cut", method="POST", path=comments_path)
        proxy.add_fault("reset_before", method="POST", path=comments_path)
        proxy.add_fault("reset_after", method="POST", path="/wp-json/wp/v2/posts")

        items = await settle(fireside)
        faulted = [r for r in proxy.requests() if r.fault]
        await fireside.sync()  # my replies come back with the next pull
        stored = fireside.comments()

    assert Counter(i.state for i in items) == {OutboxState.SENT: 7}
    assert sorted(r.fault for r in faulted) == ["cut", "reset_after", "reset_after", "reset_before"]
    assert sum(r.forwarded for r in faulted) == 3  # WordPress committed those three
    replies = wordpress.sql(
        "SELECT comment_parent, COUNT(*) FROM wp_comments WHERE user_id = 2 GROUP BY comment_parent"
    )
    assert sorted(replies) == sorted([q, "1"] for q in questions)
    sent_ids = {i.remote_id for i in items if i.kind == "reply"}
    assert sent_ids == {
        row[0] for row in wordpress.sql("SELECT comment_ID FROM wp_comments WHERE user_id = 2")
    }
    assert wordpress.sql("SELECT COUNT(*) FROM wp_posts WHERE post_title = 'Friday notes'") == [
        ["1"]
    ]
    assert all(stored[q]["answered"] for q in questions)
    assert sum(c["is_mine"] for c in stored.values()) == 6


async def test_revoked_credentials_fail_the_sync_and_the_replies_clearly(
    wordpress: WordPressServer, wordpress_fireside
):
    fireside = wordpress_fireside()
    post = await published_post(fireside)
    question = str(comment_as(wordpress, "ada", post, "Still there?")["id"])
    await fireside.sync()
    with wordpress.rest("admin") as admin:
        admin.delete(f"users/{wordpress.users['exec'].id}/application-passwords")
    fireside.queue_reply(question, "Yes.")
    report = await fireside.sync(ok=False)
    assert report.error is not None and "application password" in report.error
    [item] = fireside.outbox()
    assert (item.state, item.error_kind) == (OutboxState.FAILED, "auth")
    assert "Sign in again" in item.last_error
    assert wordpress.sql("SELECT COUNT(*) FROM wp_comments WHERE user_id = 2") == [["0"]]
