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

A batch of events becomes comments like this (``comments.py`` reads them, ``placing.py``
finds their post, ``events.py`` has the mapping):

- a thread reply, a rich reply in a room where I have posts, or the target of an edit:
  if it is a comment on a post of mine, its current state. An edited event is read back
  with ``/event`` (the server bundles its latest edit there; a sync whose timeline is not
  limited bundles nothing, since the edit is in the same batch);
- a redaction, or an event that arrives already redacted: a comment seen earlier in the
  session is reported deleted; a post of mine is marked deleted for ``list_my_posts``;
  otherwise (a redacted event keeps no relation) my posts in that room from before it are
  re-read whole and named in ``complete_for_posts``, so the store marks whatever is gone
  as deleted: their threads (``/relations/{post}/m.thread``), and the room back to the
  oldest of them for the rich replies (which the server does not index). That re-read
  covers the ``rescan_posts`` newest such posts, and the room ``RESCAN_ROOM_PAGES``
  pages back; a page says so when it could not check them all.
- one malformed event is one sentence in ``CommentPage.errors`` (``reading.skipped``, as
  everywhere the connector reads); a page whose envelope is not what the spec describes
  is BadResponse (the cursor does not move).

A page with a comment on a post ``list_my_posts`` has not returned yet (posted after the
engine asked, or older than the first scan) keeps the cursor where it was
(``next_cursor`` None): the engine lists posts again on its next pull and then gets the
comments; ``MyPosts`` lists that post from then on.
"""

from __future__ import annotations

import json
import logging
import reprlib

import msgspec
import msgspec.structs

from app.domain import CommentPage, RemoteComment
from app.errors import BadResponse, NotFound, PermissionDenied
from app.networks.http import Malformed
from app.networks.matrix.api import MatrixApi
from app.networks.matrix.comments import CommentReader, distinct, room_filter, whole_thread
from app.networks.matrix.cursor import Cursor, Fill, decode, encode
from app.networks.matrix.events import join_id, member_names, split_id
from app.networks.matrix.memory import People
from app.networks.matrix.posts import MyPosts
from app.networks.matrix.reading import Kind, Read, moment, read, readable

log = logging.getLogger(__name__)

TIMELINE_LIMIT = 50
FIRST_PAGES = 10
LATER_PAGES = 50
RESCAN_POSTS = 20
RESCAN_ROOM_PAGES = 20

_Key = tuple[str, str]  # (room id, event id)


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


class _Room(msgspec.Struct):
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


class Puller:
    """Comments on my posts, page by page (see the module docstring)."""

    def __init__(
        self,
        reader: CommentReader,
        *,
        timeline_limit: int = TIMELINE_LIMIT,
        first_pages: int = FIRST_PAGES,
        later_pages: int = LATER_PAGES,
        rescan_posts: int = RESCAN_POSTS,
        rescan_room_pages: int = RESCAN_ROOM_PAGES,
    ) -> None:
        self.reader = reader
        self.api: MatrixApi = reader.api
        self.posts: MyPosts = reader.posts
        self.people: People = reader.people
        self.page_size = reader.page_size
        self.rescan_posts = rescan_posts
        self.rescan_room_pages = rescan_room_pages
        self._first_pages = first_pages
        self._later_pages = later_pages
        self._sync_filter = sync_filter(timeline_limit)
        self._room_filter = room_filter()

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


class _Batch:
    """The events of one page, resolved into comments, deletions and re-scans."""

    def __init__(self, puller: Puller) -> None:
        self.p = puller
        self.reader = puller.reader
        self.raw: dict[_Key, object] = {}  # replies, as they came
        self.at_hand: dict[str, dict[str, object]] = {}  # room -> event id -> event
        self.touched: dict[_Key, None] = {}  # replies and edit targets, in order
        self.edited: set[_Key] = set()  # read back from the server, with the latest edit
        self.removed: dict[_Key, Read | None] = {}  # redacted, with the event if known
        self.errors: list[str] = []
        self.comments: dict[str, RemoteComment] = {}
        self.complete: list[str] = []
        self.hold = False

    def add(self, room: str, events: list) -> None:
        hand = self.at_hand.setdefault(room, {})
        rich = self.p.posts.has_posts_in(room)  # a rich reply is followed where I posted
        for raw, event in readable(room, events, self.errors):
            key = (room, event.event_id)
            hand[event.event_id] = raw
            if event.kind is Kind.REDACTION and event.target is not None:
                self.removed.setdefault((room, event.target), None)
            elif event.kind is Kind.REDACTED:
                self.removed[key] = event
            elif event.kind is Kind.THREAD_REPLY or (event.kind is Kind.RICH_REPLY and rich):
                self.raw[key] = raw
                self.touched[key] = None
            elif event.kind is Kind.EDIT and event.target is not None:
                self.touched[(room, event.target)] = None
                self.edited.add((room, event.target))

    async def page(self, after: Cursor) -> CommentPage:
        await self._resolve_touched()
        await self._resolve_removed()
        return CommentPage(
            comments=list(self.comments.values()),
            next_cursor=None if self.hold else encode(after),
            has_more=bool(after.fills) and not self.hold,
            errors=list(dict.fromkeys(self.errors)),  # a re-scan may meet an event again
            complete_for_posts=tuple(self.complete),
        )

    async def _fetch(self, room: str, event_id: str) -> object | None:
        try:
            return await self.p.api.event(room, event_id)
        except (NotFound, PermissionDenied):
            return None  # gone, or never visible to me: nothing to show either way

    async def _resolve_touched(self) -> None:
        """Current state of each reply and edited event that is a comment on my posts."""
        by_room: dict[str, list[object]] = {}
        for key in self.touched:
            room, event_id = key
            fresh = key not in self.raw or key in self.edited
            raw = await self._fetch(room, event_id) if fresh else self.raw[key]
            if raw is not None:
                by_room.setdefault(room, []).append(raw)
        for room, raws in by_room.items():
            await self._add(room, raws)

    async def _add(self, room: str, raws: list[object]) -> None:
        """Replies (oldest first, parents before their replies) as comments."""
        found = await self.reader.read_replies(room, raws, self.at_hand.setdefault(room, {}))
        self.errors += found.errors
        for event in found.redacted:
            self.removed[(room, event.event_id)] = event
        for _, _, place in found.placed:
            self.hold |= not self.p.posts.listed(place.post)
        comments, errors = await self.reader.record_all(room, found.placed)
        self.errors += errors
        self.comments.update((c.remote_id, c) for c in comments)

    async def _resolve_removed(self) -> None:
        """Deletions: a comment seen this session directly, anything else by re-scan."""
        rescan: dict[str, int] = {}  # room -> time of the newest unmatched deletion
        seen = self.reader.seen
        for (room, event_id), known in list(self.removed.items()):
            remote_id = join_id(room, event_id)
            if remote_id in self.p.posts.known:
                self.p.posts.mark_deleted(remote_id)
                continue
            if remote_id in seen:
                gone = msgspec.structs.replace(seen[remote_id], deleted=True, body_html="")
                seen[remote_id] = self.comments[remote_id] = gone
                continue
            event = known or await self._fetched(room, event_id)
            if event is not None and event.event.type == "m.room.message":
                rescan[room] = max(rescan.get(room, 0), event.event.ts)
        for room, ts in rescan.items():
            await self._rescan(room, moment(ts))

    async def _fetched(self, room: str, event_id: str) -> Read | None:
        raw = await self._fetch(room, event_id)
        try:
            return read(raw) if raw is not None else None
        except Malformed:
            return None

    async def _rescan(self, room: str, before: str) -> None:
        """Re-read whole what a deletion may concern: the threads of my posts in ``room``
        from before it, and the room back to the oldest of them for rich replies."""
        candidates = self.p.posts.in_room(room, before)
        unchecked = len(candidates) > self.p.rescan_posts
        threads: list[object] = []
        whole: dict[str, str] = {}  # root event id -> post remote id, threads read whole
        for post in candidates[: self.p.rescan_posts]:
            _, root = split_id(post.remote_id)
            events, complete = await whole_thread(self.p.api, room, root, self.p.page_size)
            threads += reversed(events)  # oldest first: parents before their replies
            if complete:
                whole[root] = post.remote_id
            unchecked |= not complete
        latest: list[object] = []
        reached: set[str] = set()
        if whole:
            latest, reached = await self.reader.room_back_to(
                room, set(whole), self.p.rescan_room_pages
            )
        events = [raw for raw in distinct([*threads, *reversed(latest)]) if not _redacted(raw)]
        hand = self.at_hand.setdefault(room, {})
        hand.update((raw["event_id"], raw) for raw in events if _has_id(raw))
        await self._add(room, events)
        self.complete += [post for root, post in whole.items() if root in reached]
        if unchecked or reached != set(whole):
            self.errors.append(
                f"A message was deleted in room {room}, but Fireside could not check all of "
                "your posts there for it; if it was a comment on an older post, it may still "
                "show until that post is re-read."
            )


def _has_id(raw: object) -> bool:
    return isinstance(raw, dict) and isinstance(raw.get("event_id"), str)


def _redacted(raw: object) -> bool:
    unsigned = raw.get("unsigned") if isinstance(raw, dict) else None
    return isinstance(unsigned, dict) and "redacted_because" in unsigned
