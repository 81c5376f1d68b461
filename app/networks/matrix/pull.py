"""Pulling comments from Matrix: incremental ``/sync``, back-fill of limited timelines, and
turning a batch of events into comments, edits and deletions.

One ``pull`` call is one page (see ``cursor.py`` for the cursor):

- no back-fill pending: ``GET /sync?since=`` with a filter (only ``m.room.message`` and
  ``m.room.redaction`` in timelines, at most ``timeline_limit`` per room; members of the
  timeline's senders for their names; no presence, receipts or account data;
  ``timeout=0``). A room whose timeline is ``limited`` gets a back-fill entry when I have
  a post there (comments are only ever on my posts; a busy room I never posted in costs
  nothing more).
- back-fill pending: one ``/messages`` page (newest first) of the first entry's room,
  down to the token the sync started from. The first sync back-fills each room at most
  ``first_pages`` pages (1,000 events with the default 100 a page, plus the sync's own
  50); a later one at most ``later_pages`` (5,000 events), beyond which the page says
  which room lost older events.

A batch of events becomes comments like this (``events.py`` has the mapping):

- a thread reply, or the target of an edit: if it is in the thread of a post of mine, its
  current state. An edited event is read back with ``/event`` (the server bundles its
  latest edit there; a sync whose timeline is not limited bundles nothing, since the edit
  is in the same batch);
- a redaction, or an event that arrives already redacted: a comment seen earlier in the
  session is reported deleted; a post of mine is marked deleted for ``list_my_posts``;
  otherwise (a redacted event keeps no relation) my posts in that room from before it are
  re-read whole (``/relations/{post}/m.thread``) and named in ``complete_for_posts``, so
  the store marks whatever is gone as deleted. That re-read covers the ``rescan_posts``
  newest such posts; a page says so when it could not check them all.
- one malformed event is one sentence in ``CommentPage.errors``; a page whose envelope is
  not what the spec describes is BadResponse (the cursor does not move).

A page with a comment on a post ``list_my_posts`` has not returned yet (posted after the
engine asked, or older than the first scan) keeps the cursor where it was
(``next_cursor`` None): the engine lists posts again on its next pull and then gets the
comments; ``MyPosts`` lists that post from then on.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import reprlib
from typing import Any

from app.domain import CommentPage, RemoteComment
from app.errors import BadResponse, NotFound, PermissionDenied
from app.networks.http import Malformed
from app.networks.matrix.api import READ_TYPES, MatrixApi
from app.networks.matrix.cursor import Cursor, Fill, decode, encode
from app.networks.matrix.events import (
    Envelope,
    edit_target,
    envelope,
    join_id,
    member_names,
    moment,
    parse_comment,
    relation,
    split_id,
    thread_root,
)
from app.networks.matrix.memory import Bounded, People
from app.networks.matrix.posts import MyPosts

log = logging.getLogger(__name__)

TIMELINE_LIMIT = 50
PAGE_SIZE = 100
FIRST_PAGES = 10
LATER_PAGES = 50
THREAD_PAGES = 20
RESCAN_POSTS = 20

_Key = tuple[str, str]  # (room id, event id)


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


def sync_filter(timeline_limit: int) -> str:
    nothing = {"not_types": ["*"]}
    members = {
        "types": ["m.room.member"],
        "lazy_load_members": True,
        "include_redundant_members": True,
    }
    return json.dumps(
        {
            "presence": nothing,
            "account_data": nothing,
            "room": {
                "timeline": room_filter(timeline_limit),
                "state": members,
                "ephemeral": nothing,
                "account_data": nothing,
            },
        },
        separators=(",", ":"),
    )


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


@dataclasses.dataclass
class _Room:
    room: str
    events: list
    limited: bool
    prev_batch: str | None
    names: dict[str, str]


def _joined_rooms(data: dict, service: str) -> list[_Room]:
    """The joined rooms of a sync answer; BadResponse when its shape is not the spec's."""

    def bad(why: str) -> BadResponse:
        return BadResponse(f"{service} sent a sync answer Fireside cannot read: {why}.")

    rooms = data.get("rooms") or {}
    join = rooms.get("join") or {} if isinstance(rooms, dict) else None
    if not isinstance(join, dict):
        raise bad("its rooms are not an object")
    found = []
    for room, entry in join.items():
        timeline = entry.get("timeline") or {} if isinstance(entry, dict) else None
        if not isinstance(timeline, dict):
            raise bad(f"room {reprlib.repr(room)} has no timeline object")
        events = timeline.get("events") or []
        prev = timeline.get("prev_batch")
        if not isinstance(events, list) or not (prev is None or isinstance(prev, str)):
            raise bad(f"the timeline of room {reprlib.repr(room)} is malformed")
        state = entry.get("state") or {}
        names = member_names(state.get("events") if isinstance(state, dict) else None)
        found.append(_Room(room, events, timeline.get("limited") is True, prev, names))
    return found


def _item_error(room: str, raw: object, exc: Exception) -> str:
    ident = raw.get("event_id") if isinstance(raw, dict) else None
    shown = reprlib.repr(ident) if isinstance(ident, str) else "(no id)"
    return f"Matrix event {shown} in room {reprlib.repr(room)} is malformed and was skipped: {exc}."


class Puller:
    """Comments on my posts, page by page (see the module docstring)."""

    def __init__(
        self,
        api: MatrixApi,
        user_id: str,
        posts: MyPosts,
        people: People,
        *,
        timeline_limit: int = TIMELINE_LIMIT,
        page_size: int = PAGE_SIZE,
        first_pages: int = FIRST_PAGES,
        later_pages: int = LATER_PAGES,
        rescan_posts: int = RESCAN_POSTS,
    ) -> None:
        self.api = api
        self.me = user_id
        self.posts = posts
        self.people = people
        self.page_size = page_size
        self.rescan_posts = rescan_posts
        self._first_pages = first_pages
        self._later_pages = later_pages
        self._sync_filter = sync_filter(timeline_limit)
        self._room_filter = room_filter()
        #: comments reported this session, by remote id (for deletions and thread roots)
        self.seen: Bounded[str, RemoteComment] = Bounded(50_000)

    async def pull(self, cursor_text: str | None) -> CommentPage:
        try:
            cursor = decode(cursor_text)
        except ValueError as exc:
            log.warning("matrix: unreadable cursor (%s); syncing from the start", exc)
            cursor = Cursor()
        if cursor.fills:
            return await self._backfill(cursor)
        return await self._sync(cursor)

    async def _sync(self, cursor: Cursor) -> CommentPage:
        data = await self.api.sync(cursor.since, self._sync_filter)
        batch = _Batch(self)
        fills = []
        pages = self._first_pages if cursor.since is None else self._later_pages
        for room in _joined_rooms(data, self.api.service):
            self.people.learn(room.names)
            batch.add(room.room, room.events)
            if room.limited and room.prev_batch and self.posts.has_posts_in(room.room):
                fills.append(Fill(room.room, room.prev_batch, cursor.since, pages))
        return await batch.page(Cursor(data["next_batch"], tuple(fills)))

    async def _backfill(self, cursor: Cursor) -> CommentPage:
        fill, rest = cursor.fills[0], cursor.fills[1:]
        page = await self.api.messages(
            fill.room, self._room_filter, start=fill.start, stop=fill.stop, limit=self.page_size
        )
        self.people.learn(member_names(page.state))
        batch = _Batch(self)
        batch.add(fill.room, list(reversed(page.chunk)))  # oldest first, like a timeline
        end = page.end if page.chunk else None
        if end is not None and fill.pages_left > 1:
            rest = (Fill(fill.room, end, fill.stop, fill.pages_left - 1), *rest)
        elif end is not None and fill.stop is not None:
            batch.errors.append(
                f"Room {fill.room} had more than {self._later_pages * self.page_size:,} new "
                "messages since the last sync; Fireside read the newest and skipped older ones."
            )
        return await batch.page(Cursor(cursor.since, rest))

    async def comments(self, room: str, raws: list) -> list[RemoteComment]:
        """Thread replies as comments (Malformed for one that is not)."""
        events = [envelope(raw) for raw in raws]
        await self.people.ensure(room, (e.sender for e in events))
        return [self.comment(room, raw) for raw in raws]

    def comment(self, room: str, raw: object) -> RemoteComment:
        """One thread reply as a comment (names known or looked up before)."""
        rel = relation(envelope(raw).content)
        parent = join_id(room, rel.reply_to) if rel and rel.reply_to else None
        roots = {parent: self.seen[parent].root_remote_id} if parent in self.seen else {}
        comment = parse_comment(raw, room, self.me, self.people.names, roots)
        self.seen[comment.remote_id] = comment
        return comment


class _Batch:
    """The events of one page, resolved into comments, deletions and re-scans."""

    def __init__(self, puller: Puller) -> None:
        self.p = puller
        self.raw: dict[_Key, object] = {}
        self.touched: dict[_Key, None] = {}  # thread replies and edit targets, in order
        self.edited: set[_Key] = set()  # read back from the server, with the latest edit
        self.removed: dict[_Key, Envelope | None] = {}  # redacted, with the event if known
        self.errors: list[str] = []
        self.comments: dict[str, RemoteComment] = {}
        self.complete: list[str] = []
        self.hold = False

    def add(self, room: str, events: list) -> None:
        for raw in events:
            try:
                event = envelope(raw)
                if event.redacts is not None:
                    self.removed.setdefault((room, event.redacts), None)
                elif event.type != "m.room.message":
                    continue
                elif event.redacted:
                    self.removed[(room, event.event_id)] = event
                elif thread_root(event) is not None:
                    self.raw[(room, event.event_id)] = raw
                    self.touched[(room, event.event_id)] = None
                elif (target := edit_target(event)) is not None:
                    self.touched[(room, target)] = None
                    self.edited.add((room, target))
            except Malformed as exc:
                self.errors.append(_item_error(room, raw, exc))

    async def page(self, after: Cursor) -> CommentPage:
        await self._resolve_touched()
        await self._resolve_removed()
        return CommentPage(
            comments=list(self.comments.values()),
            next_cursor=None if self.hold else encode(after),
            has_more=bool(after.fills) and not self.hold,
            errors=self.errors,
            complete_for_posts=tuple(self.complete),
        )

    async def _fetch(self, room: str, event_id: str) -> object | None:
        try:
            return await self.p.api.event(room, event_id)
        except (NotFound, PermissionDenied):
            return None  # gone, or never visible to me: nothing to show either way

    async def _resolve_touched(self) -> None:
        """Current state of each thread reply and edited event that is on a post of mine."""
        mine: list[tuple[str, object]] = []
        for key in self.touched:
            room, event_id = key
            fresh = key not in self.raw or key in self.edited
            raw = await self._fetch(room, event_id) if fresh else self.raw[key]
            if raw is None:
                continue
            try:
                event = envelope(raw)
                if event.redacted:
                    self.removed[(room, event_id)] = event
                    continue
                root = thread_root(event)
            except Malformed as exc:
                self.errors.append(_item_error(room, raw, exc))
                continue
            post = await self.p.posts.owner(room, root) if root else None
            if post is None:
                continue
            self.hold |= not self.p.posts.listed(post.remote_id)
            mine.append((room, raw))
        for room in {room for room, _ in mine}:
            senders = (r.get("sender") for rm, r in mine if rm == room and isinstance(r, dict))
            await self.p.people.ensure(room, (s for s in senders if isinstance(s, str)))
        for room, raw in mine:
            self._add(room, raw)

    def _add(self, room: str, raw: object) -> None:
        try:
            comment = self.p.comment(room, raw)
        except Malformed as exc:
            self.errors.append(_item_error(room, raw, exc))
            return
        self.comments[comment.remote_id] = comment

    async def _resolve_removed(self) -> None:
        """Deletions: a comment seen this session directly, anything else by re-scan."""
        rescan: dict[str, int] = {}  # room -> time of the newest unmatched deletion
        for (room, event_id), known in self.removed.items():
            remote_id = join_id(room, event_id)
            if remote_id in self.p.posts.known:
                self.p.posts.mark_deleted(remote_id)
                continue
            if remote_id in self.p.seen:
                gone = dataclasses.replace(self.p.seen[remote_id], deleted=True, body_html="")
                self.p.seen[remote_id] = self.comments[remote_id] = gone
                continue
            event = known or await self._fetched_envelope(room, event_id)
            if event is not None and event.type == "m.room.message":
                rescan[room] = max(rescan.get(room, 0), event.ts)
        for room, ts in rescan.items():
            await self._rescan(room, moment(ts))

    async def _fetched_envelope(self, room: str, event_id: str) -> Envelope | None:
        raw = await self._fetch(room, event_id)
        try:
            return envelope(raw) if raw is not None else None
        except Malformed:
            return None

    async def _rescan(self, room: str, before: str) -> None:
        """Re-read whole the threads of my posts in ``room`` that a deletion may concern."""
        candidates = self.p.posts.in_room(room, before)
        unchecked = len(candidates) > self.p.rescan_posts
        for post in candidates[: self.p.rescan_posts]:
            _, root = split_id(post.remote_id)
            events, complete = await whole_thread(self.p.api, room, root, self.p.page_size)
            live = [raw for raw in events if not _redacted(raw)]
            senders = (raw.get("sender") for raw in live if isinstance(raw, dict))
            await self.p.people.ensure(room, (s for s in senders if isinstance(s, str)))
            for raw in reversed(live):  # oldest first: parents before their replies
                self._add(room, raw)
            if complete:
                self.complete.append(post.remote_id)
            unchecked |= not complete
        if unchecked:
            self.errors.append(
                f"A message was deleted in room {room}, but Fireside could not check all of "
                "your posts there for it; if it was a comment on an older post, it may still "
                "show until that post is re-read."
            )


def _redacted(raw: object) -> bool:
    unsigned = raw.get("unsigned") if isinstance(raw, dict) else None
    return isinstance(unsigned, dict) and "redacted_because" in unsigned
