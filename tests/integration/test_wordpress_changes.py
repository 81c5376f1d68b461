"""Moderation, edits and trash on a real WordPress 6.1 reach Fireside within one sync
(issue 10, item 3): the real connector, ``SyncEngine`` and ``Store`` (and once the real
``fireside sync``) against the site of ``tests/servers/wordpress.py``.

None of these changes moves a comment's date, so the incremental pull alone never sees
them. Moderation changes which ids are approved: the id check of every routine sync sees
that and re-scans at once. An edit changes no id: the sync a person asks for (F5,
``fireside sync``) re-reads everything, the periodic re-scan too, and the pre-send check
of a reply stores the text it finds. The connector's clock is moved by hand where the
periodic re-scan matters, and held still everywhere else: nothing here waits for time.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from integration.test_wordpress_sync import comment_as, published_post
from servers.wordpress import WordPressServer

from app import bootstrap, cli
from app.config import database_path
from app.domain import OutboxState, PullMode
from app.networks.wordpress.network import RESCAN_EVERY_S
from app.store import Store, comments

pytestmark = [pytest.mark.integration, pytest.mark.wordpress]


class Clock:
    """The connector's clock, moved on by hand to make the re-scan due."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).timestamp()

    def __call__(self) -> float:
        return self.now


def moderate(server: WordPressServer, comment_id: str, **change: str) -> None:
    """What a moderator does in wp-admin: a status (approved, hold, spam, unspam, trash,
    untrash) or, with ``erase``, deleting the comment for good."""
    with server.rest("admin") as admin:
        if change.pop("erase", None):
            answer = admin.delete(f"comments/{comment_id}", params={"force": "true"})
        else:
            answer = admin.post(f"comments/{comment_id}", json=change)
    assert answer.status_code == 200, answer.text


def an_hour_ago() -> str:
    return (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")


async def test_moderation_is_visible_after_one_sync(wordpress: WordPressServer, wordpress_fireside):
    """Approving an old held comment, trashing, marking spam, unapproving and erasing
    each show after the next sync; so do restoring and approving again. The re-scan is
    never due (the clock stands still): the id check finds every one."""
    fireside = wordpress_fireside(clock=Clock())
    post = await published_post(fireside)
    ids = {
        name: str(comment_as(wordpress, login, post, f"{name} comment")["id"])
        for name, login in [
            ("kept", "ada"),
            ("trashed", "ben"),
            ("spam", "chen"),
            ("unapproved", "ada"),
            ("erased", "ben"),
        ]
    }
    held = comment_as(
        wordpress,
        "admin",
        post,
        "Held at first",
        author=wordpress.users["chen"].id,
        status="hold",
        date_gmt=an_hour_ago(),  # older than every comment the incremental pull asks after
    )
    ids["late"] = str(held["id"])
    newer = comment_as(wordpress, "ada", post, "Newer than the held one")
    assert (await fireside.sync()).fetched == 6  # the held one is not public

    moderate(wordpress, ids["late"], status="approved")
    moderate(wordpress, ids["trashed"], status="trash")
    moderate(wordpress, ids["spam"], status="spam")
    moderate(wordpress, ids["unapproved"], status="hold")
    moderate(wordpress, ids["erased"], erase="yes")
    report = await fireside.sync()

    stored = fireside.comments()
    hidden = {name for name, remote in ids.items() if stored[remote]["deleted"]}
    assert hidden == {"trashed", "spam", "unapproved", "erased"}
    assert stored[ids["late"]]["body_text"] == "Held at first"
    assert stored[str(newer["id"])]["deleted"] == 0
    assert report.fetched == 3  # the re-scan: kept, late, newer

    moderate(wordpress, ids["trashed"], status="untrash")
    moderate(wordpress, ids["spam"], status="unspam")
    moderate(wordpress, ids["unapproved"], status="approved")
    await fireside.sync()
    stored = fireside.comments()
    assert {name for name, remote in ids.items() if stored[remote]["deleted"]} == {"erased"}
    assert (await fireside.sync()).fetched == 0  # nothing moved: no re-scan


async def test_an_edit_is_read_by_the_sync_a_person_asks_for(
    wordpress: WordPressServer, wordpress_fireside
):
    """An edit changes no date and no id: a routine sync cannot tell; the sync a person
    asks for re-reads everything, and so does the periodic re-scan."""
    clock = Clock()
    fireside = wordpress_fireside(clock=clock)
    post = await published_post(fireside)
    edited = str(comment_as(wordpress, "ben", post, "First words")["id"])
    await fireside.sync()

    moderate(wordpress, edited, content="Edited by a moderator")
    await fireside.sync()
    assert fireside.comments()[edited]["body_text"] == "First words"  # the routine sync
    assert (await fireside.sync(mode=PullMode.RESCAN)).fetched == 1
    assert fireside.comments()[edited]["body_text"] == "Edited by a moderator"

    moderate(wordpress, edited, content="Edited twice")
    clock.now += RESCAN_EVERY_S + 1
    await fireside.sync()
    assert fireside.comments()[edited]["body_text"] == "Edited twice"


async def test_a_reply_held_for_an_edit_shows_the_comment_as_it_now_reads(
    wordpress: WordPressServer, wordpress_fireside
):
    fireside = wordpress_fireside(clock=Clock())
    post = await published_post(fireside)
    question = str(comment_as(wordpress, "ada", post, "Is the office open on Friday?")["id"])
    await fireside.sync()
    fireside.queue_reply(question, "Yes, from nine.")
    moderate(wordpress, question, content="Is the office open on Saturday?")

    await fireside.sync()

    [item] = fireside.outbox()
    assert (item.state, item.error_kind) == (OutboxState.HELD, "edited")
    stored = fireside.comments()[question]
    assert stored["body_text"] == "Is the office open on Saturday?"
    chain = fireside.store.run_sync(comments.thread_chain, stored["id"])
    assert chain[-1].body_text == "Is the office open on Saturday?"
    assert wordpress.sql("SELECT COUNT(*) FROM wp_comments WHERE user_id = 2") == [["0"]]


async def test_an_idle_sync_asks_three_questions(wordpress: WordPressServer, wordpress_fireside):
    """What a sync with nothing new costs: my posts, my published posts, and the ids of
    their approved comments (the incremental request is skipped: no new id)."""
    fireside = wordpress_fireside(clock=Clock())
    posts = [await published_post(fireside, f"Post {n}") for n in range(3)]
    for n in range(10):
        comment_as(wordpress, ("ada", "ben", "chen")[n % 3], posts[n % 3], f"Comment {n}")
    await fireside.sync()
    asked: list[str] = []

    async def count(request) -> None:
        asked.append(f"{request.method} {request.url.path} {request.url.params.get('_fields')}")

    fireside.network._api.client.event_hooks["request"].append(count)
    await fireside.sync()
    assert asked == [
        "GET /wp-json/wp/v2/posts id,title,content,link,date_gmt,modified_gmt,status",
        "GET /wp-json/wp/v2/posts id",
        "GET /wp-json/wp/v2/comments id",
    ]


def test_fireside_sync_reads_an_edit_at_once(
    wordpress: WordPressServer, memory_keyring, tmp_path: Path, capsys
):
    """The real ``fireside sync``, on an account added as the Accounts dialog adds it."""
    data_dir = tmp_path / "data"

    async def add_account() -> None:
        core = await bootstrap.open_core(data_dir, start_sandbox=False)
        try:
            password = wordpress.users["exec"].app_password
            await core.accounts.add("wordpress", wordpress.url, "exec", password)
        finally:
            await core.close()

    asyncio.run(add_account())
    with wordpress.rest("exec") as rest:
        post = rest.post("posts", json={"title": "Town hall", "status": "publish"}).json()
    question = str(comment_as(wordpress, "ada", str(post["id"]), "Who is invited?")["id"])
    assert cli.main(["--data-dir", str(data_dir), "sync"]) == 0
    moderate(wordpress, question, content="Who is invited, and when?")

    assert cli.main(["--data-dir", str(data_dir), "sync"]) == 0, capsys.readouterr().out

    store = Store(database_path(data_dir))
    try:
        [[text]] = store.run_sync(
            lambda db: db.execute(
                "SELECT body_text FROM comments WHERE remote_id = ?", [question]
            ).fetchall()
        )
    finally:
        store.close()
    assert text == "Who is invited, and when?"
