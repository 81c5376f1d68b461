"""The sidebar keeps its counts current without reading every post again for each
triage: a change that names its posts (``InboxChanged.posts``) reads those posts' counts
only; a change anywhere (a sync page) reads every post, as before."""

from __future__ import annotations

import pytest

from app import events as ev
from app.domain import InboxView, TriageState
from app.store import comments
from app.store.accounts import list_posts

pytestmark = pytest.mark.ui


@pytest.fixture
def post_reads(window, monkeypatch) -> list[int]:
    """Each time the sidebar asks the core for every post (the call is kept real)."""
    reads: list[int] = []
    inbox = window.sidebar._core.inbox
    every_post = inbox.posts

    def counted():
        reads.append(1)
        return every_post()

    monkeypatch.setattr(inbox, "posts", counted)
    return reads


def _count_text(window, post_id: int) -> str:
    return window.sidebar._post_items[post_id].text(1)


def test_a_triage_reads_the_counts_of_its_post_only(
    window, synced_core, wait_for, qtbot, post_reads
):
    sidebar = window.sidebar
    qtbot.waitUntil(lambda: not sidebar.updating)
    db = synced_core.store.reader()
    posts = {p.id: p for p in list_posts(db) if p.open > 1}
    ids = [r.id for r in comments.view_page(db, InboxView.NEEDS_REPLY, limit=200)]
    row = next(c for c in comments.get_comments(db, ids) if c.post_id in posts)
    before = posts[row.post_id].open
    waiting = sidebar.counts[InboxView.NEEDS_REPLY]
    assert _count_text(window, row.post_id) == f"{before:,}"

    wait_for(synced_core.inbox.set_triage([row.id], TriageState.DONE))
    qtbot.waitUntil(lambda: _count_text(window, row.post_id) == f"{before - 1:,}")
    qtbot.waitUntil(lambda: sidebar.counts[InboxView.NEEDS_REPLY] == waiting - 1)
    wait_for(synced_core.inbox.undo())
    qtbot.waitUntil(lambda: _count_text(window, row.post_id) == f"{before:,}")
    qtbot.waitUntil(lambda: sidebar.counts[InboxView.NEEDS_REPLY] == waiting)
    assert post_reads == []


def test_a_change_anywhere_reads_every_post(window, synced_core, qtbot, post_reads):
    sidebar = window.sidebar
    qtbot.waitUntil(lambda: not sidebar.updating)
    synced_core.events.emit(ev.InboxChanged())  # what a sync page announces
    qtbot.waitUntil(lambda: post_reads == [1])
    qtbot.waitUntil(lambda: not sidebar.updating)


def test_a_triage_announces_the_posts_it_touched(synced_core, wait_for):
    heard: list[ev.Event] = []
    synced_core.events.subscribe(heard.append)
    db = synced_core.store.reader()
    ids = [r.id for r in comments.view_page(db, InboxView.NEEDS_REPLY, limit=30)]
    posts = frozenset(c.post_id for c in comments.get_comments(db, ids))
    wait_for(synced_core.inbox.set_triage(ids, TriageState.DONE))
    changed = [e for e in heard if isinstance(e, ev.InboxChanged)]
    assert changed == [ev.InboxChanged(posts)] and len(posts) > 1
