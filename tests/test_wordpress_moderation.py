"""WordPress moderation within one pull (issue 10, item 3), without a server: the id check
at the start of each pass (``app/networks/wordpress/moderation.py``), the re-scan it
triggers, and the re-scan a person asks for (``PullMode.RESCAN``), against the in-memory
``FakeWordPress`` of test_wordpress_connector.py. The real site: the moderation tests in
tests/integration/test_wordpress_changes.py.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_wordpress_connector import Clock, FakeWordPress, at, pull_all

from app.domain import CommentPage, PullMode
from app.networks.wordpress import cursor
from app.networks.wordpress.moderation import NO_IDS, IdSum


@pytest.fixture
def wp() -> FakeWordPress:
    return FakeWordPress()


@dataclass
class Mirror:
    """What the store makes of the pages: each comment's text and whether it is deleted
    (``engine._save_page``: an upsert, then the re-scanned posts' missing ones deleted)."""

    rows: dict[int, tuple[str, bool]] = field(default_factory=dict)
    posts: dict[int, int] = field(default_factory=dict)

    def apply(self, pages: list[CommentPage]) -> None:
        for page in pages:
            for c in page.comments:
                self.rows[int(c.remote_id)] = (c.body_html, c.deleted)
                self.posts[int(c.remote_id)] = int(c.post_remote_id)
            present = {int(c.remote_id) for c in page.comments}
            for ident, post in self.posts.items():
                if str(post) in page.complete_for_posts and ident not in present:
                    self.rows[ident] = (self.rows[ident][0], True)

    def visible(self) -> dict[int, str]:
        return {i: text for i, (text, deleted) in self.rows.items() if not deleted}


def approved(wp: FakeWordPress) -> dict[int, str]:
    """The site's truth: every approved comment's text."""
    return {
        i: c["content"]["rendered"] for i, c in wp.comments.items() if c["status"] == "approved"
    }


def check_requests(wp: FakeWordPress) -> list[dict]:
    asked = [parse_qs(r.url.query.decode()) for r in wp.calls("GET", "/wp/v2/comments")]
    return [q for q in asked if q["_fields"] == ["id"]]


#: What people and moderators do between two syncs; each picks its comment by a number.
ACTIONS = ("comment", "held", "old held", "approve", "unapprove", "trash", "restore", "erase")


async def _moderated(script: list[list[tuple[str, int]]]) -> None:
    wp = FakeWordPress()
    posts = [wp.post() for _ in range(3)]
    network = wp.network(clock=Clock())
    mirror = Mirror()
    clock_s = 100
    try:
        _, cur, pages = await pull_all(network, None)
        for between in script:
            for action, n in between:
                clock_s += 1
                ids = sorted(wp.comments)
                pick = ids[n % len(ids)] if ids else None
                if action in ("comment", "held", "old held"):
                    when = at(n % 50) if action == "old held" else at(clock_s)
                    status = "approved" if action == "comment" else "hold"
                    wp.comment(posts[n % 3], when=when, status=status, text=f"c{clock_s}")
                elif pick is None:
                    continue
                elif action in ("approve", "restore"):
                    wp.comments[pick]["status"] = "approved"
                elif action == "unapprove":
                    wp.comments[pick]["status"] = "hold"
                elif action == "trash":
                    wp.comments[pick]["status"] = "trash"
                else:
                    del wp.comments[pick]
            _, cur, pages = await pull_all(network, cur)  # one routine pull
            mirror.apply(pages)
            assert set(mirror.visible()) == set(approved(wp)), between
    finally:
        await network.aclose()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 99)), max_size=5),
        min_size=1,
        max_size=6,
    )
)
def test_after_one_routine_pull_fireside_shows_exactly_the_approved_comments(script):
    """Whatever people post and moderators approve, hold, trash, restore or erase between
    two syncs, one routine pull leaves Fireside showing exactly the approved comments."""
    asyncio.run(_moderated(script))


async def test_an_idle_pull_costs_the_post_list_and_one_id_listing(wp: FakeWordPress):
    post = wp.post()
    for n in range(3):
        wp.comment(post, when=at(n))
    network = wp.network(clock=Clock())
    _, cur, _ = await pull_all(network, None)
    wp.requests.clear()
    comments, _, pages = await pull_all(network, cur)
    await network.aclose()
    assert comments == [] and len(pages) == 1
    assert [parse_qs(r.url.query.decode()).get("_fields") for r in wp.requests] == [
        ["id"],  # my published posts
        ["id"],  # the ids of their approved comments: nothing new, nothing moved
    ]


async def test_a_cursor_from_before_the_check_rescans_once(wp: FakeWordPress):
    """An older Fireside's cursor has no baseline: its first check cannot tell what moved,
    so that pass ends with a re-scan, and the next ones do not."""
    post = wp.post()
    old, trashed = wp.comment(post, when=at(0)), wp.comment(post, when=at(1))
    network = wp.network(clock=Clock())
    _, cur, _ = await pull_all(network, None)
    before_the_check = json.dumps(
        {k: v for k, v in json.loads(cur).items() if k not in ("kt", "k")}
    )
    wp.comments[trashed]["status"] = "trash"
    comments, cur, pages = await pull_all(network, before_the_check)
    assert [int(c.remote_id) for c in comments] == [old]
    assert pages[-1].complete_for_posts == (str(post),)
    _, _, pages = await pull_all(network, cur)
    assert [p.complete_for_posts for p in pages] == [()]
    await network.aclose()


async def test_a_comment_approved_while_the_pass_runs_is_not_missed(wp: FakeWordPress):
    """Between the check and the incremental request an old held comment is approved: the
    pass delivers an id the check did not list, so it ends with a re-scan."""
    post = wp.post()
    wp.comment(post, when=at(0))
    held = wp.comment(post, when=at(1), status="hold")
    network = wp.network(clock=Clock())
    _, cur, _ = await pull_all(network, None)
    wp.comment(post, when=at(5))
    real = wp._listing

    def approving(collection: str, query: dict) -> httpx.Response:
        if query.get("orderby") == "date_gmt":
            wp.comments[held]["status"] = "approved"
        return real(collection, query)

    wp._listing = approving  # type: ignore[method-assign]
    comments, cur, pages = await pull_all(network, cur)
    await network.aclose()
    assert str(held) in {c.remote_id for c in comments}
    assert pages[-1].complete_for_posts == (str(post),)


async def test_asking_restarts_a_rescan_under_way_and_outlives_an_interrupted_pull(
    wp: FakeWordPress,
):
    posts = [wp.post() for _ in range(45)]  # three re-scan steps
    for post in posts:
        wp.comment(post)
    clock = Clock()
    network = wp.network(clock=clock)
    _, cur, _ = await pull_all(network, None)
    clock.now += 31 * 60
    page = await network.pull_comments(cur)  # the periodic re-scan is due: it starts
    page = await network.pull_comments(page.next_cursor)
    assert page.complete_for_posts == tuple(map(str, posts[:20]))
    asked = await network.pull_comments(page.next_cursor, PullMode.RESCAN)
    assert asked.comments == [] and asked.has_more  # the request is stored first
    asked = await network.pull_comments(asked.next_cursor, PullMode.RESCAN)
    assert asked.complete_for_posts == tuple(map(str, posts[:20]))  # from the first post again
    # the pull is cut short here; the next, routine, pull finishes what was asked
    rest, cur, pages = await pull_all(network, asked.next_cursor)
    assert [p.complete_for_posts for p in pages] == [
        tuple(map(str, posts[20:40])),
        tuple(map(str, posts[40:])),
    ]
    assert "a" not in json.loads(cur) and len(rest) == 25
    await network.aclose()


def test_an_id_sum_is_order_free_and_counts_repeats():
    assert (
        NO_IDS.plus([3, 1, 2]) == NO_IDS.plus([2, 3, 1]) == NO_IDS.plus([1]) + NO_IDS.plus([2, 3])
    )
    assert NO_IDS.plus([1, 2, 2]) != NO_IDS.plus([1, 2])
    assert NO_IDS.plus([1, 4]) != NO_IDS.plus([2, 3])
    assert IdSum.decode(NO_IDS.plus([7, 2**63]).encode()) == NO_IDS.plus([7, 2**63])


def test_a_cursor_mid_pass_survives_encoding_and_a_garbled_check_restarts():
    state = cursor.Cursor(scanned_at=0, known_top=4, known=NO_IDS.plus([1, 2, 4]))
    state = state.checked([1, 2, 4, 6, 9], unreadable=1).start_pass()
    state = state.delivered([6, 12]).ask()
    assert state.check is not None and not state.check.moved and state.check.top == 9
    again = cursor.decode(state.encode(), now=5)
    assert again == state and again.changed  # 9 was listed, not delivered
    ended = again.end_pass()
    assert (ended.known_top, ended.known) == (12, NO_IDS.plus([1, 2, 4, 6, 9, 12]))
    data = json.loads(state.encode())
    for garbled in ({"t": -1, "m": 0, "n": [0, 0], "l": [0, 0]}, {"t": 1}, [1], "x"):
        broken = json.dumps({**data, "x": garbled})
        assert cursor.decode(broken, now=5) == cursor.Cursor(scanned_at=5)
