"""Kills during the new WordPress paths (issue 10, items 3 and 7), against a real WordPress.

A sync runs in a child process (``wordpress_child.py``) behind a ``FaultProxy`` and is
killed with SIGKILL while the proxy holds one of its comment listings (``stall``), a moment
read from the proxy, never guessed. The listings before it pass (``delay`` 0 s), which is
how a kill lands on the n-th listing of a sync:

- during the id check that starts each pass (after moderation: nothing written yet);
- during the re-scan that check started, after its first step (20 posts) was stored:
  the cursor says where the re-scan stands;
- during a sync a person asked for (``fireside sync``), while it fetches a new comment
  before its re-scan: the next, routine, sync still owes that re-scan and runs it, so an
  edit made before the request shows;
- during the pre-send check of a reply whose comment was edited: nothing held yet.

After each kill a fresh child syncs without faults: the store then shows exactly the
comments the site shows approved, with the site's text, and a held reply shows the text
it would now answer. Nothing is ever sent twice (nothing is sent at all: the reply stays
held for the person).
"""

from __future__ import annotations

import sys

import pytest
from reliability.children import finish, kill, start, wait_for
from reliability.tcp_proxy import FaultProxy
from servers.wordpress import Fireside, WordPressServer

from app.domain import OutboxState

pytestmark = [
    pytest.mark.integration,
    pytest.mark.wordpress,
    pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="needs SIGKILL"),
]

COMMENTS = "/wp-json/wp/v2/comments"
#: More posts than one re-scan step takes (POSTS_PER_RESCAN, 20): the re-scan has two.
POSTS = 25


def child(fireside: Fireside, proxy: FaultProxy, mode: str = "routine"):
    user = fireside.server.users["exec"]
    plan = {"db": str(fireside.store.path), "url": proxy.url, "mode": mode}
    return start("wordpress_child.py", {**plan, "login": user.login, "password": user.app_password})


def stalls(proxy: FaultProxy) -> int:
    return sum(r.fault == "stall" for r in proxy.requests())


def killed_while_held(fireside: Fireside, proxy: FaultProxy, what: str, mode: str = "routine"):
    """Start a child, kill it once the proxy holds a request (a ``stall`` rule added)."""
    held = stalls(proxy)
    process = child(fireside, proxy, mode)
    wait_for(lambda: stalls(proxy) > held, what)
    kill(process)
    proxy.clear_faults()


def killed_at_listing(fireside: Fireside, proxy: FaultProxy, n: int, mode: str = "routine"):
    """A child killed while the proxy holds its ``n``-th comment listing of the sync."""
    for _ in range(n - 1):
        proxy.add_fault("delay", method="GET", path=COMMENTS, seconds=0)
    proxy.add_fault("stall", method="GET", path=COMMENTS, seconds=60)
    killed_while_held(fireside, proxy, f"comment listing {n} was held", mode)


def moderate(server: WordPressServer, comment_id: str, **change: str) -> None:
    with server.rest("admin") as admin:
        answer = admin.post(f"comments/{comment_id}", json=change)
    assert answer.status_code == 200, answer.text


def matches_the_site(fireside: Fireside, server: WordPressServer) -> None:
    """The store shows the approved comments on Dana's posts, with their text, and nothing
    else."""
    rows = server.sql(
        "SELECT c.comment_ID, c.comment_approved, c.comment_content FROM wp_comments c "
        "JOIN wp_posts p ON p.ID = c.comment_post_ID WHERE p.post_author = 2"
    )
    site = {ident: text for ident, approved, text in rows if approved == "1"}
    shown = {k: c["body_text"] for k, c in fireside.comments().items() if not c["deleted"]}
    assert shown == site


async def test_kills_during_the_check_the_rescans_and_the_hold(
    wordpress: WordPressServer, wordpress_fireside
) -> None:
    with FaultProxy(wordpress.url) as proxy:
        fireside = wordpress_fireside(url=proxy.url)
        with wordpress.rest("exec") as rest:
            posts = [
                rest.post("posts", json={"title": f"Post {n}", "status": "publish"}).json()["id"]
                for n in range(POSTS)
            ]
        ids = []
        for n, post in enumerate(posts):
            with wordpress.rest(("ada", "ben", "chen")[n % 3]) as rest:
                ids.append(
                    str(rest.post("comments", json={"post": post, "content": f"Q{n}"}).json()["id"])
                )
        await fireside.sync()
        matches_the_site(fireside, wordpress)

        # 1. killed during the id check, after a comment on the first post was trashed
        moderate(wordpress, ids[0], status="trash")
        killed_at_listing(fireside, proxy, 1)
        assert finish(child(fireside, proxy))["error"] is None
        matches_the_site(fireside, wordpress)

        # 2. killed in the re-scan's second step; the first one is stored
        moderate(wordpress, ids[0], status="untrash")
        moderate(wordpress, ids[-1], status="hold")
        killed_at_listing(fireside, proxy, 3)  # the check, re-scan step 1, step 2
        assert fireside.comments()[ids[0]]["deleted"] == 0  # step 1 was stored
        assert finish(child(fireside, proxy))["error"] is None
        matches_the_site(fireside, wordpress)

        # 3. killed in a sync a person asked for, before its re-scan; a routine sync owes it
        moderate(wordpress, ids[1], content="Edited after the question")
        with wordpress.rest("ada") as rest:
            rest.post("comments", json={"post": posts[1], "content": "A new one"})
        killed_at_listing(fireside, proxy, 2, mode="rescan")  # the check, the new comment
        assert finish(child(fireside, proxy))["error"] is None
        matches_the_site(fireside, wordpress)

        # 4. killed while the pre-send check reads the comment, edited since
        fireside.queue_reply(ids[2], "Thanks, noted.")
        moderate(wordpress, ids[2], content="Edited while Dana answered")
        proxy.add_fault("stall", method="GET", path=f"{COMMENTS}/{ids[2]}", seconds=60)
        killed_while_held(fireside, proxy, "the pre-send check read the comment")
        settled = finish(child(fireside, proxy))

    assert settled == {"error": None, "outbox": [OutboxState.HELD]}, settled
    assert fireside.comments()[ids[2]]["body_text"] == "Edited while Dana answered"
    assert wordpress.sql("SELECT COUNT(*) FROM wp_comments WHERE user_id = 2") == [["0"]]
