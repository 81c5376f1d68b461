"""The LinkedIn connector for one organisation page (Community Management API).

- The page's posts: ``GET /rest/posts?q=author&author={org}&sortBy=LAST_MODIFIED``
  (learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api).
- Comments: ``GET /rest/socialActions/{post}/comments`` and, for a comment with replies
  (``commentsSummary``), ``/rest/socialActions/{comment}/comments``
  (…/community-management/shares/comments-api). LinkedIn offers no "since": every pull
  re-reads the comments of the page's recent posts (a bounded re-scan) and says the post
  is complete, so a deleted comment disappears too.
- Threads have one level: a reply's ``parentComment`` is always the top-level comment.
  Answering a reply therefore answers in its top-level comment's thread.
- Writes act as the page (``actor`` = the organisation). Posts and comments can be
  edited (``X-RestLi-Method: PARTIAL_UPDATE``) and deleted.
- No idempotency key: after an unclear answer ``lookup_write`` finds the write by its
  parent, its author (the page) and its text's digest, among writes since it was queued.
- Commenters are shown by their member URN: naming them needs LinkedIn's People API,
  which is not open to this kind of app.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
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
    WriteIntent,
)
from app.errors import BadResponse, NotFound
from app.networks import matching
from app.networks.http import Malformed, field
from app.networks.linkedin.api import LinkedInApi, urn
from app.text.classify import html_to_text
from app.text.plain import to_plain_text
from app.timeutil import iso, now_iso
from app.timeutil import parse as parse_time

PAGE = 100
RECENT_POSTS = 20
_MAX_PAGES = 20
_COMMENT = re.compile(r"urn:li:comment:\((?P<object>urn:li:[a-zA-Z]+:[^,]+),(?P<id>[^)]+)\)")
#: Characters the Posts API's "little text format" reserves (escaped with a backslash).
_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")


def capabilities() -> Capabilities:
    return Capabilities(
        network="linkedin",
        display_name="LinkedIn",
        text_formats=("text",),
        post_max_chars=3_000,
        reply_max_chars=1_250,
        thread_depth=2,
        idempotency="lookup",
        # A daily quota, not a rate; this keeps a busy day's sync well inside it.
        requests_per_minute=30,
        target_noun="Page",
    )


def digest(text: str) -> str:
    return matching.digest(html.unescape(text))


def _moment(stamp: Any) -> str:
    if not isinstance(stamp, dict) or not isinstance(stamp.get("time"), int):
        raise Malformed("a time is missing")
    return iso(datetime.fromtimestamp(stamp["time"] / 1000, UTC))


def _created(post: dict) -> datetime | None:
    """When a listed post was created (``createdAt``, epoch ms), None when unreadable."""
    stamp = post.get("createdAt")
    if type(stamp) is not int:
        return None
    try:
        return datetime.fromtimestamp(stamp / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _modified_before(post: dict, since: datetime) -> bool:
    """Was this listed post last modified before ``since``? (Posts are listed newest
    modified first: none after it can be a write made since then.)"""
    stamp = post.get("lastModifiedAt")
    return type(stamp) is int and stamp < since.timestamp() * 1000


def comment_of(element: Any, post: str, page: str) -> RemoteComment:
    if not isinstance(element, dict):
        raise Malformed("a comment is not an object")
    ident = field(element, "commentUrn")
    actor = field(element, "actor")
    message = field(element, "message", dict)
    parent = element.get("parentComment")
    created = _moment(element.get("created"))
    modified = _moment(element.get("lastModified") or element.get("created"))
    return RemoteComment(
        remote_id=ident,
        post_remote_id=post,
        parent_remote_id=parent if isinstance(parent, str) else None,
        root_remote_id=parent if isinstance(parent, str) else None,
        author=Person(
            actor, "This page" if actor == page else f"LinkedIn member {actor.rsplit(':', 1)[-1]}"
        ),
        body_html=f"<p>{html.escape(field(message, 'text'))}</p>",
        created_at=created,
        edited_at=modified if modified != created else None,
        version=1 if modified == created else 2,
        is_mine=actor == page,
    )


def _replies_of(element: Any) -> int:
    summary = element.get("commentsSummary") if isinstance(element, dict) else None
    count = (summary or {}).get("totalFirstLevelComments", 0)
    return count if isinstance(count, int) else 0


def _split(comment_urn: str) -> tuple[str, str]:
    found = _COMMENT.fullmatch(comment_urn)
    if found is None:
        raise NotFound(f"{comment_urn} is not a LinkedIn comment")
    return found["object"], found["id"]


class LinkedInNetwork:
    def __init__(self, account: Account, api: LinkedInApi) -> None:
        self.capabilities = capabilities()
        self._api = api
        self._page = f"urn:li:organization:{account.settings.get('organization')}"
        self._name = account.name

    async def whoami(self) -> Person:
        await self._posts(1)  # proves the page is readable with this sign-in
        return Person(self._page, self._name)

    async def _posts(self, count: int, start: int = 0) -> dict:
        body, _ = await self._api.call(
            "GET",
            "/posts",
            what="GET /rest/posts",
            params={
                "q": "author",
                "author": self._page,
                "count": count,
                "start": start,
                "sortBy": "LAST_MODIFIED",
            },
        )
        if not isinstance(body, dict) or not isinstance(body.get("elements"), list):
            raise BadResponse("LinkedIn answered GET /rest/posts without a list of posts.")
        return body

    async def list_my_posts(self) -> list[RemotePost]:
        body = await self._posts(RECENT_POSTS)
        posts = []
        for element in body["elements"]:
            try:
                ident = field(element, "id")
                text = field(element, "commentary")
                created = _moment({"time": element.get("createdAt")})
                modified = _moment(
                    {"time": element.get("lastModifiedAt") or element.get("createdAt")}
                )
            except Malformed as exc:
                raise BadResponse(f"LinkedIn sent a malformed post: {exc}.") from exc
            posts.append(
                RemotePost(
                    ident,
                    text[:80],
                    text,
                    f"https://www.linkedin.com/feed/update/{ident}/",
                    created,
                    modified,
                )
            )
        return posts

    async def _comments(self, target: str, start: int = 0) -> dict:
        body, _ = await self._api.call(
            "GET",
            f"/socialActions/{urn(target)}/comments",
            what="GET /rest/socialActions/{target}/comments",
            params={"start": start, "count": PAGE},
        )
        if not isinstance(body, dict) or not isinstance(body.get("elements"), list):
            raise BadResponse("LinkedIn answered a comments request without a list.")
        return body

    async def _all_comments(self, target: str) -> list[Any]:
        found: list[Any] = []
        for page in range(_MAX_PAGES):
            body = await self._comments(target, page * PAGE)
            found += body["elements"]
            if len(body["elements"]) < PAGE:
                break
        return found

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        """One post's comments and replies, all of them (LinkedIn has no "since"); the
        cursor keeps the posts left in this pass."""
        state = _Cursor.load(cursor)
        if not state.queue:
            state.queue = [p.remote_id for p in await self.list_my_posts()]
            if not state.queue:
                return CommentPage([], state.dump(), has_more=False)
        post = state.queue.pop(0)
        comments, errors = [], []
        for element in await self._all_comments(post):
            elements = [element]
            if _replies_of(element) and isinstance(element, dict):
                elements += await self._all_comments(str(element.get("commentUrn")))
            for item in elements:
                try:
                    comments.append(comment_of(item, post, self._page))
                except Malformed as exc:
                    errors.append(f"A LinkedIn comment could not be read and was skipped: {exc}.")
        complete = () if errors else (post,)
        return CommentPage(
            comments, state.dump(), bool(state.queue), errors, complete_for_posts=complete
        )

    async def get_comment(self, remote_id: str) -> RemoteComment:
        target, ident = _split(remote_id)
        body, _ = await self._api.call(
            "GET",
            f"/socialActions/{urn(target)}/comments/{ident}",
            what="GET /rest/socialActions/{target}/comments/{id}",
        )
        try:
            return comment_of(body, str((body or {}).get("object") or target), self._page)
        except Malformed as exc:
            raise BadResponse(f"LinkedIn sent a malformed comment: {exc}.") from exc

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        found = await self._all_comments(comment_remote_id)
        comment = await self.get_comment(comment_remote_id)
        return [comment_of(e, comment.post_remote_id, self._page) for e in found]

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        text = to_plain_text(body)
        request = {
            "author": self._page,
            "commentary": _RESERVED.sub(r"\\\1", text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        _, headers = await self._api.call("POST", "/posts", what="POST /rest/posts", json=request)
        ident = headers.get("x-restli-id", "")
        if not ident:
            raise BadResponse("LinkedIn created the post without saying its id (x-restli-id).")
        now = now_iso()
        return RemotePost(
            ident, text[:80], text, f"https://www.linkedin.com/feed/update/{ident}/", now, now
        )

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        target = await self.get_comment(comment_remote_id)
        top = target.parent_remote_id or comment_remote_id  # one level: the top-level comment
        request = {
            "actor": self._page,
            "object": post_remote_id,
            "message": {"text": to_plain_text(body)},
            "parentComment": top,
        }
        answer, _ = await self._api.call(
            "POST",
            f"/socialActions/{urn(top)}/comments",
            what="POST /rest/socialActions/{comment}/comments",
            json=request,
        )
        try:
            return comment_of(answer, post_remote_id, self._page)
        except Malformed as exc:
            raise BadResponse(
                f"LinkedIn confirmed the reply in an unreadable answer: {exc}."
            ) from exc

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        text = to_plain_text(body)
        patch: dict[str, Any]
        if kind is RemoteKind.POST:
            path, patch = (
                f"/posts/{urn(remote_id)}",
                {"patch": {"$set": {"commentary": _RESERVED.sub(r"\\\1", text)}}},
            )
            params: dict[str, str] = {}
        else:
            target, ident = _split(remote_id)
            path, patch = (
                f"/socialActions/{urn(target)}/comments/{ident}",
                {"patch": {"message": {"$set": {"text": text}}}},
            )
            params = {"actor": self._page}
        await self._api.call(
            "POST",
            path,
            what=f"update a {kind}",
            headers={"X-RestLi-Method": "PARTIAL_UPDATE"},
            json=patch,
            params=params,
        )

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        try:
            if kind is RemoteKind.POST:
                await self._api.call(
                    "DELETE", f"/posts/{urn(remote_id)}", what="DELETE /rest/posts/{urn}"
                )
            else:
                target, ident = _split(remote_id)
                await self._api.call(
                    "DELETE",
                    f"/socialActions/{urn(target)}/comments/{ident}",
                    what="DELETE /rest/socialActions/{target}/comments/{id}",
                    params={"actor": self._page},
                )
        except NotFound:
            return  # already gone

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        """The write, found by parent, author (the page) and text digest since it was queued."""
        if intent is None:
            return None
        wanted = digest(to_plain_text(intent.body))
        if intent.kind is OutboxKind.DELETE:
            return await self._gone(intent)
        if intent.kind is OutboxKind.EDIT:
            return await self._edited(intent, wanted)
        since = matching.earliest(intent.since)
        if intent.kind is OutboxKind.PUBLISH:
            return await self._published(since, wanted)
        return await self._replied(intent, since, wanted)

    async def _published(self, since: datetime, wanted: str) -> str | None:
        """The page's post since ``since`` with the text digest ``wanted``; unsure when a
        post that may be it cannot be read (no text; its text but no time or id)."""
        skipped: list[str] = []
        elements = (await self._posts(RECENT_POSTS))["elements"]
        posts = [element if isinstance(element, dict) else {} for element in elements]
        for post in posts:
            made, ident, commentary = _created(post), post.get("id"), post.get("commentary")
            if made is not None and made < since:
                continue
            if not isinstance(commentary, str):
                skipped.append(f"LinkedIn sent post {ident} without its text.")
            elif digest(_unescaped(commentary)) != wanted:
                continue
            elif made is None or not isinstance(ident, str):
                skipped.append(f"LinkedIn sent post {ident} without its time or id.")
            else:
                return ident
        matching.unsure_if(skipped, "post")
        if len(posts) >= RECENT_POSTS and not _modified_before(posts[-1], since):
            raise matching.stopped_short("LinkedIn", 1)
        return None

    async def _replied(self, intent: WriteIntent, since: datetime, wanted: str) -> str | None:
        """My comment since ``since`` with the text digest ``wanted``, under the top-level
        comment of the one answered."""
        target = await self.get_comment(intent.target_remote_id or "")
        top = target.parent_remote_id or target.remote_id
        skipped: list[str] = []
        for element in await self._all_comments(top):
            try:
                reply = comment_of(element, intent.post_remote_id or "", self._page)
            except Malformed as exc:
                skipped.append(f"A LinkedIn comment could not be read: {exc}.")
                continue
            if (
                reply.is_mine
                and parse_time(reply.created_at) >= since
                and digest(html_to_text(reply.body_html)) == wanted
            ):
                return reply.remote_id
        matching.unsure_if(skipped, "comment")
        return None

    async def _gone(self, intent: WriteIntent) -> str | None:
        target = intent.target_remote_id or ""
        try:
            if target.startswith("urn:li:comment:"):
                await self.get_comment(target)
            else:
                await self._api.call("GET", f"/posts/{urn(target)}", what="GET /rest/posts/{urn}")
        except NotFound:
            return target
        return None

    async def _edited(self, intent: WriteIntent, wanted: str) -> str | None:
        target = intent.target_remote_id or ""
        if target.startswith("urn:li:comment:"):
            text = html_to_text((await self.get_comment(target)).body_html)
        else:
            body, _ = await self._api.call(
                "GET", f"/posts/{urn(target)}", what="GET /rest/posts/{urn}"
            )
            commentary = (body or {}).get("commentary")
            if not isinstance(commentary, str):
                return None  # a post without text does not say what the edit says
            text = _unescaped(commentary)
        return target if digest(text) == wanted else None

    async def aclose(self) -> None:
        await self._api.aclose()


def _unescaped(commentary: str) -> str:
    return re.sub(r"\\(.)", r"\1", commentary)


class _Cursor(msgspec.Struct):
    queue: list[str] = msgspec.field(default_factory=list)

    @classmethod
    def load(cls, text: str | None) -> _Cursor:
        try:
            return cls([str(q) for q in json.loads(text or "{}").get("queue", [])])
        except (ValueError, TypeError, AttributeError):
            return cls()

    def dump(self) -> str:
        return json.dumps(msgspec.to_builtins(self))
