"""The Matrix connector: the ``Network`` protocol over the client-server API (v3; v1 for
relations), for one account's device.

A room is a channel; ``room`` (from the account's settings) is where new posts go. What
counts as a post or a comment is in ``events.py``, how pulls work in ``pull.py``, what
is sent in ``content.py``, and how errors map in ``api.py``.

Writes are exactly-once through the transaction id: every write is a PUT whose txnId is
the outbox item's idempotency key (made once, when the item is queued), so repeating it
returns the first answer instead of writing again. Synapse remembers a txnId in memory
for 30 to 60 minutes (``synapse/rest/client/transactions.py``: cleaned every 30 min) and
message sends also for 24 hours in its database (``event_txn_id_device_id``); the
capability claims the conservative 30 minutes. Past that, ``lookup_write`` finds a write
by the ``unsigned.transaction_id`` the server shows the sending device on its own events:
it reads my latest ``LOOKUP_PAGES`` pages of 100 own events per joined room (the post
room first).

TxnIds are scoped to a *device*. Signing in again with the account's ``device_id``
(``sign_in`` passes it to ``/login``) keeps the device, so items still in the outbox are
deduplicated and found as before. Signing in as a new device (the old one was deleted)
loses both: an item whose outcome was unknown can then no longer be found by look-up, and
after the 30 minutes the outbox asks the user to check the room instead of resending.
"""

from __future__ import annotations

import logging

import httpx

from app.domain import (
    PUBLISH_NOW,
    Capabilities,
    CommentPage,
    Person,
    PublishOptions,
    RemoteComment,
    RemoteKind,
    RemotePost,
)
from app.errors import AuthError, BadResponse, NotFound, Rejected
from app.networks.http import MAX_RESPONSE_BYTES, REQUEST_DEADLINE_S, Malformed
from app.networks.matrix import content
from app.networks.matrix.api import MatrixApi
from app.networks.matrix.events import (
    edit_target,
    envelope,
    join_id,
    post_url,
    relation,
    split_id,
    title_of,
)
from app.networks.matrix.memory import People
from app.networks.matrix.posts import MyPosts, mine_filter
from app.networks.matrix.pull import PAGE_SIZE, TIMELINE_LIMIT, Puller, whole_thread
from app.timeutil import now_iso

log = logging.getLogger(__name__)

LOOKUP_PAGES = 3


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
        self._puller = Puller(
            self._api,
            user_id,
            self._posts,
            self._people,
            timeline_limit=timeline_limit,
            page_size=page_size,
        )
        self._me: Person | None = None

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

    async def pull_comments(self, cursor: str | None) -> CommentPage:
        return await self._puller.pull(cursor)

    async def get_comment(self, remote_id: str) -> RemoteComment:
        """The comment as it is now (latest edit); NotFound when deleted or unknown."""
        room, event_id = self._split(remote_id)
        raw = await self._api.event(room, event_id)
        try:
            if envelope(raw).redacted:
                raise NotFound(f"The comment {remote_id} was deleted on Matrix.")
            [comment] = await self._puller.comments(room, [raw])
        except Malformed as exc:
            raise BadResponse(f"{self._api.service} sent a malformed comment: {exc}.") from exc
        return comment

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        """Replies in the comment's thread whose ``m.in_reply_to`` is that comment."""
        comment = await self.get_comment(comment_remote_id)
        room, root = split_id(comment.post_remote_id)
        _, target = split_id(comment_remote_id)
        events, _ = await whole_thread(self._api, room, root, self._page_size)
        replies = []
        for raw in events:
            try:
                event = envelope(raw)
                rel = relation(event.content)
                if event.redacted or rel is None or rel.falling_back or rel.reply_to != target:
                    continue
                replies += await self._puller.comments(room, [raw])
            except Malformed as exc:
                raise BadResponse(f"{self._api.service} sent a malformed reply: {exc}.") from exc
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
        message = content.post(title, body, text_format)
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

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        """A thread reply to the post that answers this comment (``m.in_reply_to``)."""
        room, root = self._split(post_remote_id)
        comment_room, target = self._split(comment_remote_id)
        if comment_room != room:
            raise Rejected(f"The comment {comment_remote_id} is not in the room of that post.")
        author = await self._author(room, target)
        message = content.reply(root, target, author, body, text_format)
        event_id = await self._api.send(room, key, message)
        seen = self._puller.seen.get(comment_remote_id)
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

    async def lookup_write(self, key: str) -> str | None:
        """The remote id a write with this txnId concerns (the new post or reply, the edited
        or redacted event), found among my latest own events; None if not there."""
        rooms = [self.room] + [r for r in await self._api.joined_rooms() if r != self.room]
        flt = mine_filter(self.user_id)
        for room in rooms:
            start: str | None = None
            for _ in range(LOOKUP_PAGES):
                page = await self._api.messages(room, flt, start=start, limit=self._page_size)
                for raw in page.chunk:
                    unsigned = raw.get("unsigned") if isinstance(raw, dict) else None
                    if isinstance(unsigned, dict) and unsigned.get("transaction_id") == key:
                        return join_id(room, self._concerned(raw))
                if not page.chunk or page.end is None:
                    break
                start = page.end
        return None

    async def aclose(self) -> None:
        await self._api.http.client.aclose()

    # -- helpers -------------------------------------------------------------------------

    def _concerned(self, raw: object) -> str:
        try:
            event = envelope(raw)
            return event.redacts or edit_target(event) or event.event_id
        except Malformed as exc:
            raise BadResponse(f"{self._api.service} sent a malformed event: {exc}.") from exc

    async def _author(self, room: str, event_id: str) -> str | None:
        """Who wrote the event, to mention them (from this session, else the server)."""
        seen = self._puller.seen.get(join_id(room, event_id))
        if seen is not None:
            return seen.author.remote_id
        sender = (await self._api.event(room, event_id)).get("sender")
        return sender if isinstance(sender, str) else None

    @staticmethod
    def _split(remote_id: str, kind: RemoteKind = RemoteKind.COMMENT) -> tuple[str, str]:
        try:
            return split_id(remote_id)
        except ValueError as exc:
            raise NotFound(f"{exc}: Fireside has no such Matrix {kind}.") from exc
