"""The Viva Engage connector: Fireside's Network protocol over Yammer REST v1 with an Entra
token, for one person in one network.

- Posts are the threads the executive started (``messages/sent``, newest first, paged back
  with ``older_than`` as far as ``HISTORY_DAYS``, then polled with ``newer_than``); their
  communities are the ones the executive posts in. Comments are every other message in
  those threads, replies at any depth (``replied_to_id``); people come from the answers'
  ``references`` (name, job title, department).
- ``pull_comments`` runs in rounds at most once a minute (``cursor``). Between rounds it
  answers from the cursor without a request, as ``list_my_posts`` answers from memory.
- Every request waits for the budget in ``api`` (10 message requests in 30 s).
- ``publish`` posts into the community the outbox item names (``PublishOptions.place``),
  else the account's ``community`` setting (numeric or base64 id); ``list_places`` offers
  the person's communities (``groups/for_user``) and ``choose`` keeps the ones offered in
  the editor (``communities``) and the one for new posts; ``reply`` sets
  ``replied_to_id`` to the comment answered (any depth); ``delete`` removes a message.
  Yammer v1 has no edit: ``capabilities.can_edit`` is False and ``edit`` refuses with a
  sentence saying so.
- Exactly once without a key: writes carry nothing hidden, so ``lookup_write`` finds a
  write among my messages by place, author and text digest (``matching``).

The pre-send check (``get_comment`` then ``list_replies``) reads the comment's thread once
and answers both from it for ``THREAD_TTL_S``; any write to the thread forgets it.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import msgspec

from app.domain import (
    PUBLISH_NOW,
    Account,
    Capabilities,
    CommentPage,
    Freshness,
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
from app.errors import BadResponse, NotFound, Rejected, UserError
from app.networks import matching
from app.networks.http import Malformed
from app.networks.microsoft.bearer import Wiring
from app.networks.microsoft.tokens import TokenSource
from app.networks.microsoft.yammer import content
from app.networks.microsoft.yammer.api import MESSAGES_BUDGET, YammerApi
from app.networks.microsoft.yammer.cursor import POLL_EVERY_S, Cursor, Mode, decode
from app.networks.microsoft.yammer.ids import YammerType, numeric_id
from app.networks.microsoft.yammer.parse import (
    Feed,
    Message,
    parse_communities,
    parse_feed,
    parse_message,
    sender,
)
from app.networks.microsoft.yammer.parse import parse_person as parse_user
from app.timeutil import iso

log = logging.getLogger(__name__)

#: How far back ``list_my_posts`` looks for threads I started.
HISTORY_DAYS = 90
#: How long the pre-send check may answer from a thread it just read.
THREAD_TTL_S = 10.0
#: Pages of my latest messages a look-up reads at most.
LOOKUP_PAGES = 5
#: Bound on "all pages" loops (20 messages a page).
MAX_PAGES = 500
#: Message ids remembered per session (threads and parents), then forgotten.
REMEMBERED = 100_000

CAPABILITIES = Capabilities(
    network="yammer",
    display_name="Viva Engage",
    text_formats=("text",),
    post_max_chars=content.MAX_CHARS,
    reply_max_chars=content.MAX_CHARS,
    thread_depth=None,  # replied_to_id can name any message of the thread
    idempotency="lookup",
    requests_per_minute=MESSAGES_BUDGET.per_minute,
    key_retention_s=None,  # found by what was sent, for as long as the message exists
    can_edit=False,
    has_titles=False,
    target_noun="Community",
)


class _Thread(msgspec.Struct):
    """A thread as read for the pre-send check."""

    read_at: float
    feed: Feed


def _epoch(stamp: str) -> float:
    return matching.moment(stamp).timestamp()


class YammerNetwork:
    """One Viva Engage account; ``clock`` (epoch seconds) and ``sleep`` are for tests."""

    capabilities = CAPABILITIES
    reads_chosen = False  # it reads the threads the person started, wherever they are
    unticked_reads_all = True

    def __init__(
        self,
        wiring: Wiring,
        *,
        community: str | None = None,
        communities: tuple[Place, ...] = (),
    ) -> None:
        self._api = YammerApi(wiring)
        self._community = community
        self._offered = communities
        self._clock = wiring.clock
        self._me: Person | None = None
        self._posts: dict[str, RemotePost] | None = None
        self._posts_at = 0.0
        self._newest_sent: str | None = None
        self._community_of: dict[str, str] = {}  # my thread -> its community
        self._thread_of: dict[str, str] = {}  # message -> its thread
        self._parent_of: dict[str, str | None] = {}  # message -> the message it answers
        self._threads: dict[str, _Thread] = {}
        self._reported: set[str] = set()  # malformed messages reported this session

    # -- reading ---------------------------------------------------------------------------

    async def whoami(self) -> Person:
        if self._me is None:
            data = await self._api.current_user()
            self._me = self._parsed(data, parse_user, "user")
        return self._me

    async def list_my_posts(self) -> list[RemotePost]:
        """The threads I started, newest messages first; read again at most once a minute."""
        now = self._clock()
        if self._posts is None:
            await self._read_history(now)
        elif now - self._posts_at >= POLL_EVERY_S:
            await self._read_newer(now)
        return list((self._posts or {}).values())

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        """One step of the current round, or a new round if a minute has passed: a full
        scan when one is due or the person asked to sync (RESCAN: Viva Engage reports
        no edits or deletions otherwise)."""
        now = self._clock()
        state = decode(cursor)
        if state.mode is Mode.IDLE:
            if not state.may_poll(now):
                return CommentPage([], state.encode(), has_more=False)
            await self.list_my_posts()
            threads = tuple(sorted(self._community_of, key=int))
            if not threads:
                return CommentPage([], Cursor(polled_at=now).encode(), has_more=False)
            if state.scan_due(now) or mode is PullMode.RESCAN:
                marks = {g: await self._newest_in(g) for g in self._communities()}
                return CommentPage([], state.start_scan(now, threads, marks).encode(), True)
            state = state.start_feed(now, self._communities(), self._first_marks())
        if state.mode is Mode.SCAN:
            return await self._scan_step(state, now)
        return await self._feed_step(state)

    async def get_comment(self, remote_id: str) -> RemoteComment:
        """The comment as its thread shows it now; NotFound once it was deleted."""
        message_id = self._message_id(remote_id)
        thread = self._thread_of.get(message_id) or await self._thread_of_message(message_id)
        feed = await self._thread(thread)
        for message in feed.messages:
            if message.id == message_id and not message.starts_thread:
                return self._comment(message, feed)
        raise NotFound(f"{self._api.service} has no message {message_id} any more.")

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        """Direct replies to the comment, from its thread (read at most once per check)."""
        message_id = self._message_id(comment_remote_id)
        thread = self._thread_of.get(message_id) or await self._thread_of_message(message_id)
        feed = await self._thread(thread)
        self._report(feed, "a thread read before a reply")
        return [self._comment(m, feed) for m in feed.messages if m.replied_to_id == message_id]

    # -- places ----------------------------------------------------------------------------

    async def list_places(self) -> tuple[Place, ...]:
        """The communities the person is a member of."""
        me = await self.whoami()
        data = await self._api.groups_for_user(me.remote_id)
        found = self._parsed(data, parse_communities, "list of communities")
        return tuple(Place(ident, name) for ident, name in found)

    def chosen(self) -> PlaceChoice:
        """The communities offered for new posts; the account's own among them even when
        it was set before communities were chosen (named by its id then)."""
        places = self._offered
        default = self._default_community()
        if default is not None and not any(p.id == default for p in places):
            places = (Place(default, f"Community {default}"), *places)
        return PlaceChoice(places, default)

    def choose(self, choice: PlaceChoice) -> dict[str, Any]:
        """Offer ``choice.places`` for new posts, which go to ``choice.post_to``."""
        for place in choice.places:
            numeric_id(place.id, YammerType.GROUP)  # UserError for what is no community
        if choice.post_to is not None and choice.place(choice.post_to) is None:
            raise UserError("New posts can go only to one of the communities chosen.")
        self._offered, self._community = choice.places, choice.post_to
        return {
            "communities": [{"id": p.id, "name": p.name} for p in choice.places],
            "community": choice.post_to,
        }

    def place_of(self, intent: WriteIntent) -> str | None:
        """A new post's community; a reply's is its thread's, unknown without a request."""
        if intent.kind is OutboxKind.PUBLISH:
            return self._target_community(intent.place)
        return None

    # -- writing ---------------------------------------------------------------------------

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        """A new thread in the community the options name, else the account's (Viva
        Engage has no titles)."""
        if options.status != "publish":
            raise Rejected(f"Viva Engage publishes at once; it keeps no {options.status!r}.")
        community = self._target_community(options.place)
        data = await self._api.post(content.as_text(body, text_format), group_id=community)
        message = self._first(data, "post")
        post = self._post(message)
        if self._posts is not None:
            self._posts[post.remote_id] = post
        self._remember(message)
        self._community_of[message.thread_id] = message.group_id or community
        return post

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        """Answer the comment itself (``replied_to_id``), at whatever depth it sits."""
        target = self._message_id(comment_remote_id or post_remote_id)
        data = await self._api.post(content.as_text(body, text_format), replied_to_id=target)
        self._threads.pop(self._message_id(post_remote_id), None)
        feed = self._parsed(data, parse_feed, "reply", self._api.service)
        if not feed.messages:
            raise BadResponse(f"{self._api.service} answered the reply without the message.")
        self._remember(feed.messages[0])
        return self._comment(feed.messages[0], feed)

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        raise Rejected(
            "Viva Engage offers no way to edit a message through its API (Yammer REST v1 "
            "has no edit endpoint). Delete it and post it again, or edit it in Viva Engage."
        )

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        """Remove the message; one already gone counts as deleted."""
        message_id = self._message_id(remote_id)
        try:
            await self._api.delete(message_id)
        except NotFound as exc:
            log.info("%s: message %s was already gone (%s)", self._api.service, message_id, exc)
        self._threads.pop(self._thread_of.get(message_id, message_id), None)
        if kind is RemoteKind.POST and self._posts is not None:
            self._posts.pop(message_id, None)
            self._community_of.pop(message_id, None)

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        """The message this write made (or deleted), found by place, author and text;
        None when it is not there. Without an intent nothing can be matched: None."""
        if intent is None or intent.kind is OutboxKind.EDIT:
            return None  # nothing to match; an edit is never sent (Viva Engage has none)
        if intent.kind is OutboxKind.DELETE:
            target = intent.target_remote_id or intent.post_remote_id or ""
            return target if await self._gone(self._message_id(target)) else None
        if intent.kind is OutboxKind.REPLY:
            parent = self._message_id(intent.target_remote_id or intent.post_remote_id or "")
            thread = self._message_id(intent.post_remote_id or parent)
            pages = self._pages(lambda older: self._api.in_thread(thread, older_than=older))
            return await self._find_mine(intent, pages, lambda m: m.replied_to_id == parent)
        community = self._target_community(intent.place)
        pages = self._pages(lambda older: self._api.sent(older_than=older))
        return await self._find_mine(
            intent, pages, lambda m: m.starts_thread and m.group_id == community
        )

    async def _find_mine(
        self,
        intent: WriteIntent,
        pages: AsyncIterator[Feed],
        placed: Callable[[Message], bool],
    ) -> str | None:
        """My message in its place, saying what ``intent`` sent, since it was queued.
        Unsure (BadResponse) rather than None when it passed over a message it could not
        read, or when older pages still hold messages since then past the last it reads."""
        wanted = matching.digest(content.as_text(intent.body, intent.text_format))
        earliest = matching.earliest(intent.since)
        me = (await self.whoami()).remote_id
        skipped: list[str] = []
        read = 0
        async for feed in pages:
            skipped += [skip.sentence for skip in feed.skipped]
            for message in feed.messages:
                if (
                    message.sender_id == me
                    and placed(message)
                    and matching.moment(message.created_at) >= earliest
                    and matching.digest(message.plain) == wanted
                ):
                    return message.id
            read += 1
            if _all_before(feed, earliest) or not feed.older_available:
                break
            if read >= LOOKUP_PAGES:
                raise matching.stopped_short(self._api.service, LOOKUP_PAGES)
        matching.unsure_if(skipped, "message")
        return None

    async def aclose(self) -> None:
        await self._api.client.aclose()

    def freshness(self, cursor: str | None) -> tuple[Freshness, ...]:
        """When the network was last read, and when the next round may start."""
        state = decode(cursor)
        if state.polled_at is None:
            return (Freshness("Viva Engage", None, None),)
        return (
            Freshness(
                "Viva Engage",
                _iso(state.polled_at),
                _iso(state.polled_at + POLL_EVERY_S),
            ),
        )

    # -- the pull --------------------------------------------------------------------------

    async def _scan_step(self, state: Cursor, now: float) -> CommentPage:
        thread = state.todo[0]
        feed = await self._whole_thread(thread)
        comments = [self._comment(m, feed) for m in feed.messages if not m.starts_thread]
        errors = self._report(feed, "a thread")
        complete = (thread,) if not feed.skipped else ()
        after = state.next_thread(now)
        return CommentPage(comments, after.encode(), after.mode is not Mode.IDLE, errors, complete)

    async def _feed_step(self, state: Cursor) -> CommentPage:
        community = state.todo[0]
        data = await self._api.in_group(
            community, newer_than=state.marks.get(community), older_than=state.older_than
        )
        feed = self._parsed(data, parse_feed, "community feed", self._api.service)
        mine = [m for m in feed.messages if m.thread_id in self._community_of]
        for message in mine:
            self._remember(message)
        comments = [self._comment(m, feed) for m in mine if not m.starts_thread]
        errors = self._report(feed, "a community feed", only_threads=set(self._community_of))
        ids = [m.id for m in feed.messages] + [s.id for s in feed.skipped if s.id]
        newest = max(ids, key=int) if ids else None
        older = min(ids, key=int) if ids and feed.older_available else None
        after = state.fed(community, newest, older)
        return CommentPage(comments, after.encode(), after.mode is not Mode.IDLE, errors)

    async def _newest_in(self, community: str) -> str:
        """The newest message id in a community now ("0" when it is empty)."""
        feed = self._parsed(
            await self._api.in_group(community), parse_feed, "community feed", self._api.service
        )
        ids = [m.id for m in feed.messages] + [s.id for s in feed.skipped if s.id]
        return max(ids, key=int) if ids else "0"

    def _communities(self) -> tuple[str, ...]:
        return tuple(sorted(set(self._community_of.values()), key=int))

    def _first_marks(self) -> dict[str, str]:
        """For a community new to the cursor: just before my oldest thread in it."""
        marks: dict[str, str] = {}
        for thread, community in self._community_of.items():
            first = str(int(thread) - 1)
            if community not in marks or int(first) < int(marks[community]):
                marks[community] = first
        return marks

    # -- my posts --------------------------------------------------------------------------

    async def _read_history(self, now: float) -> None:
        horizon = datetime.fromtimestamp(now, UTC) - timedelta(days=HISTORY_DAYS)
        posts: dict[str, RemotePost] = {}
        async for feed in self._pages(lambda older: self._api.sent(older_than=older)):
            for message in feed.messages:
                self._note_sent(message, posts)
            if _all_before(feed, horizon):
                break
        self._posts, self._posts_at = posts, now

    async def _read_newer(self, now: float) -> None:
        data = await self._api.sent(newer_than=self._newest_sent)
        feed = self._parsed(data, parse_feed, "list of sent messages", self._api.service)
        for message in feed.messages:
            self._note_sent(message, self._posts if self._posts is not None else {})
        self._posts_at = now

    def _note_sent(self, message: Message, posts: dict[str, RemotePost]) -> None:
        if self._newest_sent is None or int(message.id) > int(self._newest_sent):
            self._newest_sent = message.id
        self._remember(message)
        if message.starts_thread and message.group_id is not None:
            posts[message.id] = self._post(message)
            self._community_of[message.id] = message.group_id

    # -- helpers ---------------------------------------------------------------------------

    async def _pages(self, fetch: Callable[[str | None], Awaitable[object]]) -> AsyncIterator[Feed]:
        """Pages of a list, back (``older_than`` its smallest id) while older ones exist."""
        older: str | None = None
        for _ in range(MAX_PAGES):
            feed = self._parsed(await fetch(older), parse_feed, "message list", self._api.service)
            yield feed
            ids = [m.id for m in feed.messages] + [s.id for s in feed.skipped if s.id]
            if not feed.older_available or not ids:
                return
            older = min(ids, key=int)

    async def _whole_thread(self, thread: str) -> Feed:
        """Every message of a thread, all pages, as one feed."""
        messages, skipped, people, communities = [], [], {}, {}
        async for feed in self._pages(lambda older: self._api.in_thread(thread, older_than=older)):
            messages += feed.messages
            skipped += feed.skipped
            people.update(feed.people)
            communities.update(feed.communities)
        for message in messages:
            self._remember(message)
        return Feed(messages, skipped, people, communities)

    async def _thread(self, thread: str) -> Feed:
        cached = self._threads.get(thread)
        if cached is not None and self._clock() - cached.read_at < THREAD_TTL_S:
            return cached.feed
        feed = await self._whole_thread(thread)
        self._threads = {thread: _Thread(self._clock(), feed)}  # one thread kept at a time
        return feed

    async def _thread_of_message(self, message_id: str) -> str:
        data = await self._api.message(message_id)
        message = self._parsed(data, parse_message, "message")
        self._remember(message)
        return message.thread_id

    async def _gone(self, message_id: str) -> bool:
        try:
            await self._api.message(message_id)
        except NotFound:
            return True
        return False

    def _first(self, data: object, what: str) -> Message:
        feed = self._parsed(data, parse_feed, what, self._api.service)
        if not feed.messages:
            raise BadResponse(f"{self._api.service} answered the {what} without the message.")
        return feed.messages[0]

    def _post(self, message: Message) -> RemotePost:
        return RemotePost(
            remote_id=message.id,
            title="",
            body=message.plain,
            url=message.web_url,
            created_at=message.created_at,
            updated_at=message.created_at,
        )

    def _comment(self, message: Message, feed: Feed) -> RemoteComment:
        parent = (
            None if message.replied_to_id in (None, message.thread_id) else message.replied_to_id
        )
        return RemoteComment(
            remote_id=message.id,
            post_remote_id=message.thread_id,
            parent_remote_id=parent,
            root_remote_id=self._root(message),
            author=sender(feed, message),
            body_html=content.as_html(message.plain),
            created_at=message.created_at,
            edited_at=None,
            version=zlib.crc32(message.plain.encode("utf-8", "surrogatepass")),
            is_mine=self._me is not None and message.sender_id == self._me.remote_id,
        )

    def _root(self, message: Message) -> str | None:
        """The top-level comment above ``message`` as far as this session knows the chain;
        None for a top-level comment."""
        parent = message.replied_to_id
        if parent in (None, message.thread_id):
            return None
        seen = {message.id}
        while True:
            above = self._parent_of.get(parent)
            if above is None or above == message.thread_id or parent in seen:
                return parent
            seen.add(parent)
            parent = above

    def _remember(self, message: Message) -> None:
        if len(self._parent_of) > REMEMBERED:
            self._parent_of.clear()
            self._thread_of.clear()
        self._parent_of[message.id] = message.replied_to_id
        self._thread_of[message.id] = message.thread_id

    def _report(self, feed: Feed, where: str, only_threads: set[str] | None = None) -> list[str]:
        """Each malformed message once a session (those of other threads, when known, not
        at all)."""
        sentences = []
        for skip in feed.skipped:
            if only_threads is not None and skip.thread_id and skip.thread_id not in only_threads:
                continue
            if skip.sentence not in self._reported:
                self._reported.add(skip.sentence)
                log.warning("%s (in %s)", skip.sentence, where)
                sentences.append(skip.sentence)
        return sentences

    def _default_community(self) -> str | None:
        if not self._community:
            return None
        try:
            return numeric_id(self._community, YammerType.GROUP)
        except UserError:
            return None

    def _target_community(self, place: str | None = None) -> str:
        """The numeric id of the community ``place`` names, else the account's."""
        chosen = place or self._default_community()
        if not chosen:
            raise Rejected(
                "Choose the Viva Engage community new posts go to "
                "(Accounts → Viva Engage → Communities…)."
            )
        try:
            return numeric_id(chosen, YammerType.GROUP)
        except UserError as exc:
            raise Rejected(str(exc)) from None

    def _message_id(self, remote_id: str) -> str:
        try:
            return numeric_id(remote_id, YammerType.MESSAGE)
        except UserError as exc:
            raise NotFound(f"{remote_id[:80]!r} is not a Viva Engage message.") from exc

    def _parsed(self, data: object, parse, what: str, *args: object):
        try:
            return parse(data, *args)
        except Malformed as exc:
            raise BadResponse(f"{self._api.service} sent a malformed {what}: {exc}.") from exc


def _all_before(feed: Feed, moment: datetime) -> bool:
    """Is every message of the page older than ``moment`` (or the page empty)? Whatever
    order a page lists them in, the next page holds only older ones."""
    return all(matching.moment(m.created_at) < moment for m in feed.messages)


def _iso(epoch: float) -> str:
    return iso(datetime.fromtimestamp(epoch, UTC))


def build_yammer(account: Account, tokens: TokenSource, client: httpx.AsyncClient) -> YammerNetwork:
    """The connector for a Viva Engage account: ``account.base_url`` is the API's base
    (empty: Microsoft's), ``account.settings["community"]`` where new posts go and
    ``["communities"]`` the ones the editor offers."""
    community = account.settings.get("community")
    wiring = Wiring(client, tokens, base_url=account.base_url)
    return YammerNetwork(
        wiring,
        community=str(community) if community else None,
        communities=_communities_from(account.settings),
    )


def _communities_from(settings: dict[str, Any]) -> tuple[Place, ...]:
    """The communities the settings offer for new posts; UserError when garbled."""
    chosen = settings.get("communities") or []
    if not isinstance(chosen, list) or not all(
        isinstance(c, dict) and isinstance(c.get("id"), str) for c in chosen
    ):
        raise UserError("The Viva Engage account's communities are garbled; choose them again.")
    return tuple(Place(c["id"], str(c.get("name") or c["id"])) for c in chosen)
