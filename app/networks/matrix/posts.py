"""My posts on Matrix: found by reading my own events in every room I have joined.

``scan`` reads, per room, ``/messages`` filtered to my own messages and redactions,
newest first. The first scan of a session reads at most ``first_pages`` pages of 100 of
my events per room (my replies count too, so that is the latest 1,000 things I sent
there); later scans read only what is newer than the previous one (``to`` = the token
the previous scan started from). Posts outside that first window are found when a
comment arrives on one (``owner``), and from then on listed too.

``listed`` answers whether the last ``scan`` (what ``list_my_posts`` gave the engine)
included a post: the engine stores comments only on posts it knows, so the puller holds
its cursor back when a page has comments on a post the engine has not been given yet.
"""

from __future__ import annotations

import logging

import msgspec
import msgspec.structs

from app.domain import RemotePost
from app.errors import NotFound, PermissionDenied
from app.networks.http import Malformed
from app.networks.matrix.api import READ_TYPES, MatrixApi
from app.networks.matrix.events import join_id, parse_post
from app.networks.matrix.memory import Bounded
from app.networks.matrix.reading import Kind, read

log = logging.getLogger(__name__)


def mine_filter(user_id: str) -> dict:
    """A room event filter for my own messages and redactions."""
    return {"senders": [user_id], "types": READ_TYPES}


class MyPosts:
    """The posts I wrote, by remote id, as far as this session has seen them."""

    def __init__(
        self,
        api: MatrixApi,
        user_id: str,
        *,
        page_size: int = 100,
        first_pages: int = 10,
        later_pages: int = 50,
    ) -> None:
        self._api = api
        self.me = user_id
        self._filter = mine_filter(user_id)
        self._page_size = page_size
        self._first_pages = first_pages
        self._later_pages = later_pages
        self.known: dict[str, RemotePost] = {}
        self._listed: set[str] | None = None
        self._marks: dict[str, str] = {}  # room -> where the previous scan started
        self._others: Bounded[str, bool] = Bounded(20_000)  # thread roots that are not mine

    async def scan(self) -> list[RemotePost]:
        """Every post known after reading what is new in each joined room, newest first."""
        for room in await self._api.joined_rooms():
            await self._scan_room(room)
        self._listed = set(self.known)
        return sorted(self.known.values(), key=lambda p: p.created_at, reverse=True)

    def listed(self, post_id: str) -> bool:
        """True when the last scan returned this post (or nobody asked for a list yet)."""
        return self._listed is None or post_id in self._listed

    def add(self, post: RemotePost) -> None:
        self.known[post.remote_id] = post

    def mark_deleted(self, post_id: str) -> None:
        post = self.known.get(post_id)
        if post is not None:
            self.known[post_id] = msgspec.structs.replace(post, deleted=True)

    def has_posts_in(self, room: str) -> bool:
        prefix = room + "|"
        return any(post_id.startswith(prefix) for post_id in self.known)

    def in_room(self, room: str, created_before: str) -> list[RemotePost]:
        """My posts in a room created before a moment, newest first."""
        prefix = room + "|"
        return sorted(
            (
                p
                for p in self.known.values()
                if p.remote_id.startswith(prefix) and p.created_at <= created_before
            ),
            key=lambda p: p.created_at,
            reverse=True,
        )

    async def owner(self, room: str, root: str, raw: object = None) -> RemotePost | None:
        """My post at the root of a thread (or that a reply answers), None when the event
        is not a post of mine; ``raw`` is the event when it is at hand (else fetched)."""
        post_id = join_id(room, root)
        if post_id in self.known:
            return self.known[post_id]
        if post_id in self._others:
            return None
        try:
            raw = raw if raw is not None else await self._api.event(room, root)
            event = read(raw)
            if event.event.sender == self.me and event.kind is Kind.ROOT:
                self.known[post_id] = parse_post(raw, room)
                return self.known[post_id]
        except (NotFound, PermissionDenied, Malformed):
            pass  # gone, hidden from me, or garbled: in any case not a post I can show
        self._others[post_id] = True
        return None

    async def _scan_room(self, room: str) -> None:
        mark = self._marks.get(room)
        edited: dict[str, None] = {}
        start: str | None = None
        newest: str | None = None
        for _ in range(self._first_pages if mark is None else self._later_pages):
            page = await self._api.messages(
                room, self._filter, start=start, stop=mark, limit=self._page_size
            )
            newest = newest or page.start
            for raw in page.chunk:
                self._learn(room, raw, edited)
            if not page.chunk or page.end is None:
                break
            start = page.end
        if newest is not None:
            self._marks[room] = newest
        for post_id in edited:  # an edit of an older post: read its current text
            _, _, event_id = post_id.rpartition("|")
            try:
                self.known[post_id] = parse_post(await self._api.event(room, event_id), room)
            except (NotFound, PermissionDenied, Malformed) as exc:
                log.info("matrix: could not refresh edited post %s: %s", post_id, exc)

    def _learn(self, room: str, raw: object, edited: dict[str, None]) -> None:
        """One of my events, newest first: a post, an edit of one, or a deletion."""
        try:
            event = read(raw)
            if event.kind is Kind.REDACTION and event.target is not None:
                self.mark_deleted(join_id(room, event.target))
            elif event.kind is Kind.REDACTED:
                self.mark_deleted(join_id(room, event.event_id))
            elif event.kind is Kind.ROOT:
                post = parse_post(raw, room)
                self.known[post.remote_id] = post
                edited.pop(post.remote_id, None)  # read with its latest edit applied
            elif event.kind is Kind.EDIT and join_id(room, str(event.target)) in self.known:
                edited[join_id(room, str(event.target))] = None
        except Malformed as exc:
            log.warning("matrix: skipping one of my events in %s: %s", room, exc)
