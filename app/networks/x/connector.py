"""The X connector: the signed-in person's recent posts, the replies in their
conversations, replies and posts, deletion, and exactly-once by looking a write up.

- Replies are read with recent search, ``conversation_id:<post>``, newest first, paged
  with ``next_token``; each conversation remembers the newest reply seen (``since_id``)
  so an unchanged one transfers nothing. Recent search reaches back 7 days: replies to
  older posts are not read (docs.x.com/x-api/posts/search/introduction).
- A reply is ``POST /2/tweets`` with ``reply.in_reply_to_tweet_id`` = the comment
  (docs.x.com/x-api/posts/manage-tweets/...post-tweets); X threads it under that comment.
- X has no edit through the API: ``edit`` refuses, saying so. ``DELETE /2/tweets/:id``
  deletes.
- X keeps no idempotency key. After an unclear answer the outbox asks ``lookup_write``,
  which searches the person's own posts since the item was queued for one answering the
  same parent whose text has the same digest (links normalised: X shows them as t.co).
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from app.domain import (
    PUBLISH_NOW,
    Account,
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
from app.networks.x import parse
from app.networks.x.api import XApi
from app.text.plain import to_plain_text
from app.timeutil import iso, now_iso

#: Recent search covers the last seven days.
SEARCH_DAYS = 7
PAGE = 100
_MAX_PAGES = 20
_URL = re.compile(r"https?://\S+")
NO_EDIT = (
    "X does not let apps edit a post: delete it and post it again, or edit it on x.com (X Premium)."
)


def capabilities() -> Capabilities:
    return Capabilities(
        network="x",
        display_name="X",
        text_formats=("text",),
        post_max_chars=280,
        reply_max_chars=280,
        thread_depth=None,
        idempotency="lookup",
        # Recent search: 300 requests per 15 minutes per user (the tightest we use).
        requests_per_minute=20,
        can_edit=False,
        target_noun="Account",
        text_counting=TextCounting.X,
    )


def digest(text: str) -> str:
    """Same for what was sent and what X shows of it (t.co links, &amp;, spacing)."""
    return matching.digest(_URL.sub("<link>", html.unescape(text)))


class XNetwork:
    def __init__(self, account: Account, api: XApi) -> None:
        self.capabilities = capabilities()
        self._api = api
        self._user_id = str(account.settings.get("user_id") or "")
        self._username = str(account.settings.get("username") or account.username)

    async def whoami(self) -> Person:
        body = await self._api.call(
            "GET", "/2/users/me", what="GET /2/users/me", endpoint="GET /2/users/me"
        )
        try:
            user = field(body, "data", dict)
            self._user_id, self._username = field(user, "id"), field(user, "username")
            return Person(self._user_id, field(user, "name"))
        except Malformed as exc:
            raise BadResponse(f"X sent a malformed user: {exc}.") from exc

    async def _me(self) -> str:
        if not self._user_id:
            await self.whoami()
        return self._user_id

    async def list_my_posts(self) -> list[RemotePost]:
        """My posts of the last seven days (older ones' replies cannot be searched)."""
        me = await self._me()
        since = iso(datetime.now(UTC) - timedelta(days=SEARCH_DAYS))
        params: dict[str, Any] = {
            "max_results": PAGE,
            "exclude": "replies,retweets",
            "start_time": since,
            "tweet.fields": parse.TWEET_FIELDS,
        }
        posts: list[RemotePost] = []
        for _ in range(_MAX_PAGES):
            body = await self._api.call(
                "GET",
                f"/2/users/{me}/tweets",
                what="GET /2/users/:id/tweets",
                endpoint="GET /2/users/:id/tweets",
                params=params,
            )
            posts += [self._parsed(parse.post, t, self._username) for t in parse.data_list(body)]
            token = parse.next_token(body)
            if token is None:
                return posts
            params = {**params, "pagination_token": token}
        return posts

    def _parsed(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except Malformed as exc:
            raise BadResponse(f"X sent a malformed post: {exc}.") from exc

    async def _search(self, query: str, **params: Any) -> dict:
        body = await self._api.call(
            "GET",
            "/2/tweets/search/recent",
            what="GET /2/tweets/search/recent",
            endpoint="GET /2/tweets/search/recent",
            params={
                "query": query,
                "max_results": PAGE,
                "tweet.fields": parse.TWEET_FIELDS,
                "expansions": "author_id",
                "user.fields": parse.USER_FIELDS,
                **{k: v for k, v in params.items() if v is not None},
            },
        )
        if not isinstance(body, dict):
            raise BadResponse("X answered a search with something that is not an object.")
        return body

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        """One page of one conversation's new replies; the cursor keeps, per conversation,
        the newest reply seen, and the conversations still to read in this pass."""
        state = _Cursor.load(cursor)
        if not state.queue:
            state.queue = [p.remote_id for p in await self.list_my_posts()]
            if not state.queue:
                return CommentPage([], state.dump(), has_more=False)
        me = await self._me()
        conversation = state.queue[0]
        body = await self._search(
            f"conversation_id:{conversation}",
            since_id=None if state.token else state.newest.get(conversation),
            next_token=state.token,
        )
        comments, errors = self._comments(body, me)
        state.seen(conversation, body, parse.next_token(body))
        return CommentPage(comments, state.dump(), has_more=bool(state.queue), errors=errors)

    def _comments(self, body: dict, me: str) -> tuple[list[RemoteComment], list[str]]:
        try:
            authors = parse.people(body)
            tweets = parse.data_list(body)
        except Malformed as exc:
            raise BadResponse(f"X sent a malformed search answer: {exc}.") from exc
        comments, errors = [], []
        for tweet in tweets:
            if isinstance(tweet, dict) and tweet.get("id") == tweet.get("conversation_id"):
                continue  # the post that started the conversation is no comment on it
            try:
                comments.append(parse.comment(tweet, authors, me))
            except Malformed as exc:
                errors.append(f"An X post could not be read and was skipped: {exc}.")
        return comments, errors

    async def get_comment(self, remote_id: str) -> RemoteComment:
        body = await self._api.call(
            "GET",
            f"/2/tweets/{remote_id}",
            what="GET /2/tweets/:id",
            endpoint="GET /2/tweets/:id",
            params={
                "tweet.fields": parse.TWEET_FIELDS,
                "expansions": "author_id",
                "user.fields": parse.USER_FIELDS,
            },
        )
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise NotFound(f"The X post {remote_id} is gone.")
        found, errors = self._comments({**body, "data": [body["data"]]}, await self._me())
        if not found:
            raise BadResponse(errors[0] if errors else "X sent an unreadable post.")
        return found[0]

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        comment = await self.get_comment(comment_remote_id)
        replies = []
        token = None
        for _ in range(_MAX_PAGES):
            body = await self._search(f"conversation_id:{comment.post_remote_id}", next_token=token)
            found, _errors = self._comments(body, await self._me())
            replies += [c for c in found if c.parent_remote_id == comment_remote_id]
            token = parse.next_token(body)
            if token is None:
                break
        return replies

    async def _create(self, text: str, in_reply_to: str | None) -> str:
        """The id of the post X made."""
        request: dict[str, Any] = {"text": text}
        if in_reply_to:
            request["reply"] = {"in_reply_to_tweet_id": in_reply_to}
        body = await self._api.call(
            "POST", "/2/tweets", what="POST /2/tweets", endpoint="POST /2/tweets", json=request
        )
        try:
            ident: str = field(field(body, "data", dict), "id")
        except (Malformed, TypeError) as exc:
            raise BadResponse(f"X confirmed the post in an unreadable answer: {exc}.") from exc
        return ident

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        text = to_plain_text(body)
        ident = await self._create(text, None)
        now = now_iso()
        address = f"https://x.com/{self._username}/status/{ident}"
        return RemotePost(ident, text[:80], text, address, now, now)

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        text = to_plain_text(body)
        ident = await self._create(text, comment_remote_id)
        now = now_iso()
        return RemoteComment(
            remote_id=ident,
            post_remote_id=post_remote_id,
            parent_remote_id=comment_remote_id,
            root_remote_id=comment_remote_id,
            author=Person(await self._me(), self._username),
            body_html=f"<p>{html.escape(text)}</p>",
            created_at=now,
            edited_at=None,
            version=1,
            is_mine=True,
        )

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        raise Rejected(NO_EDIT)

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        try:
            await self._api.call(
                "DELETE",
                f"/2/tweets/{remote_id}",
                what="DELETE /2/tweets/:id",
                endpoint="DELETE /2/tweets/:id",
            )
        except NotFound:
            return  # already gone

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        """The post a write made, found by its parent, its author and its text's digest
        among the person's posts since it was queued; None: it never landed."""
        if intent is None or intent.kind is OutboxKind.EDIT:
            return None  # nothing keyless to find; X edits nothing through the API
        if intent.kind is OutboxKind.DELETE:
            try:
                await self.get_comment(intent.target_remote_id or "")
            except NotFound:
                return intent.target_remote_id
            return None
        since = iso(
            max(matching.earliest(intent.since), datetime.now(UTC) - timedelta(days=6, hours=23))
        )
        query = f"from:{self._username}"
        if intent.kind is OutboxKind.REPLY and intent.post_remote_id:
            query += f" conversation_id:{intent.post_remote_id}"
        answers = intent.target_remote_id if intent.kind is OutboxKind.REPLY else None
        token = None
        unreadable = 0
        for _ in range(_MAX_PAGES):
            body = await self._search(query, start_time=since, next_token=token)
            tweets = parse.data_list(body)
            found = _written(tweets, answers, digest(to_plain_text(intent.body)))
            unreadable += sum(1 for t in tweets if _text_of(t) is None)
            token = parse.next_token(body)
            if found is not None:
                return found
            if token is None:
                break
        sentence = f"X sent {unreadable} of my posts without their text."
        matching.unsure_if([sentence] if unreadable else [], "post")
        if token is not None:  # more posts since then than the pages it reads
            raise matching.stopped_short("X", _MAX_PAGES)
        return None

    async def aclose(self) -> None:
        await self._api.aclose()


def _text_of(tweet: Any) -> str | None:
    text = tweet.get("text") if isinstance(tweet, dict) else None
    return text if isinstance(text, str) else None


def _written(tweets: list[Any], answers: str | None, wanted: str) -> str | None:
    """The id of the post among ``tweets`` answering ``answers`` with text ``wanted``."""
    for tweet in tweets:
        text = _text_of(tweet)
        if text is not None and parse.parent_of(tweet) == answers and digest(text) == wanted:
            return str(tweet.get("id"))
    return None


class _Cursor(msgspec.Struct):
    """Where a pull stands: per conversation the newest reply seen; the conversations left
    in this pass; inside the first of them, the next page's token and the newest reply
    of its first page (kept once the conversation is read to its end)."""

    newest: dict[str, str] = msgspec.field(default_factory=dict)
    queue: list[str] = msgspec.field(default_factory=list)
    token: str | None = None
    pending: str | None = None

    @classmethod
    def load(cls, text: str | None) -> _Cursor:
        try:
            data = json.loads(text or "{}")
            return cls(
                {str(k): str(v) for k, v in dict(data.get("newest", {})).items()},
                [str(q) for q in data.get("queue", [])],
                data.get("token"),
                data.get("pending"),
            )
        except (ValueError, TypeError, AttributeError):
            return cls()  # an unreadable cursor: read everything again

    def seen(self, conversation: str, body: dict, token: str | None) -> None:
        newest = (body.get("meta") or {}).get("newest_id")
        if self.token is None and isinstance(newest, str):
            self.pending = newest  # the first page holds the newest reply
        if token is not None:
            self.token = token
            return
        if self.pending:
            self.newest[conversation] = self.pending
        self.queue.pop(0)
        self.token = self.pending = None

    def dump(self) -> str:
        return json.dumps(msgspec.to_builtins(self))
