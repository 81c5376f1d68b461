"""The sidebar keeps its counts current without reading every post again for each
triage: a change that names its posts (``InboxChanged.posts``) reads those posts' counts
only; a change anywhere (a sync page) reads every post, as before. The themes are counted
again only when the change may alter them (``InboxChanged.themes``)."""

from __future__ import annotations

import pytest

from app import events as ev
from app.domain import InboxView, TriageState, VipTier
from app.store import comments, vectors
from app.store.accounts import list_posts

pytestmark = pytest.mark.ui


def _calls(monkeypatch, owner: object, name: str) -> list[int]:
    """One entry each time ``owner.name()`` is called from now on (the call is kept real)."""
    calls: list[int] = []
    real = getattr(owner, name)

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(owner, name, counted)
    return calls


@pytest.fixture
def post_reads(window, monkeypatch) -> list[int]:
    """Each time the sidebar asks the core for every post."""
    return _calls(monkeypatch, window.sidebar._core.inbox, "posts")


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
    changed = [e.posts for e in heard if isinstance(e, ev.InboxChanged)]
    assert changed == [posts] and len(posts) > 1


def _themed(synced_core) -> set[int]:
    """The questions in a theme (those with a sentence vector)."""
    db = synced_core.store.reader()
    return {i for (i,) in db.execute("SELECT comment_id FROM comment_vectors")}


def test_a_triage_says_whether_it_can_change_the_themes(synced_core, wait_for):
    heard: list[ev.Event] = []
    synced_core.events.subscribe(heard.append)
    themed = _themed(synced_core)
    ids = [r.id for r in comments.view_page(synced_core.store.reader(), InboxView.ALL)]
    plain = [i for i in ids if i not in themed][:5]
    question = next(i for i in ids if i in themed)
    wait_for(synced_core.inbox.set_triage(plain, TriageState.DONE))
    wait_for(synced_core.inbox.set_triage([*plain, question], TriageState.SNOOZED, "2999-01-01"))
    wait_for(synced_core.inbox.undo())
    wait_for(synced_core.inbox.set_author_tier(question, VipTier.KEY))
    wait_for(synced_core.replies.save_draft([question], "Thanks for asking"))
    changed = [e.themes for e in heard if isinstance(e, ev.InboxChanged)]
    assert changed == [False, True, True, False, False]


@pytest.fixture
def theme_counts(window, monkeypatch) -> list[int]:
    """Each time the window asks the core for the themes."""
    return _calls(monkeypatch, window.sidebar._core.grouping, "themes")


def test_the_themes_are_counted_again_only_when_a_triage_can_change_them(
    window, synced_core, wait_for, qtbot, theme_counts
):
    sidebar, row = window.sidebar, window.sidebar.themes
    db = synced_core.store.reader()
    themes = vectors.themes(db)
    window.after_first_paint()  # the count starts after the first paint, as the app does
    qtbot.waitUntil(lambda: row.text(1) == f"{len(themes):,}")
    counted = len(theme_counts)
    themed = _themed(synced_core)
    ids = [r.id for r in comments.view_page(db, InboxView.NEEDS_REPLY, limit=200)]
    plain = next(i for i in ids if i not in themed)
    waiting = sidebar.counts[InboxView.NEEDS_REPLY]

    wait_for(synced_core.inbox.set_triage([plain], TriageState.DONE))
    qtbot.waitUntil(lambda: sidebar.counts[InboxView.NEEDS_REPLY] == waiting - 1)
    assert len(theme_counts) == counted  # the counts were read again, the themes were not

    members = [
        i
        for (i,) in db.execute(
            "SELECT comment_id FROM comment_vectors WHERE theme_id = "
            "(SELECT theme_id FROM comment_vectors WHERE comment_id = ?)",
            [themes[0].seed_id],
        )
    ]
    wait_for(synced_core.inbox.set_triage(members, TriageState.DONE))  # one theme answered
    after = vectors.themes(db)
    assert len(after) < len(themes)
    qtbot.waitUntil(lambda: row.text(1) == f"{len(after):,}")
    assert len(theme_counts) > counted


def test_a_posts_new_count_widens_the_count_column_to_show_it_whole(window, qtbot):
    """One post's count changed (a triage) is measured without going through every post's,
    and the column still widens for it."""
    sidebar = window.sidebar
    qtbot.waitUntil(lambda: not sidebar.updating and bool(sidebar._post_items))
    post_id = next(iter(sidebar._post_items))
    wide = 10**15  # wider than any column the seed needs
    sidebar._show_open(frozenset({post_id}), {post_id: wide})
    assert _count_text(window, post_id) == f"{wide:,}"
    needed = sidebar._count_metrics().horizontalAdvance(f"{wide:,}")
    assert sidebar.header().sectionSize(1) >= needed
