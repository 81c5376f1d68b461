"""The Teams connector: Fireside's Network protocol over Microsoft Graph v1.0 channel
messages, for the channels the executive chose.

- Without a choice yet, it reads every channel of every team the person belongs to, and
  posts nowhere. The Accounts dialog offers ``list_places`` (every channel of every team
  the person belongs to) to tick the channels it reads and the one new posts go to
  (``choose``; the editor may pick another chosen channel per post).
- Posts are the top-level messages the executive wrote in those channels; comments the
  replies in their chains (threads are two levels). Both come from each channel's delta
  (chatmessage-delta, ``$expand=replies``, a date range as the polling guidance asks),
  a round at a time, one page a step; the posts a page finds travel with it
  (``CommentPage.posts``) so the store knows them before their comments. A chain whose
  replies were read whole is ``complete_for_posts``: edits show, deletions mark.
- An expired or reset delta token reads the channel again whole (no duplicates: the
  store keeps one row per message). A channel the person left (403) is reported, and
  the others go on.
- A channel is read by itself at most once a day, and when the person asks to sync
  (``PullMode.RESCAN``); ``freshness`` says when each was last read (``cursor``).
- ``reply`` goes to the comment's top-level message and mentions the commenter with a
  Graph mention (``content``); ``publish`` posts to the first chosen channel with the
  title as its subject; ``edit`` PATCHes; ``delete`` soft-deletes. Every request keeps
  the per-team budget and honours Retry-After (``api``).
- Exactly once without a key: ``lookup_write`` finds a write among the chain's or the
  channel's messages by author, text digest and whom it mentions (a reply's place is its
  chain and the commenter it answers) since the item was queued (``matching``); an edit
  is found by its text, a deletion by ``deletedDateTime``.
"""

from __future__ import annotations

import logging
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from msgspec.structs import replace

from app.domain import (
    PUBLISH_NOW,
    Account,
    Capabilities,
    CommentPage,
    Freshness,
    OrgChart,
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
from app.errors import BadResponse, NotFound, PermissionDenied, Rejected, UserError
from app.networks import matching
from app.networks.microsoft.bearer import Wiring
from app.networks.microsoft.teams import content
from app.networks.microsoft.teams.api import TEAM_BUDGET, TOP, DeltaExpired, GraphApi
from app.networks.microsoft.teams.cursor import POLL_EVERY_S, ChannelState, Cursor, decode
from app.networks.microsoft.teams.directory import read_chart
from app.networks.microsoft.teams.parse import (
    ChatMessage,
    Skipped,
    SystemEvent,
    read,
    stored_html,
)
from app.networks.microsoft.teams.places import (
    ChannelChoice,
    ChannelRef,
    MessageRef,
    TeamChoice,
    channel_ref,
    channels_from,
    message_ref,
    post_channel_from,
)
from app.networks.microsoft.tokens import TokenSource
from app.text.classify import html_to_text
from app.timeutil import iso

log = logging.getLogger(__name__)

#: The date range of a channel's first delta (delta returns at most eight months).
HISTORY_DAYS = 240
#: Pages a look-up or a reply chain reads at most.
LOOKUP_PAGES = 5
MAX_PAGES = 1000
#: "A maximum of 3000 messages per app per day can be sent to a given channel"
#: (learn.microsoft.com/graph/throttling-limits, Microsoft Teams service limits). Posts
#: and replies are messages; edits and deletions are not.
DAILY_MESSAGES_PER_CHANNEL = 3000

CAPABILITIES = Capabilities(
    network="teams",
    display_name="Microsoft Teams",
    text_formats=("html",),
    post_max_chars=content.MAX_CHARS,
    reply_max_chars=content.MAX_CHARS,
    thread_depth=1,  # a reply to a reply goes to the top-level message, with a mention
    idempotency="lookup",
    requests_per_minute=TEAM_BUDGET.per_minute,
    key_retention_s=None,
    has_titles=True,  # a post's subject
    target_noun="Channel",
    daily_messages_per_place=DAILY_MESSAGES_PER_CHANNEL,
)


class TeamsNetwork:
    """One person's chosen Teams channels; ``clock`` (epoch s) and ``sleep`` for tests."""

    capabilities = CAPABILITIES
    reads_chosen = True
    unticked_reads_all = True  # every channel of every team the person is in

    def __init__(
        self, wiring: Wiring, channels: tuple[ChannelRef, ...], post_to: str | None = None
    ) -> None:
        self._api = GraphApi(wiring)
        self._channels = channels
        self._post_to = post_to
        #: Without a choice, every channel of every team the person belongs to (read once
        #: a session: listing them when the person opens Fireside is a visit, not a poll).
        self._discovered: tuple[ChannelRef, ...] | None = None
        self._clock = wiring.clock
        self._me: Person | None = None
        self._posts: dict[str, RemotePost] = {}
        self._authors: dict[str, Person] = {}  # comment remote id -> its author
        # Opening Fireside is a visit, not polling: the first pull reads every channel.
        self._visited = False

    # -- reading ---------------------------------------------------------------------------

    async def whoami(self) -> Person:
        if self._me is None:
            data = await self._api.me()
            if not isinstance(data, dict) or not isinstance(data.get("id"), str):
                raise BadResponse(f"{self._api.service} sent a malformed user.")
            self._me = Person(data["id"], str(data.get("displayName") or "Me"))
        return self._me

    async def org_chart(self, remote_id: str) -> OrgChart:
        """The job title and managers of a person (``ReadsOrgCharts``)."""
        return await read_chart(self._api, remote_id)

    async def list_my_posts(self) -> list[RemotePost]:
        """The posts this session knows (pulls find the others and carry them)."""
        return list(self._posts.values())

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        """One delta page of the next channel due, or nothing when none is. The first pull
        of a session and RESCAN (the person asked to sync) make every channel due that was
        not read in the last minute."""
        now = self._clock()
        state = decode(cursor)
        if not state.todo:
            asked = mode is PullMode.RESCAN or not self._visited
            self._visited = True
            places = await self._places()
            due = tuple(r.key for r in places if state.state(r.key).due(now, asked))
            if not due:
                return CommentPage([], state.encode(), has_more=False)
            state = replace(state, todo=due)
        key = state.todo[0]
        ref = self._ref(key)
        channel = state.state(key)
        if ref is None:  # no longer chosen
            return CommentPage([], state.done_with(key).encode(), True)
        try:
            return await self._delta_step(state, ref, channel, now)
        except DeltaExpired as exc:
            if channel.delta_link is None and channel.next_link is None:
                raise BadResponse(
                    f"{self._api.service} refused a first read of {ref.name} ({exc})."
                ) from exc
            log.info("%s: the delta of %s expired; reading it whole", self._api.service, ref.name)
            fresh = replace(channel, delta_link=None, next_link=None, resyncs=channel.resyncs + 1)
            return CommentPage([], state.with_state(key, fresh).encode(), True)
        except PermissionDenied as exc:
            sentence = (
                f"{self._api.service}: Fireside cannot read the channel {ref.name or key} "
                f"({exc}). If you left it, remove it from the account's channels."
            )
            gone = replace(channel, next_link=None, problem=sentence)
            after = state.with_state(key, gone).done_with(key)
            return CommentPage([], after.encode(), bool(after.todo), [sentence])

    async def get_comment(self, remote_id: str) -> RemoteComment:
        ref = self._reply_ref(remote_id)
        data = await self._api.get(self._api.url(ref.path), ref.team_id)
        item = read(data, self._api.service)
        if not isinstance(item, ChatMessage):
            raise BadResponse(f"{self._api.service} sent a malformed message {remote_id}.")
        me = await self.whoami()
        return self._comment(ref, item, me)

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        """Teams has no replies to a reply; Fireside answers a comment in its chain with a
        mention of its author. So: my replies after the comment that mention its author
        (an answer to another comment by the same person counts too: the safer reading,
        which holds a reply for the person to confirm rather than answering twice)."""
        ref = self._reply_ref(comment_remote_id)
        comment = await self.get_comment(comment_remote_id)
        me = await self.whoami()
        chain = await self._replies(MessageRef(ref.team_id, ref.channel_id, ref.root_id))
        return [
            self._comment(MessageRef(ref.team_id, ref.channel_id, ref.root_id, r.id), r, me)
            for r in chain
            if r.author.remote_id == me.remote_id
            and (r.mentioned is None or comment.author.remote_id in r.mentioned)
            and matching.moment(r.created_at) >= matching.moment(comment.created_at)
        ]

    async def list_teams_and_channels(self) -> tuple[TeamChoice, ...]:
        """The teams the person belongs to and the channels they can read in each, for
        choosing which channels the account reads."""
        data = await self._api.joined_teams()
        choices = []
        for team in _values(data, self._api.service):
            if not isinstance(team, dict) or not isinstance(team.get("id"), str):
                continue
            channels = _values(await self._api.channels(team["id"]), self._api.service)
            choices.append(
                TeamChoice(
                    team["id"],
                    str(team.get("displayName") or team["id"]),
                    tuple(
                        ChannelChoice(
                            c["id"],
                            str(c.get("displayName") or c["id"]),
                            str(c.get("membershipType") or "standard"),
                        )
                        for c in channels
                        if isinstance(c, dict) and isinstance(c.get("id"), str)
                    ),
                )
            )
        return tuple(choices)

    async def list_places(self) -> tuple[Place, ...]:
        """Every channel of every team the person belongs to, as places to choose."""
        return tuple(
            Place(team.ref(channel).key, channel.name, team.name)
            for team in await self.list_teams_and_channels()
            for channel in team.channels
        )

    def chosen(self) -> PlaceChoice:
        places = tuple(Place(r.key, r.name or r.channel_id) for r in self._channels)
        default = self._post_to if any(p.id == self._post_to for p in places) else None
        return PlaceChoice(places, default or (places[0].id if places else None))

    def choose(self, choice: PlaceChoice) -> dict[str, Any]:
        """Read ``choice.places`` from now on and post to ``choice.post_to``; UserError
        for a place that is no channel."""
        refs = tuple(channel_ref(p.id, p.label) for p in choice.places)
        if choice.post_to is not None and choice.place(choice.post_to) is None:
            raise UserError("New posts can go only to one of the channels chosen.")
        self._channels, self._post_to, self._discovered = refs, choice.post_to, None
        return {"channels": [r.setting() for r in refs], "post_channel": choice.post_to}

    def place_of(self, intent: WriteIntent) -> str | None:
        """The channel a post or reply lands in (edits and deletions send no message)."""
        if intent.kind is OutboxKind.PUBLISH:
            return self._post_channel(intent.place).key
        if intent.kind is OutboxKind.REPLY:
            return message_ref(intent.post_remote_id or "").channel_key
        return None

    def freshness(self, cursor: str | None) -> tuple[Freshness, ...]:
        """For each chosen channel: when it was last read whole-round, and when it is read
        again by itself (the person can always ask sooner)."""
        state = decode(cursor)
        places = []
        for ref in self._channels or self._discovered or ():
            channel = state.state(ref.key)
            read_at = channel.read_at
            places.append(
                Freshness(
                    ref.name or ref.channel_id,
                    None if read_at is None else _iso(read_at),
                    None if read_at is None else _iso(read_at + POLL_EVERY_S),
                    channel.problem,
                )
            )
        return tuple(places)

    # -- writing ---------------------------------------------------------------------------

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        """A new post in the channel the options name (else the account's); the title is
        its subject."""
        if options.status != "publish":
            raise Rejected(f"Teams posts at once; it keeps no {options.status!r}.")
        target = self._post_channel(options.place)
        fields = content.message_body(body, text_format)
        if title.strip():
            fields["subject"] = title.strip()
        path = f"/teams/{target.team_id}/channels/{target.channel_id}/messages"
        item = self._message(await self._api.send("POST", path, target.team_id, fields))
        post = self._post(MessageRef(target.team_id, target.channel_id, item.id), item)
        self._posts[post.remote_id] = post
        return post

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        """Reply in the post's chain; to a comment, with a mention of its author."""
        post = message_ref(post_remote_id)
        mention = None
        if comment_remote_id and comment_remote_id != post_remote_id:
            mention = await self._author(self._reply_ref(comment_remote_id))
        fields = content.message_body(body, text_format, mention)
        root = MessageRef(post.team_id, post.channel_id, post.root_id)
        data = await self._api.send("POST", f"{root.path}/replies", root.team_id, fields)
        item = self._message(data)
        me = await self.whoami()
        return self._comment(replace(root, reply_id=item.id), item, me)

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        """Replace the text of my post or reply (PATCH; the editor writes Markdown)."""
        ref = message_ref(remote_id)
        fields = content.message_body(body, "markdown")
        await self._api.send("PATCH", ref.path, ref.team_id, fields)

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        """Soft-delete; one already gone counts as deleted."""
        ref = message_ref(remote_id)
        try:
            await self._api.send("POST", f"{ref.path}/softDelete", ref.team_id)
        except NotFound as exc:
            log.info("%s: %s was already gone (%s)", self._api.service, remote_id, exc)

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        """The message this write made, edited or deleted, found by what it asked for;
        None when it did not land (or without an intent, when nothing can be matched)."""
        if intent is None:
            return None
        if intent.kind in (OutboxKind.EDIT, OutboxKind.DELETE):
            return await self._look_at(intent)
        if intent.kind is OutboxKind.REPLY:
            post = message_ref(intent.post_remote_id or "")
            root = MessageRef(post.team_id, post.channel_id, post.root_id)
            mentions: frozenset[str] = frozenset()
            target = intent.target_remote_id
            if target and target != intent.post_remote_id:
                # Its place is its chain *and* whom it answers: the mention names them.
                mentions = frozenset({(await self._author(self._reply_ref(target))).remote_id})
            found = await self._find_mine(
                intent, self._api.url(f"{root.path}/replies"), root.team_id, mentions
            )
            return None if found is None else replace(root, reply_id=found).remote_id
        target_channel = self._post_channel(intent.place)
        url = self._api.url(
            f"/teams/{target_channel.team_id}/channels/{target_channel.channel_id}/messages"
        )
        found = await self._find_mine(intent, url, target_channel.team_id, frozenset())
        if found is None:
            return None
        return MessageRef(target_channel.team_id, target_channel.channel_id, found).remote_id

    async def _find_mine(
        self, intent: WriteIntent, url: str, team: str, mentions: frozenset[str]
    ) -> str | None:
        """The id of my message listed at ``url`` that mentions exactly ``mentions`` and
        says what ``intent`` sent, since it was queued (a few pages at most). Unsure
        (BadResponse) rather than None when it passed over a message it could not read (a
        malformed one; one of mine since then that was deleted, its text gone, or that says
        the same but whose mentions cannot be read) or when the pages went on past the
        last it reads."""
        wanted = matching.html_digest(content.as_html(intent.body, intent.text_format))
        earliest = matching.earliest(intent.since)
        me = await self.whoami()
        service = self._api.service
        skipped: list[str] = []
        params: dict | None = {"$top": TOP}
        for _ in range(LOOKUP_PAGES):
            data = await self._api.get(url, team, params)
            items, unreadable = _messages(data, service)
            skipped += unreadable
            for item in items:
                if item.author.remote_id != me.remote_id or (
                    matching.moment(item.created_at) < earliest
                ):
                    continue
                if item.deleted:
                    skipped.append(f"{service}: my message {item.id} was deleted, its text gone.")
                elif matching.html_digest(item.body_html) != wanted:
                    continue
                elif item.mentioned is None:
                    skipped.append(f"{service}: whom my message {item.id} names cannot be read.")
                elif item.mentioned == mentions:
                    return item.id
            following = data.get("@odata.nextLink")
            if not isinstance(following, str) or (
                items and all(matching.moment(i.created_at) < earliest for i in items)
            ):
                matching.unsure_if(skipped, "message")
                return None
            url, params = following, None
        raise matching.stopped_short(service, LOOKUP_PAGES)

    async def aclose(self) -> None:
        await self._api.client.aclose()

    # -- the pull --------------------------------------------------------------------------

    async def _delta_step(
        self, state: Cursor, ref: ChannelRef, channel: ChannelState, now: float
    ) -> CommentPage:
        me = await self.whoami()
        params: dict[str, Any] | None = None
        url = channel.next_link or channel.delta_link
        if url is None:
            since = datetime.fromtimestamp(now, UTC) - timedelta(days=HISTORY_DAYS)
            url = self._api.url(f"/teams/{ref.team_id}/channels/{ref.channel_id}/messages/delta")
            params = {
                "$top": TOP,
                "$expand": "replies",
                "$filter": f"lastModifiedDateTime gt {iso(since)}",
            }
        data = await self._api.get(url, ref.team_id, params)
        raw = _values(data, self._api.service)
        posts: dict[str, RemotePost] = {}
        comments: dict[str, RemoteComment] = {}
        errors: list[str] = []
        complete: list[str] = []
        for item in map(lambda r: read(r, self._api.service), raw):
            if isinstance(item, Skipped):
                errors.append(item.sentence)
                continue
            if isinstance(item, SystemEvent) or item.reply_to is not None:
                continue
            if item.author.remote_id != me.remote_id:
                continue
            root = MessageRef(ref.team_id, ref.channel_id, item.id)
            post = self._post(root, item)
            posts[post.remote_id] = post
            chain, problems = await self._chain(root, item)
            for reply in chain:
                comments[reply.remote_id] = reply  # a message listed twice counts once
            errors += problems
            if not problems:
                complete.append(post.remote_id)
        self._posts.update(posts)
        after = self._advance(state, ref, channel, data, now)
        return CommentPage(
            list(comments.values()),
            after.encode(),
            bool(after.todo),
            errors,
            tuple(complete),
            tuple(posts.values()),
        )

    def _advance(
        self, state: Cursor, ref: ChannelRef, channel: ChannelState, data: Any, now: float
    ) -> Cursor:
        following = data.get("@odata.nextLink")
        finished = data.get("@odata.deltaLink")
        if isinstance(following, str):
            return state.with_state(ref.key, replace(channel, next_link=following))
        if isinstance(finished, str):
            done = ChannelState(finished, None, now, "", channel.resyncs)
            return state.with_state(ref.key, done).done_with(ref.key)
        raise BadResponse(f"{self._api.service} sent a delta page without a next or delta link.")

    async def _chain(
        self, root: MessageRef, item: ChatMessage
    ) -> tuple[list[RemoteComment], list[str]]:
        """The replies of a post as comments, and sentences for malformed ones; all of
        them, following ``replies@odata.nextLink``."""
        me = await self.whoami()
        raw = list(item.replies)
        following = item.more_replies
        for _ in range(MAX_PAGES):
            if not following:
                break
            data = await self._api.get(following, root.team_id)
            raw += _values(data, self._api.service)
            following = data.get("@odata.nextLink")
        comments, problems = [], []
        for reply in (read(r, self._api.service) for r in raw):
            if isinstance(reply, Skipped):
                problems.append(reply.sentence)
            elif isinstance(reply, ChatMessage):
                comments.append(self._comment(replace(root, reply_id=reply.id), reply, me))
        return comments, problems

    async def _replies(self, root: MessageRef) -> list[ChatMessage]:
        """Every reply of a chain (pages of ``$top`` 50)."""
        url = self._api.url(f"{root.path}/replies")
        params: dict | None = {"$top": TOP}
        found: list[ChatMessage] = []
        for _ in range(MAX_PAGES):
            data = await self._api.get(url, root.team_id, params)
            found += [i for i in map(self._read, _values(data, self._api.service)) if i]
            following = data.get("@odata.nextLink")
            if not isinstance(following, str):
                break
            url, params = following, None
        return found

    async def _look_at(self, intent: WriteIntent) -> str | None:
        """An edit landed when the message says what it asked; a deletion when the message
        is gone or soft-deleted."""
        remote_id = intent.target_remote_id or intent.post_remote_id or ""
        ref = message_ref(remote_id)
        try:
            item = self._message(await self._api.get(self._api.url(ref.path), ref.team_id))
        except NotFound:
            return remote_id if intent.kind is OutboxKind.DELETE else None
        if intent.kind is OutboxKind.DELETE:
            return remote_id if item.deleted else None
        wanted = matching.html_digest(content.as_html(intent.body, "markdown"))
        return remote_id if matching.html_digest(item.body_html) == wanted else None

    async def _author(self, ref: MessageRef) -> Person:
        known = self._authors.get(ref.remote_id)
        if known is not None:
            return known
        return (await self.get_comment(ref.remote_id)).author

    # -- values ----------------------------------------------------------------------------

    def _read(self, raw: Any) -> ChatMessage | None:
        item = read(raw, self._api.service)
        if isinstance(item, Skipped):
            log.warning("%s", item.sentence)
        return item if isinstance(item, ChatMessage) else None

    def _message(self, data: Any) -> ChatMessage:
        item = read(data, self._api.service)
        if not isinstance(item, ChatMessage):
            raise BadResponse(f"{self._api.service} sent a malformed message back.")
        return item

    def _post(self, ref: MessageRef, item: ChatMessage) -> RemotePost:
        return RemotePost(
            remote_id=ref.post_remote_id,
            title=item.subject,
            body=html_to_text(stored_html(item.body_html)),
            url=item.web_url,
            created_at=item.created_at,
            updated_at=item.modified_at,
            deleted=item.deleted,
        )

    def _comment(self, ref: MessageRef, item: ChatMessage, me: Person) -> RemoteComment:
        body = stored_html(item.body_html)
        self._authors[ref.remote_id] = item.author
        return RemoteComment(
            remote_id=ref.remote_id,
            post_remote_id=ref.post_remote_id,
            parent_remote_id=None,
            root_remote_id=None,
            author=item.author,
            body_html=body,
            created_at=item.created_at,
            edited_at=item.edited_at,
            version=zlib.crc32(body.encode("utf-8", "surrogatepass")),
            deleted=item.deleted,
            is_mine=item.author.remote_id == me.remote_id,
        )

    def _ref(self, key: str) -> ChannelRef | None:
        return next((r for r in self._channels or self._discovered or () if r.key == key), None)

    async def _places(self) -> tuple[ChannelRef, ...]:
        """The channels the pull reads: the person's choice, else every one they can read
        in every team they belong to (found once a session)."""
        if self._channels:
            return self._channels
        if self._discovered is None:
            choices = await self.list_teams_and_channels()
            self._discovered = tuple(t.ref(c) for t in choices for c in t.channels)
        return self._discovered

    def _reply_ref(self, remote_id: str) -> MessageRef:
        ref = message_ref(remote_id)
        if ref.reply_id is None:
            raise NotFound(f"{remote_id[:120]!r} is a Teams post, not a reply.")
        return ref

    def _post_channel(self, place: str | None) -> ChannelRef:
        """The channel ``place`` names, else the account's channel for new posts."""
        key = place or self.chosen().post_to
        if key is None:
            raise Rejected(
                "Choose the Teams channel new posts go to (Accounts → Teams → Channels…): "
                "Fireside posts only where you chose."
            )
        try:
            return channel_ref(key, next((r.name for r in self._channels if r.key == key), ""))
        except UserError as exc:
            raise Rejected(str(exc)) from None


def _messages(data: Any, service: str) -> tuple[list[ChatMessage], list[str]]:
    """The messages of a listing, and a sentence for each entry that could not be read
    (system events are neither)."""
    items: list[ChatMessage] = []
    skipped: list[str] = []
    for item in (read(raw, service) for raw in _values(data, service)):
        if isinstance(item, Skipped):
            skipped.append(item.sentence)
        elif isinstance(item, ChatMessage):
            items.append(item)
    return items, skipped


def _values(data: Any, service: str) -> list:
    if not isinstance(data, dict) or not isinstance(data.get("value"), list):
        raise BadResponse(f"{service} sent a listing without a list of values.")
    return data["value"]


def _iso(epoch: float) -> str:
    return iso(datetime.fromtimestamp(epoch, UTC))


def build_teams(account: Account, tokens: TokenSource, client: httpx.AsyncClient) -> TeamsNetwork:
    """The connector for a Teams account: ``account.settings["channels"]`` the chosen
    channels, ``["post_channel"]`` where new posts go, ``account.base_url`` Graph's base
    (empty: Microsoft's)."""
    wiring = Wiring(client, tokens, base_url=account.base_url)
    settings = account.settings
    return TeamsNetwork(wiring, channels_from(settings), post_channel_from(settings))
