"""'/' searches comments, posts and drafts (FTS5) in the real main window over a synced
sandbox inbox: matching posts and drafts sit in a compact section above the comments; k
from the first comment moves into it, Enter on a post narrows the inbox to that post, Enter
on a draft opens it in the editor."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from paging import first_page_ids
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain import InboxView, Post, SearchResults
from app.store.accounts import list_posts
from app.store.search import search_comments, search_drafts, search_everything, search_posts
from ui.inbox.search_hits import HITS

pytestmark = pytest.mark.ui

DRAFT_TITLE = "Quarterly numbers follow-up for the town hall"


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def search_for(qtbot, window, text: str) -> None:
    inbox = window.inbox
    press(qtbot, window, "/")
    qtbot.keyClicks(inbox.search, text)
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: inbox.searching and inbox.title.text().startswith("Search"))
    qtbot.waitUntil(inbox.list.hasFocus)


@dataclass(frozen=True)
class Found:
    """A post, and a word of its title that no other post has."""

    post: Post
    word: str

    @property
    def id(self) -> int:
        return self.post.id

    @property
    def title(self) -> str:
        return self.post.title


@pytest.fixture
def post(synced_core) -> Found:
    """A post whose title has a word of its own (few comments use it)."""
    db = synced_core.store.reader()
    for candidate in list_posts(db):
        for raw in sorted(candidate.title.split(), key=len, reverse=True):
            word = raw.strip(":,.!?()")
            if len(word) >= 6 and [p.id for p in search_posts(db, word)] == [candidate.id]:
                return Found(candidate, word)
    pytest.fail("no post title with a word of its own")


def test_posts_and_drafts_show_above_the_comment_results(
    window, synced_core, qtbot, wait_for, post
):
    draft_id = wait_for(synced_core.drafts.new(f"{post.word} — {DRAFT_TITLE}", "Notes."))
    inbox = window.inbox
    search_for(qtbot, window, post.word)
    db = synced_core.store.reader()
    qtbot.waitUntil(inbox.hits.isVisible)
    assert inbox.hits.heading.text() == "Posts (1) · Drafts (1)"
    assert inbox.hits.titles() == [
        f"Post:  {post.title}",
        f"Draft:  {post.word} — {DRAFT_TITLE}",
    ]
    assert inbox.model.ids() == [r.id for r in search_comments(db, post.word)]
    assert [d.id for d in search_drafts(db, post.word)] == [draft_id]

    press(qtbot, window, Qt.Key.Key_Escape)  # leaving the search hides them
    assert not inbox.searching and not inbox.hits.isVisible()


def test_enter_on_a_post_shows_its_comments(window, synced_core, qtbot, post):
    inbox = window.inbox
    search_for(qtbot, window, post.word)
    qtbot.waitUntil(inbox.hits.isVisible)
    if inbox.model.rowCount():
        inbox.select_id(inbox.model.row_id(0))
    press(qtbot, window, "k")  # from the first comment up into the posts and drafts
    assert inbox.hits.list.hasFocus()
    assert inbox.hits.list.currentItem().text() == f"Post:  {post.title}"
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: inbox.post_id == post.id)
    assert not inbox.searching and inbox.search.text() == ""
    assert inbox.post_chip.isVisible()
    assert inbox.model.ids() == first_page_ids(inbox, InboxView.NEEDS_REPLY, post.id)
    assert inbox.list.hasFocus()
    assert window.sidebar.currentItem() is window.sidebar._post_items[post.id]


def test_enter_on_a_draft_opens_it_in_the_editor(window, synced_core, qtbot, wait_for):
    draft_id = wait_for(synced_core.drafts.new(DRAFT_TITLE, "What we heard, and what is next."))
    other = wait_for(synced_core.drafts.new("Something else entirely", ""))
    inbox = window.inbox
    qtbot.waitUntil(lambda: draft_id in window.sidebar._draft_items)
    search_for(qtbot, window, "quarterly numbers foll")  # the last word is a prefix
    qtbot.waitUntil(inbox.hits.isVisible)
    titles = inbox.hits.titles()
    assert f"Draft:  {DRAFT_TITLE}" in titles and "Draft:  Something else entirely" not in titles
    inbox.hits.list.setFocus()
    inbox.hits.list.setCurrentRow(titles.index(f"Draft:  {DRAFT_TITLE}"))
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.editor)
    qtbot.waitUntil(lambda: window.editor.draft_id == draft_id)
    assert window.editor.title_edit.text() == DRAFT_TITLE
    assert window.sidebar.currentItem() is window.sidebar._draft_items[draft_id]
    assert other != draft_id


def test_search_reads_all_three_and_caps_the_hits(synced_core, wait_for):
    """The window's search (``core.inbox.search``, asked for one hit more than it lists, so
    "20+" can say there are more): comments, posts and drafts in one read."""
    db = synced_core.store.reader()
    found = wait_for(synced_core.inbox.search("the", HITS + 1))
    assert isinstance(found, SearchResults)
    assert list(found.comments) == search_comments(db, "the")
    assert len(found.posts) == min(HITS + 1, len(search_posts(db, "the", limit=100)))
    assert found.drafts == ()
    assert found == search_everything(db, "the", HITS + 1)
    assert wait_for(synced_core.inbox.search("   ", HITS + 1)) == SearchResults((), (), ())
