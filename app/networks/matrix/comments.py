"""Replies read into comments, the same way for the pull and the pre-send check.

``CommentReader.read_replies`` is the one path from raw events to comments: each event is
read once (``reading.read``), a malformed one becomes a sentence (``reading.skipped``) and
the others go on; a redacted one is set aside for the caller; a reply is placed among my
posts (``placing.py``), and one on none of them is dropped. ``record`` turns a placed
reply into a ``RemoteComment`` and remembers it for the session: by remote id in
``seen`` (for deletions and thread roots), and in ``threaded`` whether it was written in
the post's thread or as a rich reply (Fireside answers it the same way).

Also here, the reads the pre-send check and the re-scan share: a thread whole
(``whole_thread``) and a room's latest messages back to some events (``room_back_to``):
rich replies are no relation the server indexes, so they are found by reading the room.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec

from app.domain import RemoteComment
from app.networks.http import Malformed
from app.networks.matrix.api import READ_TYPES, MatrixApi
from app.networks.matrix.events import Place, member_names, parse_comment
from app.networks.matrix.memory import Bounded, People
from app.networks.matrix.placing import Placer
from app.networks.matrix.posts import MyPosts
from app.networks.matrix.reading import Kind, Read, readable, skipped

log = logging.getLogger(__name__)

PAGE_SIZE = 100
#: Pages of a thread read whole (2,000 events with the default page size).
THREAD_PAGES = 20


def room_filter(limit: int | None = None) -> dict:
    """A room event filter for what Fireside reads, with the senders' member events."""
    flt: dict[str, Any] = {
        "types": READ_TYPES,
        "lazy_load_members": True,
        "include_redundant_members": True,
    }
    if limit is not None:
        flt["limit"] = limit
    return flt


async def whole_thread(
    api: MatrixApi, room: str, root: str, page_size: int = PAGE_SIZE
) -> tuple[list, bool]:
    """The thread's events, newest first, and whether that is all of them (at most
    THREAD_PAGES pages)."""
    events: list = []
    token: str | None = None
    for _ in range(THREAD_PAGES):
        chunk, token = await api.thread(room, root, token, page_size)
        events += chunk
        if not token or not chunk:
            return events, True
    return events, False


class Found(msgspec.Struct):
    """What ``read_replies`` made of some events (each list in the events' order)."""

    placed: list[tuple[object, Read, Place]] = msgspec.field(default_factory=list)
    redacted: list[Read] = msgspec.field(default_factory=list)
    errors: list[str] = msgspec.field(default_factory=list)


def distinct(raws: Iterable[object]) -> list[object]:
    """The events without repeats (by event id; one without an id is kept as it is)."""
    seen: set[str] = set()
    kept = []
    for raw in raws:
        ident = raw.get("event_id") if isinstance(raw, dict) else None
        if isinstance(ident, str):
            if ident in seen:
                continue
            seen.add(ident)
        kept.append(raw)
    return kept


class CommentReader:
    """The session's comments: read, placed, recorded."""

    def __init__(
        self, api: MatrixApi, user_id: str, posts: MyPosts, people: People, page_size: int
    ) -> None:
        self.api = api
        self.me = user_id
        self.posts = posts
        self.people = people
        self.page_size = page_size
        #: comments reported this session, by remote id (for deletions and thread roots)
        self.seen: Bounded[str, RemoteComment] = Bounded(50_000)
        #: whether each of them is in its post's thread (else a rich reply)
        self.threaded: Bounded[str, bool] = Bounded(50_000)
        self.placer = Placer(api, posts, self.seen)
        self._filter = room_filter()

    async def read_replies(
        self,
        room: str,
        raws: Iterable[object],
        at_hand: Mapping[str, object] | None = None,
        wanted: Callable[[Read], bool] | None = None,
    ) -> Found:
        """Each event read and, when it is a reply that ``wanted`` keeps, placed."""
        found = Found()
        for raw, event in readable(room, raws, found.errors):
            if event.kind is Kind.REDACTED:
                found.redacted.append(event)
            elif wanted is None or wanted(event):
                place = await self.placer.place(room, event, at_hand)
                if place is not None:
                    found.placed.append((raw, event, place))
        return found

    async def record_all(
        self, room: str, placed: list[tuple[object, Read, Place]]
    ) -> tuple[list[RemoteComment], list[str]]:
        """The placed replies as comments, their authors' names looked up first."""
        await self.people.ensure(room, (event.event.sender for _, event, _ in placed))
        comments, errors = [], []
        for raw, _, place in placed:
            try:
                comments.append(self.record(room, raw, place))
            except Malformed as exc:  # read() checked what parsing uses: a safety net
                errors.append(skipped(room, raw, exc))
        return comments, errors

    def record(self, room: str, raw: object, place: Place) -> RemoteComment:
        """One placed reply as a comment, remembered (names known or looked up before)."""
        parent = place.parent
        roots: dict[str, str | None] = {}
        if parent is not None and parent in self.seen:
            roots[parent] = self.seen[parent].root_remote_id
        comment = parse_comment(raw, room, self.me, self.people.names, roots, place=place)
        self.seen[comment.remote_id] = comment
        self.threaded[comment.remote_id] = place.threaded
        return comment

    async def room_back_to(self, room: str, events: set[str], pages: int) -> tuple[list, set[str]]:
        """The room's latest messages, newest first, back to the oldest of ``events``
        (event ids), and which of those were reached (at most ``pages`` pages)."""
        found: list = []
        reached: set[str] = set()
        start: str | None = None
        for _ in range(pages):
            page = await self.api.messages(room, self._filter, start=start, limit=self.page_size)
            self.people.learn(member_names(page.state))
            found += page.chunk
            reached |= events & {r.get("event_id") for r in page.chunk if isinstance(r, dict)}
            if reached == events or not page.chunk or page.end is None:
                break
            start = page.end
        return found, reached
