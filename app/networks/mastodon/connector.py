"""The Mastodon connector: the ``Network`` protocol over one server's REST API, for one
account signed in with OAuth (``app.networks.oauth``).

- Posts are my statuses that start a thread; comments are the statuses under them, at
  any depth (``in_reply_to_id`` names any status). How pulls find them is in ``pull``.
- The editor writes Markdown; Mastodon shows text as typed, so posts and replies are sent
  as plain text (``app.text.plain``). A reply begins with an @mention of the person
  answered (as Mastodon's own clients write it, so they are notified), unless the text
  already mentions them.
- The limit the editor counts against is the server's own
  (``configuration.statuses.max_characters`` of ``GET /api/v2/instance``), read when
  signing in and again whenever the connector checks who is signed in.
- Exactly once: every create carries the outbox key as ``Idempotency-Key``; Mastodon
  answers a repeat within an hour with the status the first request made
  (``methods/statuses.md``). Past the hour, ``lookup_write`` finds the write among my
  own statuses since the item was queued: same parent, same text. Edits (PUT) and
  deletions are idempotent by nature; a status already gone counts as deleted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime

import httpx
import msgspec
import msgspec.structs

from app.domain import (
    PUBLISH_NOW,
    Capabilities,
    CommentPage,
    OutboxKind,
    Person,
    PublishOptions,
    PullMode,
    RemoteComment,
    RemoteKind,
    RemotePost,
    TextCounting,
    WriteIntent,
)
from app.errors import BadResponse, NotFound, Rejected
from app.networks import matching
from app.networks.http import Malformed, field
from app.networks.mastodon.api import MastodonApi
from app.networks.mastodon.entities import (
    DEFAULT_MAX_CHARS,
    Placement,
    Status,
    as_comment,
    as_post,
    max_characters,
    place_all,
    read_status,
)
from app.networks.mastodon.pull import Puller
from app.networks.oauth.keeper import TokenKeeper
from app.networks.pacing import Sleep
from app.text.classify import html_to_text
from app.text.plain import to_plain_text
from app.timeutil import parse

log = logging.getLogger(__name__)

#: Pages of 40 of my statuses read back to find a write (about 400 statuses).
LOOKUP_PAGES = 10
#: Pages of 40 read for ``list_my_posts`` (1,600 posts).
MY_POST_PAGES = 40
PAGE = 40

CAPABILITIES = Capabilities(
    network="mastodon",
    display_name="Mastodon",
    text_formats=("text",),
    post_max_chars=DEFAULT_MAX_CHARS,
    reply_max_chars=DEFAULT_MAX_CHARS,
    thread_depth=None,
    idempotency="key",
    requests_per_minute=60,  # 300 in 5 minutes
    key_retention_s=60 * 60,  # methods/statuses.md: idempotency keys are kept 1 hour
    has_titles=False,
    publish_statuses=("publish",),
    target_noun="Account",
    text_counting=TextCounting.MASTODON,
)


def capabilities_for(max_chars: int) -> Capabilities:
    return msgspec.structs.replace(
        CAPABILITIES, post_max_chars=max_chars, reply_max_chars=max_chars
    )


class MastodonNetwork:
    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        keeper: TokenKeeper,
        *,
        user_id: str,
        max_chars: int = DEFAULT_MAX_CHARS,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._api = MastodonApi(client, base_url, keeper, clock=clock, sleep=sleep)
        self.user_id = user_id
        self.capabilities = capabilities_for(max_chars)
        self._seen: dict[str, Status] = {}  # statuses read this session, by id
        self._me: Person | None = None
        self._puller = Puller(self._api, lambda: self.user_id, self._latest_posts, clock)

    @property
    def service(self) -> str:
        return self._api.service

    # -- reading -------------------------------------------------------------------------

    async def whoami(self) -> Person:
        """The signed-in account (checked against this one) and the server's limit now."""
        raw = await self._api.call("GET", "/api/v1/accounts/verify_credentials")
        try:
            account_id = field(raw, "id")
            name = field(raw, "display_name", str, optional=True) or field(raw, "username")
        except (Malformed, AttributeError) as exc:
            raise BadResponse(f"{self.service} sent an account Fireside cannot read.") from exc
        if account_id != self.user_id:
            raise Rejected(
                f"{self.service} says this sign-in belongs to another account. Sign in again "
                "as the account you added."
            )
        self.capabilities = capabilities_for(await self.max_characters())
        self._me = Person(remote_id=account_id, name=name)
        return self._me

    async def max_characters(self) -> int:
        """The server's limit on a status (``/api/v2/instance``), or Mastodon's default."""
        return max_characters(await self._api.call("GET", "/api/v2/instance"))

    async def list_my_posts(self) -> list[RemotePost]:
        statuses, _ = await self._my_statuses(MY_POST_PAGES, replies=False)
        return [as_post(s) for s in statuses]

    async def _latest_posts(self, count: int) -> list[Status]:
        statuses, _ = await self._my_statuses(1, replies=False, limit=count)
        return statuses[:count]

    async def _my_statuses(
        self, pages: int, *, replies: bool, limit: int = PAGE, until: datetime | None = None
    ) -> tuple[list[Status], list[str]]:
        """(my statuses, newest first, ``pages`` pages at most (older than ``until``: stop),
        sentences for the ones that could not be read)."""
        found: list[Status] = []
        skipped: list[str] = []
        max_id: str | None = None
        for _ in range(pages):
            params: dict[str, object] = {"limit": limit, "exclude_reblogs": "true"}
            if not replies:
                params["exclude_replies"] = "true"
            if max_id is not None:
                params["max_id"] = max_id
            raw = await self._api.call(
                "GET", f"/api/v1/accounts/{self.user_id}/statuses", params=params
            )
            if not isinstance(raw, list):
                raise BadResponse(f"{self.service} sent a list of statuses that is not a list.")
            items = raw
            for item in items:
                try:
                    status = read_status(item)
                except Malformed as exc:
                    log.warning("%s: skipped a malformed status of mine (%s)", self.service, exc)
                    skipped.append(f"{self.service}: skipped a malformed status of mine ({exc}).")
                    continue
                self._seen[status.id] = status
                found.append(status)
            if len(items) < limit or not items:
                break
            if until is not None and found and parse(found[-1].created_at) < until:
                break
            max_id = str(items[-1].get("id")) if isinstance(items[-1], dict) else None
            if max_id is None:
                break
        return found, skipped

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        return await self._puller.pull(cursor, mode)

    async def get_comment(self, remote_id: str) -> RemoteComment:
        status = await self._status(remote_id)
        where = await self._puller.placement(status)
        if where is None:
            raise NotFound(f"{remote_id} is not a comment on one of your Mastodon posts.")
        return as_comment(status, where, self.user_id)

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        """The statuses that answer this comment directly."""
        context = await self._api.call("GET", f"/api/v1/statuses/{comment_remote_id}/context")
        ancestors = [read_status(r) for r in _list(context, "ancestors")]
        if not ancestors or ancestors[0].author.remote_id != self.user_id:
            raise NotFound(f"{comment_remote_id} is not a comment on one of your Mastodon posts.")
        post_id = ancestors[0].id
        below: list[Status] = []
        for raw in _list(context, "descendants"):
            try:
                below.append(read_status(raw))
            except Malformed as exc:
                log.warning("%s: skipped a malformed reply (%s)", self.service, exc)
        thread = [*ancestors[1:], await self._status(comment_remote_id), *below]
        placed = place_all(post_id, thread)
        return [
            as_comment(s, placed[s.id], self.user_id)
            for s in below
            if s.in_reply_to_id == comment_remote_id and s.id in placed
        ]

    async def _status(self, remote_id: str) -> Status:
        raw = await self._api.call("GET", f"/api/v1/statuses/{remote_id}")
        try:
            status = read_status(raw)
        except Malformed as exc:
            raise BadResponse(f"{self.service} sent a malformed status: {exc}") from exc
        self._seen[status.id] = status
        return status

    # -- writing -------------------------------------------------------------------------

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        """A public status, now (the outbox schedules; Mastodon's own ``scheduled_at`` is
        not used)."""
        if options.status not in self.capabilities.publish_statuses:
            raise Rejected(f"Mastodon can only publish now, not as {options.status!r}.")
        status = await self._create({"status": self._text(body), "visibility": "public"}, key)
        return as_post(status)

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        """A reply to the very comment (``in_reply_to_id``), mentioning its author."""
        comment = self._seen.get(comment_remote_id) or await self._status(comment_remote_id)
        text = self._text(body, mention=comment)
        sent = await self._create(
            {"status": text, "in_reply_to_id": comment_remote_id, "visibility": "public"}, key
        )
        top = self._top_level(comment_remote_id, post_remote_id)
        return as_comment(sent, Placement(post_remote_id, top), self.user_id)

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        """Replace the text; a reply keeps the mention of the person it answers."""
        mention: Status | None = None
        if kind is RemoteKind.COMMENT:
            mine = await self._status(remote_id)
            if mine.in_reply_to_id:
                mention = self._seen.get(mine.in_reply_to_id) or await self._parent(mine)
        await self._api.call(
            "PUT", f"/api/v1/statuses/{remote_id}", json={"status": self._text(body, mention)}
        )

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        try:
            await self._api.call("DELETE", f"/api/v1/statuses/{remote_id}")
        except NotFound:
            log.info("mastodon: %s %s was already gone", kind, remote_id)

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        """The status a write made (or edited, or deleted), found by what it asked for:
        Mastodon shows no idempotency key afterwards, so a create is found among my own
        statuses since it was queued, by its parent and its text as sent."""
        if intent is None:
            return None
        if intent.kind is OutboxKind.DELETE and intent.target_remote_id:
            try:
                await self._status(intent.target_remote_id)
            except NotFound:
                return intent.target_remote_id
            return None
        if intent.kind is OutboxKind.EDIT and intent.target_remote_id:
            status = await self._status(intent.target_remote_id)
            return intent.target_remote_id if self._same_text(status, intent) else None
        parent = intent.target_remote_id if intent.kind is OutboxKind.REPLY else None
        floor = matching.earliest(intent.since)
        statuses, skipped = await self._my_statuses(LOOKUP_PAGES, replies=True, until=floor)
        for status in statuses:
            if parse(status.created_at) < floor:
                break
            if status.in_reply_to_id == parent and self._same_text(status, intent):
                return status.id
        else:  # all since the item was queued, and every page full: more may be behind
            if len(statuses) + len(skipped) >= LOOKUP_PAGES * PAGE:
                raise matching.stopped_short(self.service, LOOKUP_PAGES)
        matching.unsure_if(skipped, "status")
        return None

    async def aclose(self) -> None:
        await self._api.http.client.aclose()

    # -- helpers -------------------------------------------------------------------------

    async def _create(self, payload: dict, key: str) -> Status:
        raw = await self._api.call("POST", "/api/v1/statuses", json=payload, key=key)
        try:
            status = read_status(raw)
        except Malformed as exc:
            raise BadResponse(f"{self.service} answered a new status malformed: {exc}") from exc
        self._seen[status.id] = status
        return status

    async def _parent(self, status: Status) -> Status | None:
        try:
            return await self._status(str(status.in_reply_to_id))
        except NotFound:
            return None

    def _text(self, body: str, mention: Status | None = None) -> str:
        text = to_plain_text(body)
        if mention is None or mention.author.remote_id == self.user_id:
            return text
        handle = f"@{mention.acct}"
        if handle.casefold() in text.casefold().split() or text.casefold().startswith(
            handle.casefold()
        ):
            return text
        return f"{handle} {text}"

    def _same_text(self, status: Status, intent: WriteIntent) -> bool:
        """Does the status say what the item asked (mentions aside)?"""
        sent = " ".join(to_plain_text(intent.body).split())
        shown = html_to_text(status.content)
        return shown == sent or shown.endswith(" " + sent)

    def _top_level(self, comment_id: str, post_id: str) -> str:
        seen = self._seen.get(comment_id)
        while seen is not None and seen.in_reply_to_id not in (None, post_id):
            parent = self._seen.get(str(seen.in_reply_to_id))
            if parent is None:
                break
            seen = parent
        return seen.id if seen is not None else comment_id


def _list(data: object, key: str) -> list:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []
