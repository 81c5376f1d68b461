"""The Slack connector: the ``Network`` protocol over the Web API, as the executive
(their user token: what they post is theirs), in the channels their account names.

- Posts are my parent messages in those channels; comments are the replies in their
  threads (``thread_ts``). Slack threads are flat: a reply to one comment goes to the
  same thread and begins with an @mention of its author (``<@U…>``), who is notified.
- The editor's Markdown goes out as Slack's mrkdwn (``mrkdwn``). Slack truncates
  ``text`` past 40,000 characters (chat.postMessage): that is the editor's limit.
- Exactly once: Slack has no idempotency key. Every write carries the outbox key in the
  message's metadata (``event_type`` ``fireside_outbox``, docs.slack.dev/messaging/
  message-metadata); ``lookup_write`` reads it back with ``include_all_metadata`` among my
  messages since the item was queued (for an edit, on the message itself). Nothing here
  repeats a write: a lost answer is OutcomeUnknown, settled by that look-up.
- Rate limits: see ``api`` (429 + Retry-After, one post a second per channel).
- Channels: the person ticks the channels Fireside reads among those they are in, and
  the one new posts go to (``channels``; ``ChoosesPlaces``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import httpx
import msgspec

from app.domain import (
    PUBLISH_NOW,
    Capabilities,
    CommentPage,
    OutboxKind,
    Person,
    Place,
    PlaceChoice,
    PublishOptions,
    PullMode,
    RemoteComment,
    RemoteKind,
    RemotePost,
    WriteIntent,
)
from app.errors import NotFound, Rejected
from app.networks import matching
from app.networks.http import Malformed
from app.networks.oauth.keeper import TokenKeeper
from app.networks.pacing import Sleep
from app.networks.slack import messages as msg
from app.networks.slack.api import SLACK_API, SlackApi
from app.networks.slack.channels import Channels, member_channels
from app.networks.slack.mrkdwn import to_mrkdwn
from app.networks.slack.pull import (
    HISTORY_DAYS,
    HISTORY_PAGES,
    PAGE_LIMIT,
    RESCAN_EVERY_S,
    THREAD_PAGES,
    Cursor,
)

log = logging.getLogger(__name__)

#: chat.postMessage: "The text field is truncated past 40,000 characters".
MAX_CHARS = 40_000

CAPABILITIES = Capabilities(
    network="slack",
    display_name="Slack",
    text_formats=("markdown",),
    post_max_chars=MAX_CHARS,
    reply_max_chars=MAX_CHARS,
    thread_depth=1,
    idempotency="lookup",
    requests_per_minute=50,
    key_retention_s=None,  # metadata stays on the message
    has_titles=False,
    publish_statuses=("publish",),
    target_noun="Channel",
)


class _ThreadRead(msgspec.Struct, frozen=True):
    """A thread as read: its parent (None when not among the pages), the replies, a
    sentence for each reply that could not be read, and whether more pages remained."""

    parent: msg.Message | None
    replies: list[msg.Message]
    skipped: list[str]
    more: bool


class SlackNetwork:
    capabilities = CAPABILITIES
    #: Only the ticked channels are read; none ticked, none (history is read channel by
    #: channel under a rate limit: every channel of a workspace would never be current).
    reads_chosen: ClassVar[bool] = True
    unticked_reads_all: ClassVar[bool] = False

    def __init__(
        self,
        client: httpx.AsyncClient,
        keeper: TokenKeeper,
        *,
        user_id: str,
        channels: Channels,
        team_url: str,
        base_url: str = SLACK_API,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._api = SlackApi(client, keeper, base_url, clock=clock, sleep=sleep)
        self.user_id = user_id
        self._channels = channels
        self.team_url = team_url
        self._clock = clock
        self._names: dict[str, str] = {}
        self._seen: dict[str, msg.Message] = {}  # by comment id

    @property
    def channels(self) -> tuple[str, ...]:
        """The IDs of the channels read, in the person's order."""
        return self._channels.ids

    # -- channels --------------------------------------------------------------------------

    def chosen(self) -> PlaceChoice:
        return self._channels.choice()

    async def list_places(self) -> tuple[Place, ...]:
        return await member_channels(self._api)

    def choose(self, choice: PlaceChoice) -> Mapping[str, Any]:
        self._channels = Channels.from_choice(choice)
        return self._channels.settings()

    def place_of(self, intent: WriteIntent) -> str | None:
        """The channel a post or reply lands in (edits and deletions send no message)."""
        if intent.kind is OutboxKind.PUBLISH:
            return intent.place or self._channels.post_to
        if intent.kind is OutboxKind.REPLY and intent.post_remote_id:
            return self._split(intent.post_remote_id)[0]
        return None

    # -- reading -------------------------------------------------------------------------

    async def whoami(self) -> Person:
        data = await self._api.read("auth.test")
        if data.get("user_id") != self.user_id:
            raise Rejected(
                "Slack says this sign-in belongs to another person. Sign in again as the "
                "account you added."
            )
        return await self._person(self.user_id)

    async def list_my_posts(self) -> list[RemotePost]:
        posts = []
        for channel in self.channels:
            for parent in await self._my_parents(channel):
                posts.append(msg.as_post(parent, self.team_url, self._names))
        return posts

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        state = Cursor.decode(cursor)
        rescan = (
            mode is PullMode.RESCAN
            or state.scanned_at is None
            or self._clock() - state.scanned_at >= RESCAN_EVERY_S
        )
        comments: list[RemoteComment] = []
        errors: list[str] = []
        posts: list[RemotePost] = []
        complete: list[str] = []
        threads: dict[str, str] = {}
        for channel in self.channels:
            for parent in await self._my_parents(channel):
                pid = msg.post_id(channel, parent.ts)
                posts.append(msg.as_post(parent, self.team_url, self._names))
                latest = parent.latest_reply or ""
                threads[pid] = latest
                if not rescan and (not latest or state.threads.get(pid) == latest):
                    continue
                oldest = None if rescan else state.threads.get(pid) or None
                read = await self._thread(channel, parent.ts, oldest)
                errors += read.skipped
                comments += [await self._comment(r) for r in read.replies]
                if oldest is None and not read.more:  # every reply read: the thread whole
                    complete.append(pid)
        after = Cursor(threads, self._clock() if rescan else state.scanned_at)
        return CommentPage(
            comments,
            after.encode(),
            False,
            errors,
            complete_for_posts=tuple(complete),
            posts=tuple(posts),
        )

    async def get_comment(self, remote_id: str) -> RemoteComment:
        channel, thread, ts = self._comment_parts(remote_id)
        read = await self._thread(channel, thread, ts, inclusive=True)
        found = next((m for m in read.replies if m.ts == ts), None)
        if found is None or read.parent is None or read.parent.user != self.user_id:
            raise NotFound(f"{remote_id} is not a reply in one of your Slack threads.")
        return await self._comment(found)

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        """Slack threads are flat: the later messages of the thread that answer this
        comment are those that mention its author."""
        comment = await self.get_comment(comment_remote_id)
        channel, thread, ts = self._comment_parts(comment_remote_id)
        replies = (await self._thread(channel, thread, ts)).replies
        mention = f"<@{comment.author.remote_id}>"
        return [await self._comment(m) for m in replies if mention in m.text and m.ts != ts]

    # -- writing -------------------------------------------------------------------------

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        if options.status not in self.capabilities.publish_statuses:
            raise Rejected(f"Slack can only publish now, not as {options.status!r}.")
        channel = options.place or self._channels.post_to
        if channel is None:
            raise Rejected("Choose the Slack channel new posts go to (Accounts, Channels…).")
        data = await self._api.write(
            "chat.postMessage",
            channel,
            {"channel": channel, "text": to_mrkdwn(body), "metadata": _metadata(key)},
        )
        sent = self._sent(channel, data)
        return msg.as_post(sent, self.team_url, self._names)

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        channel, thread = self._post_parts(post_remote_id)
        seen = self._seen.get(comment_remote_id)
        user = seen.user if seen else (await self.get_comment(comment_remote_id)).author.remote_id
        text = to_mrkdwn(body)
        if user and user != self.user_id and f"<@{user}>" not in text:
            text = f"<@{user}> {text}"
        data = await self._api.write(
            "chat.postMessage",
            channel,
            {"channel": channel, "thread_ts": thread, "text": text, "metadata": _metadata(key)},
        )
        return await self._comment(self._sent(channel, data, thread))

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        text = to_mrkdwn(body)
        if kind is RemoteKind.COMMENT:
            channel, thread, ts = self._comment_parts(remote_id)
            replies = (await self._thread(channel, thread, ts, inclusive=True)).replies
            old = next((m for m in replies if m.ts == ts), None)
            if old is None:
                raise NotFound(f"Slack has no message {remote_id}.")
            mention = msg.leading_mention(old.text)
            if mention and not text.startswith(mention):
                text = f"{mention} {text}"
        else:
            channel, ts = self._post_parts(remote_id)
        await self._api.write(
            "chat.update",
            channel,
            {"channel": channel, "ts": ts, "text": text, "metadata": _metadata(key)},
        )

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        parts = self._split(remote_id)
        channel, ts = parts[0], parts[-1]
        try:
            await self._api.write("chat.delete", channel, {"channel": channel, "ts": ts})
        except NotFound:
            log.info("slack: %s %s was already gone", kind, remote_id)

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        """The message a write with this key made (or edited, or deleted): found by the
        outbox key in its metadata, read back with ``include_all_metadata``."""
        if intent is None:
            return None
        if intent.kind in (OutboxKind.EDIT, OutboxKind.DELETE) and intent.target_remote_id:
            return await self._lookup_on(intent.target_remote_id, key, intent.kind)
        oldest = self._oldest(intent.since)
        if intent.kind is OutboxKind.REPLY and intent.post_remote_id:
            channel, thread = self._post_parts(intent.post_remote_id)
            read = await self._thread(channel, thread, oldest)
            found = next((m for m in read.replies if m.outbox_key == key), None)
            if found is not None:
                return msg.comment_id(channel, thread, found.ts)
            matching.unsure_if(read.skipped, "message")
            if read.more:  # replies since the item was queued that the pages left out
                raise matching.stopped_short(f"Slack, thread {thread} in {channel}", THREAD_PAGES)
            return None
        posted_in = intent.place or self._channels.post_to
        if not posted_in:
            return None
        messages, skipped, more = await self._history(posted_in, oldest)
        for message in messages:
            if message.outbox_key == key:
                return msg.post_id(message.channel, message.ts)
        matching.unsure_if(skipped, "message")
        if more:  # messages since the item was queued that the pages it reads left out
            raise matching.stopped_short(f"Slack, channel {posted_in}", HISTORY_PAGES)
        return None

    async def aclose(self) -> None:
        await self._api.http.client.aclose()

    # -- helpers -------------------------------------------------------------------------

    async def _lookup_on(self, remote_id: str, key: str, kind: OutboxKind) -> str | None:
        parts = self._split(remote_id)
        channel, ts = parts[0], parts[-1]
        thread = parts[1] if len(parts) == 3 else ts
        try:
            read = await self._thread(channel, thread, ts, inclusive=True)
        except NotFound:
            return remote_id if kind is OutboxKind.DELETE else None
        found = read.parent if thread == ts else next((m for m in read.replies if m.ts == ts), None)
        if found is None:  # perhaps it is the message that could not be read
            matching.unsure_if(read.skipped, "message")
        if kind is OutboxKind.DELETE:
            return remote_id if found is None else None
        return remote_id if found is not None and found.outbox_key == key else None

    async def _my_parents(self, channel: str) -> list[msg.Message]:
        oldest = f"{self._clock() - HISTORY_DAYS * 86400:.6f}"
        messages, _, _ = await self._history(channel, oldest)
        return [m for m in messages if m.user == self.user_id and m.is_parent]

    async def _history(
        self, channel: str, oldest: str | None
    ) -> tuple[list[msg.Message], list[str], bool]:
        """(the channel's messages from ``oldest`` on, newest first, sentences for skipped
        ones, whether more remained past the ``HISTORY_PAGES`` pages read)."""
        found: list[msg.Message] = []
        skipped: list[str] = []
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            data = await self._api.read(
                "conversations.history",
                channel=channel,
                oldest=oldest,
                limit=PAGE_LIMIT,
                cursor=cursor,
                include_all_metadata=True,
            )
            for raw in data.get("messages") or []:
                try:
                    found.append(msg.read_message(channel, raw))
                except Malformed as exc:
                    log.warning("slack: skipped a malformed message in %s (%s)", channel, exc)
                    skipped.append(f"Slack: skipped a malformed message in {channel} ({exc}).")
            cursor = _next_cursor(data)
            if not cursor:
                break
        return found, skipped, cursor is not None

    async def _thread(
        self, channel: str, thread: str, oldest: str | None = None, *, inclusive: bool = False
    ) -> _ThreadRead:
        """The thread's parent and its replies from ``oldest`` on, at most ``THREAD_PAGES``
        pages of them."""
        parent: msg.Message | None = None
        replies: list[msg.Message] = []
        errors: list[str] = []
        cursor: str | None = None
        for _ in range(THREAD_PAGES):
            data = await self._api.read(
                "conversations.replies",
                channel=channel,
                ts=thread,
                oldest=oldest,
                inclusive=inclusive or None,
                limit=PAGE_LIMIT,
                cursor=cursor,
                include_all_metadata=True,
            )
            for raw in data.get("messages") or []:
                try:
                    message = msg.read_message(channel, raw)
                except Malformed as exc:
                    errors.append(f"Slack: skipped a malformed reply in {channel} ({exc}).")
                    continue
                if message.ts == thread:
                    parent = message
                else:
                    replies.append(message)
                    self._seen[msg.comment_id(channel, thread, message.ts)] = message
            cursor = _next_cursor(data)
            if not cursor:
                break
        return _ThreadRead(parent, replies, errors, more=cursor is not None)

    async def _comment(self, message: msg.Message) -> RemoteComment:
        author = await self._person(message.user)
        for user in msg.mentioned(message.text):
            await self._person(user)
        return msg.as_comment(message, author, self.user_id, self._names)

    async def _person(self, user: str) -> Person:
        if user and user not in self._names:
            try:
                data = await self._api.read("users.info", user=user)
                found = data.get("user") or {}
                profile = found.get("profile") or {}
                self._names[user] = (
                    profile.get("real_name") or found.get("real_name") or found.get("name") or user
                )
            except NotFound:
                self._names[user] = user
        return Person(remote_id=user, name=self._names.get(user, user))

    def _sent(self, channel: str, data: dict, thread: str | None = None) -> msg.Message:
        """The message Slack says it stored; if that part of its answer cannot be read,
        the message as far as the answer's ``ts`` tells (its text is read on the next pull)."""
        try:
            return msg.read_message(channel, data.get("message"))
        except Malformed:  # it landed: a reply stays in its thread
            return msg.Message(
                channel, str(data.get("ts")), self.user_id, "", thread, None, 0, None, None
            )

    def _oldest(self, since: str) -> str:
        return f"{matching.earliest(since).timestamp():.6f}"

    def _split(self, remote_id: str) -> list[str]:
        try:
            return msg.split(remote_id)
        except ValueError as exc:
            raise NotFound(str(exc)) from exc

    def _post_parts(self, remote_id: str) -> tuple[str, str]:
        parts = self._split(remote_id)
        if len(parts) != 2:
            raise NotFound(f"{remote_id!r} is not a Slack thread.")
        return parts[0], parts[1]

    def _comment_parts(self, remote_id: str) -> tuple[str, str, str]:
        parts = self._split(remote_id)
        if len(parts) != 3:
            raise NotFound(f"{remote_id!r} is not a reply in a Slack thread.")
        return parts[0], parts[1], parts[2]


def _metadata(key: str) -> dict:
    return {"event_type": msg.EVENT_TYPE, "event_payload": {"outbox_key": key}}


def _next_cursor(data: dict) -> str | None:
    meta = data.get("response_metadata")
    following = meta.get("next_cursor") if isinstance(meta, dict) else None
    return following if data.get("has_more") and following else None
