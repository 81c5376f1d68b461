"""The Matrix connector: the ``Network`` protocol over the client-server API (v3; v1 for
relations), for one account's device.

A room is a channel; ``room`` (from the account's settings) is where new posts go. What
counts as a post or a comment is in ``events.py`` and ``placing.py``, how pulls work in
``pull.py``, what is sent in ``content.py``, and how errors map in ``api.py``. Every
read, the pull's, the pre-send check's (``get_comment``, ``list_replies``) and the
look-up's, goes through ``reading.read``: a malformed event (any room member can send
one) is skipped everywhere the same way, reported in the pull's page and logged once by
the others, and never fails a thread. A comment is answered the way it was written: in
the post's thread, or with a rich reply outside it.

Writes are exactly-once through the transaction id: every write is a PUT whose txnId is
the outbox item's idempotency key (made once, when the item is queued), so repeating it
returns the first answer instead of writing again. Synapse remembers a txnId in memory
for 30 to 60 minutes (``synapse/rest/client/transactions.py``: cleaned every 30 min) and
message sends also for 24 hours in its database (``event_txn_id_device_id``); the
capability claims the conservative 30 minutes. Past that, ``lookup_write`` finds a write
by the ``unsigned.transaction_id`` the server shows the sending device on its own events
(Synapse keeps it on a redacted one): it reads my latest ``LOOKUP_PAGES`` pages of 100 own
events per joined room (the post room first), and is unsure (BadResponse) rather than
"never landed" when an entry cannot be read or a room's pages end before the item's time.

TxnIds are scoped to a *device*. Signing in again with the account's ``device_id``
(``sign_in`` passes it to ``/login``) keeps the device, so items still in the outbox are
deduplicated and found as before. Signing in as a new device (the old one was deleted)
loses both: an item whose outcome was unknown can then no longer be found by look-up, and
after the 30 minutes the outbox asks the user to check the room instead of resending.
"""

from __future__ import annotations

import logging
import reprlib
from datetime import datetime

import httpx

from app.domain import (
    PUBLISH_NOW,
    Capabilities,
    CommentPage,
    ImageUpload,
    Person,
    PublishOptions,
    PullMode,
    RemoteComment,
    RemoteKind,
    RemotePost,
    UploadedImage,
    WriteIntent,
)
from app.errors import AuthError, BadResponse, NotFound, Rejected
from app.networks import matching
from app.networks.http import MAX_RESPONSE_BYTES, REQUEST_DEADLINE_S, Malformed
from app.networks.matrix import content
from app.networks.matrix.api import MatrixApi
from app.networks.matrix.comments import PAGE_SIZE, CommentReader, distinct, whole_thread
from app.networks.matrix.events import join_id, post_url, split_id, title_of
from app.networks.matrix.memory import Bounded, People
from app.networks.matrix.posts import MyPosts, mine_filter
from app.networks.matrix.pull import TIMELINE_LIMIT, Puller
from app.networks.matrix.reading import REPLIES, Kind, Read, event_id_in, read, skipped
from app.timeutil import now_iso

log = logging.getLogger(__name__)

LOOKUP_PAGES = 3
#: Pages of a room read back to a comment for the rich replies that answer it.
REPLY_SCAN_PAGES = 10


class MatrixNetwork:
    """One Matrix account (one device) over HTTP, with an injected client."""

    capabilities = Capabilities(
        network="matrix",
        display_name="Matrix",
        # What Matrix shows: the formatted_body (HTML made from the Markdown); clients
        # without formatting show the plain body (content.py).
        text_formats=("html", "text"),
        post_max_chars=content.MAX_CHARS,  # content.py: why 10,000 fits a 65,536-byte event
        reply_max_chars=content.MAX_CHARS,
        thread_depth=None,  # m.in_reply_to can name any comment of the thread
        idempotency="key",
        # Synapse's default rc_message: 0.2 messages a second after a burst of 10. Reads
        # are not limited by default; the server's 429 and Retry-After are what count.
        requests_per_minute=12,
        key_retention_s=30 * 60,  # Synapse's in-memory txnId cache: 30 to 60 minutes
        has_titles=False,
        publish_statuses=("publish",),
        target_noun="Room",
        accepts_images=True,  # the content repository (``upload_image``)
    )

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        token: str,
        *,
        user_id: str,
        device_id: str,
        room: str,
        deadline: float = REQUEST_DEADLINE_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        timeline_limit: int = TIMELINE_LIMIT,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._api = MatrixApi(
            client, base_url, token, deadline=deadline, max_response_bytes=max_response_bytes
        )
        self.user_id = user_id
        self.device_id = device_id
        self.room = room
        self._page_size = page_size
        self._people = People(self._api)
        self._posts = MyPosts(self._api, user_id, page_size=page_size)
        self._reader = CommentReader(self._api, user_id, self._posts, self._people, page_size)
        self._puller = Puller(self._reader, timeline_limit=timeline_limit)
        self._me: Person | None = None
        self._logged: Bounded[str, None] = Bounded(10_000)  # skips already logged

    # -- reading -------------------------------------------------------------------------

    async def whoami(self) -> Person:
        """The signed-in person (checked against the account); fetched once, then cached."""
        if self._me is None:
            data = self._api.checked(
                await self._api.call("GET", "/account/whoami"),
                "GET /account/whoami",
                lambda d: isinstance(d, dict) and isinstance(d.get("user_id"), str),
            )
            if data["user_id"] != self.user_id:
                raise AuthError(
                    f"{self._api.service} says this access token belongs to {data['user_id']},"
                    f" not {self.user_id}. Sign in to the account again."
                )
            name = await self._api.profile_name(self.user_id)
            self._me = Person(remote_id=self.user_id, name=name or self.user_id)
        return self._me

    async def list_my_posts(self) -> list[RemotePost]:
        """My root messages in every joined room (see ``posts.py`` for how far back)."""
        return await self._posts.scan()

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        """``/sync`` reports edits and redactions as they happen: ``mode`` changes nothing."""
        return await self._puller.pull(cursor)

    async def get_comment(self, remote_id: str) -> RemoteComment:
        """The comment as it is now (latest edit); NotFound when deleted, unknown or no
        longer on a post of mine (the post was deleted)."""
        room, event_id = self._split(remote_id)
        raw = await self._api.event(room, event_id)
        found = await self._reader.read_replies(room, [raw])
        if found.errors:
            raise BadResponse(f"{self._api.service} sent a malformed comment: {found.errors[0]}")
        if found.redacted:
            raise NotFound(f"The comment {remote_id} was deleted on Matrix.")
        comments, errors = await self._reader.record_all(room, found.placed)
        if errors:
            raise BadResponse(f"{self._api.service} sent a malformed comment: {errors[0]}")
        if not comments:
            raise NotFound(f"{remote_id} is not a comment on one of your Matrix posts.")
        return comments[0]

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        """The replies that answer this comment (``m.in_reply_to``): in its post's thread,
        and rich replies in the room since it (the latest ``REPLY_SCAN_PAGES`` pages). A
        malformed event among them is skipped and logged, as the pull skips it: it never
        turns the check of the thread into an error."""
        comment = await self.get_comment(comment_remote_id)
        room, root = split_id(comment.post_remote_id)
        _, target = split_id(comment_remote_id)
        thread, _ = await whole_thread(self._api, room, root, self._page_size)
        latest, _ = await self._reader.room_back_to(room, {target}, REPLY_SCAN_PAGES)
        events = distinct([*reversed(thread), *reversed(latest)])  # oldest first

        def answers(event: Read) -> bool:
            return event.kind in REPLIES and event.reply_to == target

        found = await self._reader.read_replies(room, events, wanted=answers)
        found.placed.sort(key=lambda placed: placed[1].event.ts)  # oldest first
        replies, errors = await self._reader.record_all(room, found.placed)
        self._log_skipped([*found.errors, *errors])
        return replies

    # -- writing -------------------------------------------------------------------------

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        """Post to the account's room now (Matrix has no remote drafts or schedules)."""
        if options.status not in self.capabilities.publish_statuses:
            raise Rejected(f"Matrix can only publish now, not as {options.status!r}.")
        message = content.post(title, body, text_format, options.images)
        event_id = await self._api.send(self.room, key, message)
        stamp = now_iso()
        post = RemotePost(
            remote_id=join_id(self.room, event_id),
            title=title_of(message["body"]),
            body=message["body"],
            url=post_url(self.room, event_id),
            created_at=stamp,
            updated_at=stamp,
        )
        self._posts.add(post)
        return post

    async def upload_image(self, image: ImageUpload, key: str) -> UploadedImage:
        """Put a post's picture in the homeserver's content repository; the post shows it
        by its ``mxc://`` URI (an ``<img>`` in the formatted body, as the spec allows).
        The upload has no transaction id: the outbox records it at once, so a retry of the
        post reuses it."""
        uri = await self._api.upload(image.data, image.mime_type, image.name)
        return UploadedImage(image.image_id, uri, uri)

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        """A reply that answers this comment (``m.in_reply_to``), written the way the
        comment was: in the post's thread, or as a rich reply outside any thread."""
        room, root = self._split(post_remote_id)
        comment_room, target = self._split(comment_remote_id)
        if comment_room != room:
            raise Rejected(f"The comment {comment_remote_id} is not in the room of that post.")
        author, threaded = await self._about(room, target)
        if threaded:
            message = content.reply(root, target, author, body, text_format)
        else:
            message = content.rich_reply(target, author, body, text_format)
        event_id = await self._api.send(room, key, message)
        seen = self._reader.seen.get(comment_remote_id)
        return RemoteComment(
            remote_id=join_id(room, event_id),
            post_remote_id=post_remote_id,
            parent_remote_id=comment_remote_id,
            root_remote_id=(seen.root_remote_id if seen else None) or comment_remote_id,
            author=await self.whoami(),
            body_html=message.get("formatted_body") or message["body"],
            created_at=now_iso(),
            edited_at=None,
            version=0,  # the server's timestamp is read on the next pull
            is_mine=True,
        )

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        """Replace the text of my post or comment (an ``m.replace`` event; the editor
        writes Markdown)."""
        room, event_id = self._split(remote_id, kind)
        await self._api.send(room, key, content.edit(event_id, body, "markdown"))

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        """Redact; an event already gone (404) counts as done (redacting twice is fine)."""
        room, event_id = self._split(remote_id, kind)
        try:
            await self._api.redact(room, event_id, key)
        except NotFound:
            log.info("matrix: %s %s was already gone", kind, remote_id)

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        """The remote id a write with this txnId concerns (the new post or reply, the edited
        or redacted event), found among my latest own events; None if not there. Unsure
        (BadResponse) instead when it passed over an entry it cannot read, or when in some
        room it stopped at its page bound before reaching back to when the item was queued
        (without an intent, whenever a room has more pages)."""
        rooms = [self.room] + [r for r in await self._api.joined_rooms() if r != self.room]
        flt = mine_filter(self.user_id)
        earliest = None if intent is None else matching.earliest(intent.since)
        skipped: list[str] = []
        short: list[str] = []
        for room in rooms:
            start: str | None = None
            for _ in range(LOOKUP_PAGES):
                page = await self._api.messages(room, flt, start=start, limit=self._page_size)
                for raw in page.chunk:
                    unsigned = raw.get("unsigned", {}) if isinstance(raw, dict) else None
                    if not isinstance(unsigned, dict):
                        skipped.append(
                            f"{self._api.service} listed an event of mine in room {room} that "
                            f"cannot be read ({reprlib.repr(raw)})."
                        )
                    elif unsigned.get("transaction_id") == key:
                        return join_id(room, self._concerned(room, raw))
                if not page.chunk or page.end is None:
                    break
                start = page.end
            else:
                if not _reaches_back(page.chunk, earliest):
                    short.append(room)
        matching.unsure_if(skipped, "event")
        if short:
            raise matching.stopped_short(f"{self._api.service}, room {short[0]}", LOOKUP_PAGES)
        return None

    async def aclose(self) -> None:
        await self._api.http.client.aclose()

    # -- helpers -------------------------------------------------------------------------

    def _concerned(self, room: str, raw: dict) -> str:
        """The event a write of mine concerns: the edited or redacted one, else itself.
        Mine and found by its txnId, it landed; if it cannot be read (a server bug, never
        another member's doing) it is named by its own id rather than taken for unsent."""
        try:
            event = read(raw)
        except Malformed as exc:
            self._log_skipped([skipped(room, raw, exc)])
            try:
                return str(event_id_in(raw, "event_id"))
            except Malformed:
                raise BadResponse(f"{self._api.service} sent a malformed event: {exc}.") from exc
        if event.kind in (Kind.EDIT, Kind.REDACTION) and event.target is not None:
            return event.target
        return event.event_id

    async def _about(self, room: str, event_id: str) -> tuple[str | None, bool]:
        """Who wrote the event (to mention them) and whether it is in a thread (else a
        rich reply): from this session, else from the server."""
        key = join_id(room, event_id)
        seen, threaded = self._reader.seen.get(key), self._reader.threaded.get(key)
        if seen is not None and threaded is not None:
            return seen.author.remote_id, threaded
        raw = await self._api.event(room, event_id)
        try:
            event = read(raw)
        except Malformed:
            sender = raw.get("sender")
            return (sender if isinstance(sender, str) else None), True
        return event.event.sender, event.kind is not Kind.RICH_REPLY

    def _log_skipped(self, sentences: list[str]) -> None:
        """Log each skipped event once a session (the pre-send check reads a thread again
        before every reply; the pull reports skips in its pages)."""
        for sentence in sentences:
            if sentence not in self._logged:
                self._logged[sentence] = None
                log.warning("%s", sentence)

    @staticmethod
    def _split(remote_id: str, kind: RemoteKind = RemoteKind.COMMENT) -> tuple[str, str]:
        try:
            return split_id(remote_id)
        except ValueError as exc:
            raise NotFound(f"{exc}: Fireside has no such Matrix {kind}.") from exc


def _reaches_back(chunk: list, earliest: datetime | None) -> bool:
    """Does this page hold an event older than ``earliest`` (by its server time)?"""
    if earliest is None:
        return False
    stamps = (e.get("origin_server_ts") if isinstance(e, dict) else None for e in chunk)
    cutoff = earliest.timestamp() * 1000
    return any(type(ms) is int and ms < cutoff for ms in stamps)
