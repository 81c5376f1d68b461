"""Which post of mine a reply is a comment on, and which comment it answers (``Place``).

- A **thread reply** is on the thread's root when that is a post of mine; its parent is
  the event its ``m.in_reply_to`` names, unless that is only the thread fallback or the
  root itself (``events.thread_place``).
- A **rich reply** (``m.in_reply_to`` alone: Element's plain "Reply") to a post of mine
  is a top-level comment on it; one to a comment of mine or anyone's (in the thread, or
  itself a rich reply) is on that comment's post, with that comment as its parent. The
  chain is followed up through the events it names, at most ``HOPS`` of them; each event
  is read once and where it stands (a post of mine, or None: not on my posts) kept for
  the session, unless the bound cut its walk short (a later, shorter walk may place it).
  A chain through a malformed event, a deleted one or one I cannot see stops there: the
  reply is on none of my posts.

Events at hand (the page being pulled, the events being scanned) are read from there;
others are fetched one at a time (``/rooms/{r}/event/{e}``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from app.domain import RemoteComment
from app.errors import NotFound, PermissionDenied
from app.networks.http import Malformed
from app.networks.matrix.api import MatrixApi
from app.networks.matrix.events import Place, join_id, thread_place
from app.networks.matrix.memory import Bounded
from app.networks.matrix.posts import MyPosts
from app.networks.matrix.reading import Kind, Read, read

log = logging.getLogger(__name__)

#: The longest chain of rich replies followed up to find its post.
HOPS = 20


class Placer:
    """Places replies among my posts; remembers what it learnt for the session."""

    def __init__(self, api: MatrixApi, posts: MyPosts, seen: Mapping[str, RemoteComment]) -> None:
        self._api = api
        self._posts = posts
        self._seen = seen
        #: event remote id -> the remote id of my post it is on (itself for a post of
        #: mine), None when it is on none of my posts
        self._on: Bounded[str, str | None] = Bounded(50_000)

    def not_mine(self, room: str, event: Read) -> None:
        """Learn from a root message at hand that is not mine: nothing on it is a comment."""
        if event.kind is Kind.ROOT and event.event.sender != self._posts.me:
            self._on[join_id(room, event.event_id)] = None

    async def place(
        self, room: str, event: Read, at_hand: Mapping[str, object] | None = None
    ) -> Place | None:
        """Where a reply stands on my posts; None when it is on none of them."""
        at_hand = at_hand or {}
        if event.kind is Kind.THREAD_REPLY:
            spot = thread_place(room, event)
            assert event.root is not None  # a thread reply has its root
            if await self._posts.owner(room, event.root, at_hand.get(event.root)) is None:
                return None
        elif event.kind is Kind.RICH_REPLY and event.reply_to is not None:
            target = join_id(room, event.reply_to)
            post, _ = await self._post_of(room, event.reply_to, HOPS, at_hand)
            if post is None:
                return None
            spot = Place(post, None if post == target else target, False)
        else:
            return None
        self._on[join_id(room, event.event_id)] = spot.post
        return spot

    async def _post_of(
        self, room: str, event_id: str, hops: int, at_hand: Mapping[str, object]
    ) -> tuple[str | None, bool]:
        """The remote id of my post this event is, or is on (None: none), and whether that
        is sure: a chain cut short by the ``HOPS`` bound is not, and is not remembered."""
        key = join_id(room, event_id)
        if key in self._posts.known:
            return key, True
        if key in self._seen:
            return self._seen[key].post_remote_id, True
        if key in self._on:
            return self._on[key], True
        raw = at_hand.get(event_id)
        if raw is None:
            try:
                raw = await self._api.event(room, event_id)
            except (NotFound, PermissionDenied):
                raw = None
        post, sure = await self._post_of_raw(room, raw, hops, at_hand)
        if sure:
            self._on[key] = post
        return post, sure

    async def _post_of_raw(
        self, room: str, raw: object, hops: int, at_hand: Mapping[str, object]
    ) -> tuple[str | None, bool]:
        if raw is None:
            return None, True
        try:
            event = read(raw)
        except Malformed as exc:
            log.info("matrix: a reply chain in %s goes through an unreadable event: %s", room, exc)
            return None, True
        if event.kind is Kind.ROOT:
            post = await self._posts.owner(room, event.event_id, raw)
        elif event.kind is Kind.THREAD_REPLY and event.root is not None:
            post = await self._posts.owner(room, event.root, at_hand.get(event.root))
        elif event.kind is Kind.RICH_REPLY and event.reply_to is not None:
            if hops <= 0:
                return None, False
            return await self._post_of(room, event.reply_to, hops - 1, at_hand)
        else:
            return None, True
        return (post.remote_id if post is not None else None), True
