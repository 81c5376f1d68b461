"""The inbox as front ends use it: views and their counts, pages of rows, threads, search,
triage with undo, and VIP tiers set by hand (the star is a key person).

The first page of a view is a short indexed read: ``page`` runs on the calling thread's
read-only connection (a view opens with its rows); everything else, the next pages as
the list scrolls included (``page_after``), runs on the store's reading or writing thread
and is awaited.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

from app import events as ev
from app.core.display import shown_posts, shown_results, shown_rows
from app.domain import (
    NO_FILTER,
    InboxFilter,
    InboxRow,
    InboxView,
    Post,
    SearchResults,
    SortKey,
    Thread,
    TriageState,
    VipTier,
)
from app.store import Store, comments, outbox, reply_drafts, search, triage, vips
from app.store import accounts as accounts_repo
from app.store.sql import Database
from app.text.plural import count

#: Triage-log action of a batch reply; the batch id follows, so undo can recall it.
REPLY_ACTION = "reply:"
#: A triage of more comments than this announces a change anywhere (the sidebar re-reads
#: every post) instead of naming the posts it touched.
NAMED_POSTS_MAX = 1000

Read = TypeVar("Read")


def _shown(clean: Callable[[Read], Read], read: Callable[..., Read]) -> Callable[..., Read]:
    """``read`` followed by the display cleaning, both on the store's reading thread: the
    cleaning of thousands of rows would otherwise run on the UI thread after the await."""

    def read_and_clean(db: Database, *args: Any) -> Read:
        return clean(read(db, *args))

    return read_and_clean


class Inbox:
    def __init__(self, store: Store, events: ev.Events) -> None:
        self._store = store
        self._events = events

    # --- reading --------------------------------------------------------------------
    def page(
        self,
        view: InboxView,
        post_id: int | None = None,
        after: SortKey | None = None,
        limit: int = 100,
        narrow: InboxFilter = NO_FILTER,
    ) -> list[InboxRow]:
        """One page of a view in its order, narrowed by ``narrow``, after the row with key
        ``after``; a short indexed read on the calling thread's read-only connection."""
        db = self._store.reader()
        return shown_rows(comments.view_page(db, view, post_id, after, limit, narrow=narrow))

    async def top(
        self, view: InboxView, post_id: int | None, limit: int, narrow: InboxFilter = NO_FILTER
    ) -> list[InboxRow]:
        """The first ``limit`` rows of a view, read on the store's reading thread."""
        return await self.page_after(view, post_id, None, limit, narrow)

    async def page_after(
        self,
        view: InboxView,
        post_id: int | None,
        after: SortKey | None,
        limit: int,
        narrow: InboxFilter = NO_FILTER,
    ) -> list[InboxRow]:
        """``page``, read on the store's reading thread (the list's next page as it
        scrolls: the UI thread goes on meanwhile)."""
        read = partial(comments.view_page, narrow=narrow)
        return await self._store.read(_shown(shown_rows, read), view, post_id, after, limit)

    async def rows(self, ids: list[int]) -> list[InboxRow]:
        """List rows for these comments, in the order given (deleted ones dropped)."""
        return await self._store.read(_shown(shown_rows, comments.rows_by_id), ids)

    async def counts(self) -> Mapping[InboxView, int]:
        return await self._store.read(comments.view_counts)

    async def open_counts(self, post_ids: frozenset[int]) -> Mapping[int, int]:
        """How many comments are open on each of these posts (deleted ones left out)."""
        return await self._store.read(accounts_repo.open_counts, post_ids)

    async def count(
        self, view: InboxView, post_id: int | None, narrow: InboxFilter = NO_FILTER
    ) -> int:
        """How many comments the view holds, narrowed by ``narrow``."""
        return await self._store.read(comments.view_count, view, post_id, narrow)

    async def snapshot(
        self, view: InboxView, post_id: int | None, narrow: InboxFilter = NO_FILTER
    ) -> tuple[int, int]:
        """(bound, count) of "the whole view, now": comments up to the bound id."""
        return await self._store.read(comments.view_snapshot, view, post_id, narrow)

    async def ids_up_to(
        self, view: InboxView, post_id: int | None, bound: int, narrow: InboxFilter = NO_FILTER
    ) -> list[int]:
        """The ids of the view still in it, up to a ``snapshot`` bound, in its order."""
        return await self._store.read(comments.view_ids, view, post_id, bound, narrow)

    async def posts(self) -> list[Post]:
        return await self._store.read(_shown(shown_posts, accounts_repo.list_posts))

    async def thread(self, comment_id: int) -> Thread:
        """The chain from the top-level comment to this one, and the replies under it."""
        return await self._store.read(comments.thread, comment_id)

    async def search(self, text: str, hits: int = 50) -> SearchResults:
        """Comments, and up to ``hits`` posts and drafts, matching ``text``."""
        return await self._store.read(_shown(shown_results, search.search_everything), text, hits)

    # --- triage ---------------------------------------------------------------------
    async def set_triage(
        self, ids: list[int], state: TriageState, snoozed_until: str | None = None
    ) -> None:
        self._events.emit(await self._store.run(_set_state, ids, state, snoozed_until))

    async def star_author(self, comment_id: int, starred: bool) -> str:
        """Star (a key person, by hand) or unstar (not a VIP, by hand) the person who
        wrote ``comment_id``; returns their name."""
        return await self.set_author_tier(comment_id, VipTier.KEY if starred else VipTier.NONE)

    async def set_author_tier(self, comment_id: int, tier: VipTier) -> str:
        """Set by hand the VIP tier of the person who wrote ``comment_id`` (a tier set by
        hand wins over the directory and imported lists); returns their name."""
        name = await self._store.run(vips.set_author_tier, comment_id, tier)
        self._events.emit(ev.InboxChanged(themes=False))
        return name

    async def newest_comment_id(self) -> int:
        """Where "new" starts: comments after this one are new to whoever asks now."""
        return await self._store.read(vips.newest_comment_id)

    async def vips_after(self, after_id: int) -> list[InboxRow]:
        """Comments after ``after_id`` by VIPs (any tier), still needing a reply."""
        return await self._store.read(vips.vips_after, after_id)

    async def undo(self) -> str | None:
        """Undo the last triage action; returns a sentence saying what was undone."""
        undone = await self._store.run(_undo_last)
        if undone is None:
            return None
        action, ids, recalled, gone = undone
        self._events.emit(await self._store.read(_triaged, ids))
        sentence = f"Undid {action} on {count(len(ids), 'comment')}."
        if recalled:
            self._events.emit(ev.OutboxChanged())
            sentence += f" Cancelled {count(recalled, 'queued reply', 'queued replies')}."
        if gone:
            sentence += (
                f" {count(gone, 'reply', 'replies')} had already left and "
                "cannot be recalled; see the outbox."
            )
        return sentence

    async def wake_snoozed(self) -> int:
        woke = await self._store.run(triage.wake_snoozed)
        if woke:
            self._events.emit(ev.InboxChanged())
        return woke


def _triaged(db: Database, ids: list[int]) -> ev.InboxChanged:
    """What a triage of ``ids`` (or its undo) changed: the posts they are on (None,
    anywhere, for many), and the themes only if one of them is a question in a theme."""
    posts = comments.posts_of(db, ids) if len(ids) <= NAMED_POSTS_MAX else None
    return ev.InboxChanged(posts, themes=comments.any_in_themes(db, ids))


def _set_state(
    db: Database, ids: list[int], state: TriageState, snoozed_until: str | None
) -> ev.InboxChanged:
    """Triage ``ids``; what that changed (``_triaged``)."""
    triage.set_state(db, ids, state, snoozed_until)
    return _triaged(db, ids)


def _undo_last(db: Database) -> tuple[str, list[int], int, int] | None:
    """Undo the last triage action; undoing a batch reply also cancels its replies that
    have not left yet. Returns (action, comment ids, replies cancelled, replies gone)."""
    undone = triage.undo_last(db)
    if undone is None:
        return None
    action, ids = undone
    if action.startswith(REPLY_ACTION):
        batch = action.removeprefix(REPLY_ACTION)
        recalled, gone = outbox.cancel_batch(db, batch)
        words = reply_drafts.batch_words(db, batch)
        if recalled and not gone and words is not None:  # the words wait as reply drafts
            reply_drafts.save(db, ids, *words)
        return "reply", ids, recalled, gone
    return action.replace("_", " "), ids, 0, 0
