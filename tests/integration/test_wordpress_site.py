"""The WordPress connector against a real WordPress 6.1 (tests/servers/wordpress.py):
signing in, publishing in every state, threads both ways, the key marker surviving
WordPress's filtering, and WordPress's own refusals (issue 3).

Dana Chief ("exec", an editor) is the executive; Ada, Ben and Chen are subscribers who
comment; Avery is an author (publishes, but has no unfiltered_html); Cory a contributor.
Each test starts from the freshly installed site.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from servers.wordpress import WordPressServer

from app.domain import PublishOptions
from app.errors import (
    AuthError,
    NotFound,
    OfflineError,
    PermissionDenied,
    RateLimited,
    Rejected,
    WrongService,
)
from app.networks.wordpress import KIND

pytestmark = [pytest.mark.integration, pytest.mark.wordpress]


def comment_as(server: WordPressServer, login: str, post: str, text: str, parent: str = "0") -> str:
    """A comment by one of the site's people, through the REST API as themselves."""
    with server.rest(login) as rest:
        answer = rest.post(
            "comments", json={"post": int(post), "parent": int(parent), "content": text}
        )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


@pytest.fixture
def static_site(tmp_path) -> Iterator[str]:
    """A plain HTTP file server: it answers, but it is not WordPress."""
    (tmp_path / "index.html").write_text("<h1>Welcome</h1>")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when this returns


# -- signing in ------------------------------------------------------------------------------


async def test_sign_in_keeps_the_application_password_and_user_id(wordpress: WordPressServer):
    exec_ = wordpress.users["exec"]
    chunked = " ".join(exec_.app_password[i : i + 4] for i in range(0, 24, 4))
    async with httpx.AsyncClient(timeout=10) as client:
        signed = await KIND.sign_in(client, wordpress.url + "/", "exec", chunked, {})
    assert (signed.secret, signed.username) == (exec_.app_password, "exec")
    assert signed.display_name == "Dana Chief" and signed.settings == {"user_id": exec_.id}


async def test_sign_in_says_exactly_what_is_wrong(
    wordpress: WordPressServer, sandbox_server, static_site: str
):
    users = wordpress.users
    cases = [
        (wordpress.url, "exec", "a" * 24, AuthError, "signed out"),
        (wordpress.url, "nobody", users["exec"].app_password, AuthError, "signed out"),
        (wordpress.url, "ada", users["ada"].app_password, PermissionDenied, "no edit_posts"),
        (wordpress.url, "cory", users["cory"].app_password, PermissionDenied, "no publish_posts"),
        (
            sandbox_server.url,
            "exec",
            "wrong-password-1",
            WrongService,
            "not look like a WordPress site",
        ),
        (static_site, "exec", "wrong-password-2", WrongService, "not look like a WordPress site"),
        (
            f"http://127.0.0.1:{closed_port()}",
            "exec",
            "wrong-password-3",
            OfflineError,
            "Cannot reach",
        ),
    ]
    async with httpx.AsyncClient(timeout=10) as client:
        for url, login, password, error, words in cases:
            with pytest.raises(error, match=words) as caught:
                await KIND.sign_in(client, url, login, password, {})
            assert password not in str(caught.value), url


async def test_without_pretty_urls_the_api_is_reached_by_rest_route(
    wordpress: WordPressServer, make_wordpress_network
):
    wordpress.set_rewrites(False)
    async with httpx.AsyncClient(timeout=10) as client:
        assert (await client.get(wordpress.api + "/users/me")).status_code == 404
        exec_ = wordpress.users["exec"]
        signed = await KIND.sign_in(client, wordpress.url, "exec", exec_.app_password, {})
    assert signed.display_name == "Dana Chief"
    network = make_wordpress_network()
    post = await network.publish("No permalinks", "Still works.", "markdown", "k1")
    wordpress.set_rewrites(True)  # only for Ada's test client, which uses /wp-json/
    comment_as(wordpress, "ada", post.remote_id, "Does it?")
    wordpress.set_rewrites(False)
    page = await network.pull_comments(None)
    assert [c.author.name for c in page.comments] == ["Ada Reyes"]


async def test_revoked_application_password_is_an_auth_error(
    wordpress: WordPressServer, make_wordpress_network
):
    network = make_wordpress_network()
    post = await network.publish("Before", "It works.", "markdown", "k1")
    question = comment_as(wordpress, "ada", post.remote_id, "Really?")
    with wordpress.rest("admin") as admin:
        revoked = admin.delete(f"users/{wordpress.users['exec'].id}/application-passwords")
    assert revoked.status_code == 200, revoked.text
    calls = [
        network.list_my_posts,
        lambda: network.reply(post.remote_id, question, "Yes", "markdown", "k2"),
        make_wordpress_network().whoami,
    ]
    for call in calls:
        with pytest.raises(AuthError, match="application password is wrong, the password was"):
            await call()
    assert wordpress.sql("SELECT COUNT(*) FROM wp_comments WHERE user_id = 2") == [["0"]]


# -- publishing ------------------------------------------------------------------------------


async def test_publish_in_every_state_then_edit_and_delete(
    wordpress: WordPressServer, make_wordpress_network
):
    network = make_wordpress_network()
    when = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    sent = {
        status: await network.publish(
            f"{status} post", f"A *{status}* post.", "markdown", f"key{status}", options
        )
        for status, options in [
            ("draft", PublishOptions("draft")),
            ("pending", PublishOptions("pending")),
            ("future", PublishOptions("future", when.strftime("%Y-%m-%dT%H:%M:%SZ"))),
            ("publish", PublishOptions("publish")),
        ]
    }
    with wordpress.rest("admin") as admin:
        for status, post in sent.items():
            row = admin.get(f"posts/{post.remote_id}", params={"context": "edit"}).json()
            assert (row["status"], row["title"]["raw"]) == (status, f"{status} post")
            assert f"<em>{status}</em>" in row["content"]["raw"]
        future = admin.get(f"posts/{sent['future'].remote_id}").json()
    assert future["date_gmt"] == when.strftime("%Y-%m-%dT%H:%M:%S")
    listed = {p.remote_id: p for p in await network.list_my_posts()}
    assert set(listed) == {p.remote_id for p in sent.values()}
    assert listed[sent["publish"].remote_id].body == "A publish post."

    past = PublishOptions("future", "2020-01-01T00:00:00Z")
    with pytest.raises(Rejected, match="has passed"):
        await network.publish("Too late", "x", "markdown", "k9", past)

    live = sent["publish"].remote_id
    await network.edit("post", live, "Now **edited**.", "edit1")
    raw = wordpress.sql(f"SELECT post_content FROM wp_posts WHERE ID = {int(live)}")[0][0]
    assert "<strong>edited</strong>" in raw and "fireside:edit1" in raw
    assert await network.lookup_write("edit1") == live
    await network.delete("post", live, "del1")
    await network.delete("post", live, "del2")  # already in the trash: done
    await network.delete("post", "999999", "del3")  # never existed: done
    assert wordpress.sql(f"SELECT post_status FROM wp_posts WHERE ID = {int(live)}") == [["trash"]]
    assert live not in {p.remote_id for p in await network.list_my_posts()}
    assert wordpress.sql("SELECT COUNT(*) FROM wp_posts WHERE post_title = 'Too late'") == [["0"]]


async def test_the_key_survives_wordpress_filtering_for_users_without_unfiltered_html(
    wordpress: WordPressServer, make_wordpress_network
):
    """kses (the filter for users without unfiltered_html) keeps HTML comments: a
    subscriber's comment and an author's post still carry the marker, so look-ups work."""
    with wordpress.rest("avery") as rest:
        me = rest.get("users/me", params={"context": "edit"}).json()
    assert "unfiltered_html" not in me["capabilities"]  # kses filters Avery's posts
    avery = make_wordpress_network("avery")
    post = await avery.publish("Avery's post", "Hello <script>x()</script>", "html", "avery1")
    raw = wordpress.sql(f"SELECT post_content FROM wp_posts WHERE ID = {int(post.remote_id)}")
    assert "<!-- fireside:avery1 -->" in raw[0][0]
    assert await avery.lookup_write("avery1") == post.remote_id

    ada = make_wordpress_network("ada")  # a subscriber replying through the connector
    comment = await ada.reply(post.remote_id, "0", "Nice <script>x()</script>", "html", "ada1")
    raw = wordpress.sql(
        f"SELECT comment_content FROM wp_comments WHERE comment_ID = {int(comment.remote_id)}"
    )[0][0]
    assert "<!-- fireside:ada1 -->" in raw
    with wordpress.rest("admin") as admin:
        found = admin.get("comments", params={"search": "fireside:ada1"}).json()
    assert [str(c["id"]) for c in found] == [comment.remote_id]
    assert await make_wordpress_network().lookup_write("ada1") is None  # not Dana's comment


# -- comments and threads --------------------------------------------------------------------


async def test_threads_both_ways_with_several_commenters(
    wordpress: WordPressServer, make_wordpress_network
):
    network = make_wordpress_network()
    post = (await network.publish("Town hall", "Ask me anything.", "markdown", "p1")).remote_id
    ada = comment_as(wordpress, "ada", post, "When is the offsite?")
    ben = comment_as(wordpress, "ben", post, "Budget for Q3?")
    with wordpress.rest("admin") as admin:  # a guest, as the comment form would store one
        guest = admin.post(
            "comments",
            json={
                "post": int(post),
                "author_name": "Gail Guest",
                "author_email": "g@x.test",
                "content": "Hello from outside",
            },
        ).json()["id"]
    mine = await network.reply(post, ada, "In **June**.", "markdown", "r1")
    follow_up = comment_as(wordpress, "ada", post, "Thanks! Which week?", parent=mine.remote_id)
    again = await network.reply(post, follow_up, "The second.", "markdown", "r2")

    page = await network.pull_comments(None)
    by_id = {c.remote_id: c for c in page.comments}
    assert len(by_id) == 6 and page.errors == []
    assert by_id[mine.remote_id].parent_remote_id == ada and by_id[mine.remote_id].is_mine
    assert by_id[follow_up].parent_remote_id == mine.remote_id
    assert by_id[follow_up].root_remote_id == ada
    assert by_id[again.remote_id].root_remote_id == ada
    assert by_id[ben].author.name == "Ben Okafor" and by_id[ben].parent_remote_id is None
    gail = by_id[str(guest)].author
    assert gail.name == "Gail Guest" and gail.remote_id.startswith("guest:")
    assert "g@x.test" not in repr(page)
    assert "<strong>June</strong>" in by_id[mine.remote_id].body_html

    replies = await network.list_replies(ada)
    assert [(r.remote_id, r.is_mine) for r in replies] == [(mine.remote_id, True)]
    assert (await network.get_comment(follow_up)).author.name == "Ada Reyes"
    assert await network.lookup_write("r2") == again.remote_id
    assert await network.lookup_write("never-sent") is None


async def test_a_repeated_reply_is_the_one_that_landed(
    wordpress: WordPressServer, make_wordpress_network
):
    """WordPress answers an identical second reply with 409 comment_duplicate."""
    network = make_wordpress_network()
    post = (await network.publish("Dupes", "x", "markdown", "p1")).remote_id
    question = comment_as(wordpress, "chen", post, "Again?")
    first = await network.reply(post, question, "Once.", "markdown", "same-key")
    second = await network.reply(post, question, "Once.", "markdown", "same-key")
    assert second.remote_id == first.remote_id
    count = f"SELECT COUNT(*) FROM wp_comments WHERE comment_parent = {int(question)}"
    assert wordpress.sql(count) == [["1"]]


async def test_wordpress_refusals_are_named(wordpress: WordPressServer, make_wordpress_network):
    network = make_wordpress_network()
    draft = await network.publish("Draft", "x", "markdown", "p1", PublishOptions("draft"))
    live = (await network.publish("Live", "x", "markdown", "p2")).remote_id
    question = comment_as(wordpress, "ben", live, "Open?")
    with pytest.raises(Rejected, match="not published"):
        await network.reply(draft.remote_id, "0", "x", "markdown", "k1")
    with wordpress.rest("admin") as admin:
        admin.post(f"posts/{live}", json={"comment_status": "closed"})
    with pytest.raises(Rejected, match="Comments are closed"):
        await network.reply(live, question, "x", "markdown", "k2")
    with pytest.raises(NotFound, match="post no longer exists"):
        await network.reply("999999", question, "x", "markdown", "k3")
    with pytest.raises(NotFound, match="comment no longer exists"):
        await network.get_comment("999999")
    with pytest.raises(NotFound):
        await network.edit("comment", "999999", "x", "k4")
    with pytest.raises(Rejected, match="bytes as HTML"):
        await network.reply(live, question, "ü" * 40_000, "markdown", "k5")

    await network.delete("comment", question, "d1")
    await network.delete("comment", question, "d2")  # already in the trash: done
    assert (await network.get_comment(question)).deleted


async def test_comment_flood_is_a_rate_limit_with_wordpress_wait(
    wordpress: WordPressServer, make_wordpress_network
):
    post = (await make_wordpress_network().publish("Flood", "x", "markdown", "p1")).remote_id
    wordpress.set_flood_check(True)
    ada = make_wordpress_network("ada")
    await ada.reply(post, "0", "First", "markdown", "a1")
    with pytest.raises(RateLimited, match="one comment every 15 seconds") as caught:
        await ada.reply(post, "0", "Second", "markdown", "a2")
    assert caught.value.retry_after == 15.0
