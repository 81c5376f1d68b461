"""The WordPress connector: Fireside's Network protocol over a site's REST API (wp/v2).

One instance per account, signed in as the executive with an Application Password.

- ``list_my_posts``: my posts in every state Fireside publishes to (draft, pending,
  scheduled, published), ``context=edit``, all pages.
- ``pull_comments``: comments on my published posts: a check of which ids are approved,
  the new ones by creation date, and a re-scan when the check saw moderation, when a
  person asked (``PullMode.RESCAN``) or every ``rescan_every`` (see ``cursor`` and
  ``moderation``, and "Why the pull works this way" below).
- ``publish``: a post as a draft, pending review, scheduled (``future`` at
  ``options.publish_at``, which must lie ahead: WordPress would publish a past date at
  once) or published. ``reply``: a comment with ``post`` and ``parent``. ``edit`` and
  ``delete`` work on posts and comments; delete moves to the trash, and something already
  gone or trashed counts as deleted.
- Writes are never retried here. Each carries the outbox key invisibly in its content
  (``content``); ``lookup_write`` finds the object by it. WordPress refuses an identical
  comment with 409 ``comment_duplicate``: ``reply`` answers it with the comment that landed.

Malformed objects in a listing are skipped: posts with a log line, comments through the
one path of ``parse.parse_comments`` wherever they are read: with a sentence in
``CommentPage.errors`` by the pull, logged by the pre-send check (``list_replies``) and
the look-up of a write, so one malformed reply never blocks an answer in its thread. A
write found by its key but malformed still counts as landed; one found by the key's
search whose id or content cannot be read may be the write, so the look-up is unsure
(BadResponse) rather than "never landed". An answer that is not a listing at all is a
BadResponse. Nothing logs the password: it lives only in the
Authorization header.

Why the pull works this way (checked against WordPress 6.1, Debian 12's package: the
comments controller's ``get_collection_params`` and ``get_items_permissions_check``):

- A comment has no modified date (``wp_comments`` has no such column). The comments
  collection filters on ``after``/``before`` (creation date), ``include``/``exclude``,
  ``post``, ``parent``, ``status``, ``type``, ``author``, ``search``; ``modified_after`` and
  ``modified_before`` exist for posts only (5.7+) and WordPress ignores them here without
  a word. Moderating or editing a comment changes neither its date nor its post's
  ``modified_gmt`` (the post's ``comment_count`` column changes, and REST does not show
  it). So no date query sees an approval, a trash, a restore or an edit.
- ``status`` other than ``approve`` needs ``edit_posts`` and then lists only comments the
  user may edit; ``context=edit`` needs ``moderate_comments``, which Authors lack. Listing
  held, spam and trashed comments would tie the design to the executive's role, and would
  still show no edit.
- What every reader can list: the approved comments of given posts, with ``_fields=id``
  (about 11 bytes each), 100 a request, and ids only grow. So each pass starts with that
  list and compares it with a fingerprint of what Fireside holds (``moderation``): nothing
  new and nothing moved, and the pass ends there; new ids, and the date query fetches
  them; anything else moved, and the same pass re-scans (all comments of my posts, 20
  posts a request). That makes every moderation change (approval, also of a comment older
  than newer ones; unapproval; spam; trash; restore; deletion) visible within one sync.
- Rejected: counting (``X-WP-Total``) cannot tell one approval plus one trash from
  nothing; re-scanning at every sync reads every comment's text each time; the held and
  trashed listings need capabilities (above).
- Edits change no id: only reading the text shows them. The periodic re-scan (30 min),
  a sync a person asks for (F5, ``fireside sync``: ``PullMode.RESCAN``) and the pre-send
  check of a reply (which stores the text it finds) read it.

Cost, measured on the test site (three posts, ten comments): a sync with nothing new makes
3 requests, as before (my posts, my published posts, the id list instead of the date
query); a new comment 4; a moderated one 4 (the re-scan; before, it waited up to 30
minutes); a sync a person asks for 4. The id list grows by a request per 100 approved
comments: 300 comments on 25 posts cost 5 requests and 10 kB a sync with nothing new, a
re-scan 4 more requests and 64 kB.
"""

from __future__ import annotations

import html
import logging
import reprlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from msgspec.structs import replace

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
from app.errors import BadResponse, NotFound, Rejected
from app.networks import matching
from app.networks.http import MAX_RESPONSE_BYTES, REQUEST_DEADLINE_S, Malformed
from app.networks.wordpress import content, media
from app.networks.wordpress.api import MAX_PAGES, Api, Page
from app.networks.wordpress.cursor import RESCAN, Cursor, decode, epoch
from app.networks.wordpress.errors import COMMENT_MAX_BYTES, DuplicateComment
from app.networks.wordpress.parse import (
    Skip,
    parse_comment,
    parse_comments,
    parse_person,
    parse_post,
    readable_id,
    with_roots,
)
from app.timeutil import iso, parse

log = logging.getLogger(__name__)

#: The largest post Fireside sends. post_content is a LONGTEXT column; what bounds a post
#: is PHP's default post_max_size of 8 MB per request, which a million characters stays
#: under even as 4-byte UTF-8 in HTML.
POST_MAX_CHARS = 1_000_000
#: A comment holds 65,525 bytes of HTML (WordPress core); the rest is room for the HTML
#: that Markdown becomes and for the key marker. ``reply`` checks the real size.
REPLY_MAX_CHARS = 60_000
#: How often the re-scan runs (comments have no modified date).
RESCAN_EVERY_S = 30 * 60.0
#: Posts per incremental request: their ids go in the query string.
POSTS_PER_QUERY = 100
#: Posts per re-scan step: each step returns all their comments as one page.
POSTS_PER_RESCAN = 20
#: Skips remembered as logged, at most.
LOGGED_MAX = 10_000
#: A scheduled post must be at least this far ahead, or WordPress publishes it at once.
SCHEDULE_MARGIN_S = 60

CAPABILITIES = Capabilities(
    network="wordpress",
    display_name="WordPress",
    text_formats=("html",),
    post_max_chars=POST_MAX_CHARS,
    reply_max_chars=REPLY_MAX_CHARS,
    thread_depth=None,
    idempotency="lookup",
    requests_per_minute=120,  # WordPress core has no rate limit; be gentle with the host
    key_retention_s=None,  # the key stays in the content for good
    has_titles=True,
    publish_statuses=("draft", "pending", "future", "publish"),
    target_noun="Site",
    accepts_images=True,  # the media library (``media``)
)

_COMMENT_FIELDS = "id,post,parent,author,author_name,date_gmt,content,status"
_POST_FIELDS = "id,title,content,link,date_gmt,modified_gmt,status"
_MY_STATUSES = "draft,pending,future,publish"
_ROUTES = {RemoteKind.POST: "/wp/v2/posts", RemoteKind.COMMENT: "/wp/v2/comments"}


def _wp_id(remote_id: str, what: str) -> int:
    if not remote_id.isdigit() or len(remote_id) > 19:
        raise NotFound(f"{reprlib.repr(remote_id)} is not a WordPress {what} id.")
    return int(remote_id)


def _chunk(posts: list[int], after: int, size: int) -> list[int]:
    return [p for p in posts if p > after][:size]


def _csv(ids: list[int]) -> str:
    return ",".join(map(str, ids))


def _gmt(epoch_s: float) -> str:
    """A WordPress query date: UTC with a zone, which WordPress converts to site time."""
    return iso(datetime.fromtimestamp(epoch_s, UTC))


class WordPressNetwork:
    """One WordPress site and user; ``rescan_every`` and ``clock`` are for tests."""

    capabilities = CAPABILITIES

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        username: str,
        app_password: str,
        *,
        rescan_every: float = RESCAN_EVERY_S,
        clock: Callable[[], float] = time.time,
        deadline: float = REQUEST_DEADLINE_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._api = Api(
            client,
            base_url,
            username,
            app_password,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
        )
        self._rescan_every = rescan_every
        self._clock = clock
        self._me: Person | None = None
        self._published: list[int] | None = None
        self._logged: set[str] = set()  # skips already logged (forgotten past LOGGED_MAX)

    # -- reading ---------------------------------------------------------------------------

    async def whoami(self) -> Person:
        """The signed-in user; fetched once, then cached for ``is_mine``."""
        if self._me is None:
            data = await self._api.call("GET", "/wp/v2/users/me", params={"_fields": "id,name"})
            self._me = self._api.parsed(data, parse_person, "user")
        return self._me

    async def list_my_posts(self) -> list[RemotePost]:
        """My posts in every state Fireside publishes to; malformed ones are skipped."""
        params = {
            "author": (await self.whoami()).remote_id,
            "status": _MY_STATUSES,
            "context": "edit",
            "orderby": "id",
            "order": "asc",
            "_fields": _POST_FIELDS,
        }
        posts = []
        for item in await self._every("/wp/v2/posts", params, "post"):
            try:
                posts.append(parse_post(item))
            except Malformed as exc:
                log.warning("%s: skipping a malformed post: %s", self._api.service, exc)
        return posts

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        """One page of the pull (module ``cursor``): the moderation check and the
        incremental pass, then the re-scan when the check found something moved, a person
        asked for it (``mode`` RESCAN) or it is due."""
        now = self._clock()
        state = decode(cursor, now)
        if mode is PullMode.RESCAN and not state.asked:
            # the request goes into the store before any request: no crash can lose it
            return CommentPage([], state.ask().encode(), has_more=True)
        if state.mode == RESCAN:
            return await self._rescan_step(state, now)
        if state.starting and state.check is None:
            self._published = None  # a new pass sees posts published since the last one
            state = await self._check(state)
            if state.check is not None and not state.check.wanted:
                return self._pass_over(state, now, [], [])  # nothing new to ask for
            state = state.start_pass()
        return await self._incremental_step(state, now)

    async def get_comment(self, remote_id: str) -> RemoteComment:
        """The comment as it is now (``deleted`` unless approved); NotFound once erased."""
        route = f"/wp/v2/comments/{_wp_id(remote_id, 'comment')}"
        data = await self._api.call("GET", route, params={"_fields": _COMMENT_FIELDS})
        return self._api.parsed(data, parse_comment, "comment", await self._my_id())

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        """Approved direct replies; a malformed one is skipped and logged, as the pull
        skips it, never an error for the whole thread."""
        params = {
            "parent": _wp_id(comment_remote_id, "comment"),
            "orderby": "id",
            "order": "asc",
            "_fields": _COMMENT_FIELDS,
        }
        items = await self._every("/wp/v2/comments", params, "reply")
        return self._comments(items, await self._my_id(), logged=True)[0]

    # -- writing ---------------------------------------------------------------------------

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        """Create a post in ``options.status``; a scheduled one needs a future date."""
        if options.status not in CAPABILITIES.publish_statuses:
            raise Rejected(
                f"WordPress posts can be sent as {', '.join(CAPABILITIES.publish_statuses)}, "
                f"not {options.status!r}."
            )
        fields: dict[str, Any] = {
            "title": html.escape(title, quote=False),
            "content": content.with_key(content.as_html(body, text_format, options.images), key),
            "status": options.status,
        }
        if options.status == "future":
            fields["date_gmt"] = self._schedule(options.publish_at)
        data = await self._api.call("POST", "/wp/v2/posts", body=fields)
        return self._api.parsed(data, parse_post, "post")

    async def upload_image(self, image: ImageUpload, key: str) -> UploadedImage:
        """Put a post's picture in the site's media library (once per key)."""
        return await media.upload(self._api, await self._my_id(), image, key)

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        """Reply to the comment. WordPress's "duplicate comment" means an earlier attempt
        with this key landed: that comment is the answer."""
        fields = {
            "post": _wp_id(post_remote_id, "post"),
            "parent": _wp_id(comment_remote_id, "comment"),
            "content": self._comment_content(body, text_format, key),
        }
        try:
            data = await self._api.call("POST", "/wp/v2/comments", body=fields)
        except DuplicateComment as exc:
            landed = await self._find_written(key)
            if landed is None:
                raise DuplicateComment(
                    f"{exc} Fireside cannot find it, though: it may wait in moderation or be "
                    "marked as spam. Check the post's comments on the site."
                ) from exc
            if landed[1] is None:  # it landed; the look-up names it by its id
                raise BadResponse(f"{self._api.service} sent the reply back malformed.") from exc
            return landed[1]
        return self._api.parsed(data, parse_comment, "reply", await self._my_id())

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        """Replace a post's or comment's content with ``body`` (Markdown)."""
        if kind is RemoteKind.COMMENT:
            new = self._comment_content(body, "markdown", key)
        else:
            new = content.with_key(content.as_html(body, "markdown"), key)
        await self._api.call("POST", self._route(kind, remote_id), body={"content": new})

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        """Move it to the trash; already trashed or gone counts as done."""
        try:
            await self._api.call("DELETE", self._route(kind, remote_id))
        except NotFound as exc:
            log.info("%s: %s %s was already gone (%s)", self._api.service, kind, remote_id, exc)

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        """The comment or post whose content carries this key's marker, or None (a
        malformed comment carrying it still landed: its id is the answer)."""
        written = await self._find_written(key)
        if written is not None:
            return written[0]
        params = {
            "search": content.search_term(key),
            "author": await self._my_id(),
            "status": _MY_STATUSES + ",private,trash",
            "context": "edit",
            "_fields": "id,content",
        }
        posts = (await self._api.page("/wp/v2/posts", params, 1, "post")).items
        found = _carrier(posts, key, "raw", "post", self._api.service)
        return None if found is None else str(found["id"])

    async def aclose(self) -> None:
        await self._api.client.aclose()

    # -- the pull --------------------------------------------------------------------------

    async def _incremental_step(self, state: Cursor, now: float) -> CommentPage:
        posts = await self._published_posts()
        chunk = _chunk(posts, state.after_post, POSTS_PER_QUERY)
        new: list[RemoteComment] = []
        errors: list[str] = []
        total_pages = state.page
        if chunk:
            params: dict[str, Any] = {
                "post": _csv(chunk),
                "orderby": "date_gmt",
                "order": "asc",
                "_fields": _COMMENT_FIELDS,
            }
            if state.query_after is not None:
                params["after"] = _gmt(state.query_after)
            page = await self._page_or_end("/wp/v2/comments", params, state.page, "comment")
            total_pages = page.total_pages
            comments, skips = self._comments(page.items, await self._my_id())
            new = [c for c in comments if state.is_new(int(c.remote_id))]
            # a malformed comment is reported once: the overlap would bring it back
            skips = [s for s in skips if s.id is None or state.is_new(s.id)]
            errors = [s.sentence for s in skips]
            state = state.saw((int(c.remote_id), epoch(c.created_at)) for c in new)
            state = state.skipped(s.id for s in skips if s.id is not None)
            state = state.delivered(
                [int(c.remote_id) for c in new] + [s.id for s in skips if s.id is not None]
            )
        if chunk and state.page < total_pages:
            state = replace(state, page=state.page + 1)
        elif chunk and posts[-1] > chunk[-1]:
            state = replace(state, after_post=chunk[-1], page=1)
        else:
            return self._pass_over(state, now, new, errors)
        return CommentPage(with_roots(new), state.encode(), True, errors)

    async def _check(self, state: Cursor) -> Cursor:
        """The moderation check (module ``moderation``): the ids of every approved comment
        on my published posts, ids only, 100 a request."""
        listed: list[int] = []
        unreadable = 0
        posts = await self._published_posts()
        for start in range(0, len(posts), POSTS_PER_QUERY):
            chunk = posts[start : start + POSTS_PER_QUERY]
            params = {"post": _csv(chunk), "orderby": "id", "order": "asc", "_fields": "id"}
            for item in await self._every("/wp/v2/comments", params, "comment"):
                ident = readable_id(item.get("id") if isinstance(item, dict) else None)
                if ident is None:
                    unreadable += 1
                else:
                    listed.append(ident)
        return state.checked(listed, unreadable)

    def _pass_over(
        self, state: Cursor, now: float, new: list[RemoteComment], errors: list[str]
    ) -> CommentPage:
        """The pass's last page; a re-scan follows when the check found comments approved,
        unapproved, trashed, restored or deleted, when a person asked, or when it is due."""
        if state.changed:
            log.info(
                "%s: comments were moderated since the last pull; re-scanning", self._api.service
            )
        rescan = state.changed or state.asked or now - state.scanned_at >= self._rescan_every
        state = state.end_pass()
        if rescan:
            state = state.start_rescan()
        return CommentPage(with_roots(new), state.encode(), rescan, errors)

    async def _rescan_step(self, state: Cursor, now: float) -> CommentPage:
        """All comments of the next few posts, complete unless the listing moved meanwhile."""
        posts = await self._published_posts()
        chunk = _chunk(posts, state.after_post, POSTS_PER_RESCAN)
        if not chunk:
            return CommentPage([], state.end_rescan(now).encode(), has_more=False)
        params = {"post": _csv(chunk), "orderby": "id", "order": "asc", "_fields": _COMMENT_FIELDS}
        items, steady = await self._every_checked("/wp/v2/comments", params, "comment")
        comments, skips = self._comments(items, await self._my_id())
        errors = [s.sentence for s in skips]
        distinct = len({c.remote_id for c in comments}) == len(items)
        more = posts[-1] > chunk[-1]
        state = replace(state, after_post=chunk[-1], page=1) if more else state.end_rescan(now)
        complete = tuple(map(str, chunk)) if steady and distinct and not errors else ()
        return CommentPage(with_roots(comments), state.encode(), more, errors, complete)

    async def _published_posts(self) -> list[int]:
        """Ids of my published posts, ascending (fetched once per pass)."""
        if self._published is None:
            params = {
                "author": await self._my_id(),
                "status": "publish",
                "orderby": "id",
                "order": "asc",
                "_fields": "id",
            }
            items = await self._every("/wp/v2/posts", params, "post")
            self._published = sorted(
                {i["id"] for i in items if isinstance(i, dict) and type(i.get("id")) is int} - {0}
            )
        return self._published

    def _comments(
        self, items: list, my_id: str, *, logged: bool = False
    ) -> tuple[list[RemoteComment], list[Skip]]:
        """``parse.parse_comments``; ``logged``: outside the pull, skips are logged (once a
        session each: a thread is read again before every reply)."""
        comments, skips = parse_comments(items, my_id, self._api.service)
        for sentence in (s.sentence for s in skips) if logged else ():
            if sentence not in self._logged:
                if len(self._logged) >= LOGGED_MAX:
                    self._logged.clear()
                self._logged.add(sentence)
                log.warning("%s", sentence)
        return comments, skips

    # -- helpers ---------------------------------------------------------------------------

    async def _page_or_end(self, route: str, params: dict, page: int, what: str) -> Page:
        """A page; past the last one (the listing shrank while paging) an empty last page."""
        try:
            return await self._api.page(route, params, page, what)
        except NotFound:
            if page == 1:
                raise
            return Page([], page, None)

    async def _every(self, route: str, params: dict, what: str) -> list:
        """Every item of a collection, all pages (bounded)."""
        return (await self._every_checked(route, params, what))[0]

    async def _every_checked(self, route: str, params: dict, what: str) -> tuple[list, bool]:
        """Every item of a collection, and whether it held still while being paged (the
        same X-WP-Total on every page, and as many items as that)."""
        items: list = []
        totals: set[int | None] = set()
        for number in range(1, MAX_PAGES + 1):
            page = await self._page_or_end(route, params, number, what)
            items += page.items
            totals.add(page.total)
            if number >= page.total_pages:
                break
        steady = len(totals) == 1 and None not in totals and totals == {len(items)}
        return items, steady

    async def _find_written(self, key: str) -> tuple[str, RemoteComment | None] | None:
        """My comment (approved or held) whose content carries this key's marker: its id,
        and the comment unless it is malformed; None when there is none."""
        my_id = await self._my_id()
        params = {
            "search": content.search_term(key),
            "author": my_id,
            "status": "all",
            "_fields": _COMMENT_FIELDS,
        }
        listed = (await self._api.page("/wp/v2/comments", params, 1, "comment")).items
        found = _carrier(listed, key, "rendered", "comment", self._api.service)
        if found is None:
            return None
        comments, _ = self._comments([found], my_id, logged=True)
        return str(found["id"]), (comments[0] if comments else None)

    def _comment_content(self, body: str, text_format: str, key: str) -> str:
        new = content.with_key(content.as_html(body, text_format), key)
        size = len(new.encode("utf-8", "surrogatepass"))
        if size > COMMENT_MAX_BYTES:
            raise Rejected(
                f"The comment is {size:,} bytes as HTML; WordPress takes at most "
                f"{COMMENT_MAX_BYTES:,}. Shorten it."
            )
        return new

    def _schedule(self, publish_at: str | None) -> str:
        """``date_gmt`` of a scheduled post; Rejected when missing, unreadable or past."""
        if not publish_at:
            raise Rejected("A scheduled WordPress post needs the date and time to publish it.")
        try:
            when = parse(publish_at)
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            when_s = when.timestamp()
            date_gmt = _gmt(when_s)  # a date past year 9999 in UTC raises here
        except (ValueError, OverflowError):
            raise Rejected(f"{publish_at!r} is not a date and time to schedule.") from None
        if when_s < self._clock() + SCHEDULE_MARGIN_S:
            raise Rejected(
                f"The scheduled time {publish_at} has passed (or is less than a minute "
                "away): WordPress would publish the post at once. Pick a later time."
            )
        return date_gmt.removesuffix("Z")

    async def _my_id(self) -> str:
        return (await self.whoami()).remote_id

    @staticmethod
    def _route(kind: RemoteKind, remote_id: str) -> str:
        return f"{_ROUTES[kind]}/{_wp_id(remote_id, kind)}"


def _carrier(items: list[Any], key: str, form: str, what: str, service: str) -> dict | None:
    """The listed post or comment whose ``form`` of content ("raw", "rendered") carries the
    key, else None; unsure (BadResponse) when none does but one of them, found by the
    key's search, came without a readable id or content: it may be the write."""
    skipped: list[str] = []
    for item in items:
        body = item.get("content") if isinstance(item, dict) else None
        text = body.get(form) if isinstance(body, dict) else None
        if not isinstance(text, str) or type(item.get("id")) is not int:
            skipped.append(
                f"{service} sent a {what} found by the write's key without its id or "
                f"{form} content ({reprlib.repr(item)})."
            )
        elif content.carries(text, key):
            return item
    matching.unsure_if(skipped, what)
    return None
