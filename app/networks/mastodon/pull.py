"""How a Mastodon pull finds the comments on my posts.

A thread view (``GET /statuses/:id/context``) has no "since": it always returns the whole
tree. New replies are found incrementally through my mention notifications
(``GET /notifications?types[]=mention&since_id=``): a reply to me mentions me, as every
Mastodon client writes it. What notifications cannot show (edits, deletions, replies
further down a thread that do not mention me) a bounded re-scan reads: the context of
each of my latest ``SCAN_POSTS`` posts, one post a page, each page marking its post
complete (so comments gone from it are deleted in the store). A re-scan runs on the first
pull, when a person asks (``PullMode.RESCAN``), every ``RESCAN_EVERY_S``, and when more
mentions arrived than ``NOTIFICATION_PAGES`` pages hold.

The cursor (JSON) keeps the newest notification id read, the posts a re-scan still has
to read, and when the last re-scan began.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

import msgspec

from app.domain import CommentPage, PullMode, RemoteComment
from app.errors import NotFound
from app.networks.http import Malformed
from app.networks.mastodon.api import MastodonApi
from app.networks.mastodon.entities import Placement, Status, as_comment, place_all, read_status

log = logging.getLogger(__name__)

SCAN_POSTS = 20
RESCAN_EVERY_S = 30 * 60
NOTIFICATION_PAGES = 5
NOTIFICATION_LIMIT = 40  # methods/notifications.md: default 40, max 80


class Cursor(msgspec.Struct, frozen=True):
    since: str | None = None
    scan: tuple[str, ...] | None = None
    scanned_at: float | None = None

    def encode(self) -> str:
        return json.dumps(
            {"since": self.since, "scan": self.scan, "scanned_at": self.scanned_at},
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str | None) -> Cursor:
        """The stored cursor; one this version cannot read starts afresh (a re-scan)."""
        try:
            data = json.loads(text or "{}")
            since, scan, at = data.get("since"), data.get("scan"), data.get("scanned_at")
            return cls(
                str(since) if since is not None else None,
                tuple(str(s) for s in scan) if isinstance(scan, list) else None,
                float(at) if isinstance(at, int | float) else None,
            )
        except (ValueError, AttributeError, TypeError):
            return cls()


class Puller:
    def __init__(
        self,
        api: MastodonApi,
        me: Callable[[], str],
        my_posts: Callable[[int], Awaitable[list[Status]]],
        clock: Callable[[], float],
    ) -> None:
        self._api = api
        self._me = me
        self._latest_posts = my_posts  # async (count) -> list[Status] of my latest posts
        self._clock = clock

    async def pull(self, cursor: str | None, mode: PullMode) -> CommentPage:
        state = Cursor.decode(cursor)
        if state.scan:  # a re-scan under way: its next post
            return await self._scan_one(state)
        comments, errors, newest, overflowed = await self._mentions(state.since)
        since = newest or state.since
        due = (
            state.since is None
            or mode is PullMode.RESCAN
            or overflowed
            or state.scanned_at is None
            or self._clock() - state.scanned_at >= RESCAN_EVERY_S
        )
        scan: tuple[str, ...] = ()
        scanned_at = state.scanned_at
        if due:
            posts = await self._latest_posts(SCAN_POSTS)
            scan = tuple(p.id for p in posts)
            scanned_at = self._clock()
        after = Cursor(since, scan or None, scanned_at)
        return CommentPage(comments, after.encode(), bool(scan), errors)

    async def _scan_one(self, state: Cursor) -> CommentPage:
        assert state.scan
        post_id, rest = state.scan[0], state.scan[1:]
        after = Cursor(state.since, rest or None, state.scanned_at)
        try:
            context = await self._api.call("GET", f"/api/v1/statuses/{post_id}/context")
        except NotFound:
            log.info("mastodon: post %s is gone; its re-scan is skipped", post_id)
            return CommentPage([], after.encode(), bool(rest))
        statuses, errors = self._statuses(_list(context, "descendants"), f"post {post_id}")
        placed = place_all(post_id, statuses)
        comments = [as_comment(s, placed[s.id], self._me()) for s in statuses if s.id in placed]
        return CommentPage(
            comments, after.encode(), bool(rest), errors, complete_for_posts=(post_id,)
        )

    async def _mentions(
        self, since: str | None
    ) -> tuple[list[RemoteComment], list[str], str | None, bool]:
        """Comments among the mentions newer than ``since``: (comments, errors, newest
        notification id, whether there were more than the pages read)."""
        comments: list[RemoteComment] = []
        errors: list[str] = []
        newest: str | None = None
        max_id: str | None = None
        for _ in range(NOTIFICATION_PAGES):
            params: dict[str, object] = {"types[]": ["mention"], "limit": NOTIFICATION_LIMIT}
            if since is not None:
                params["since_id"] = since
            if max_id is not None:
                params["max_id"] = max_id
            page = await self._api.call("GET", "/api/v1/notifications", params=params)
            items = page if isinstance(page, list) else []
            if not items:
                return comments, errors, newest, False
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    newest = _newer(newest, item["id"])
                    max_id = item["id"] if max_id is None else _older(max_id, item["id"])
                found = await self._from_notification(item, errors)
                if found is not None:
                    comments.append(found)
            if len(items) < NOTIFICATION_LIMIT:
                return comments, errors, newest, False
        return comments, errors, newest, True

    async def _from_notification(self, item: object, errors: list[str]) -> RemoteComment | None:
        raw = item.get("status") if isinstance(item, dict) else None
        if raw is None:
            return None
        try:
            status = read_status(raw)
        except Malformed as exc:
            errors.append(f"{self._api.service}: skipped a malformed mention ({exc}).")
            return None
        if status.in_reply_to_id is None:
            return None  # a mention that starts a thread is no comment on a post of mine
        where = await self.placement(status)
        return None if where is None else as_comment(status, where, self._me())

    async def placement(self, status: Status) -> Placement | None:
        """Which post of mine the status is under, and its top-level comment; None when
        the thread is not mine."""
        context = await self._api.call("GET", f"/api/v1/statuses/{status.id}/context")
        ancestors, _ = self._statuses(_list(context, "ancestors"), f"status {status.id}")
        if not ancestors or ancestors[0].author.remote_id != self._me():
            return None
        top = ancestors[1].id if len(ancestors) > 1 else None
        return Placement(ancestors[0].id, top)

    def _statuses(self, raws: list, where: str) -> tuple[list[Status], list[str]]:
        statuses, errors = [], []
        for raw in raws:
            try:
                statuses.append(read_status(raw))
            except Malformed as exc:
                service = self._api.service
                errors.append(f"{service}: skipped a malformed status in {where} ({exc}).")
        return statuses, errors


def _list(data: object, key: str) -> list:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _newer(a: str | None, b: str) -> str:
    return b if a is None or _id_key(b) > _id_key(a) else a


def _older(a: str, b: str) -> str:
    return b if _id_key(b) < _id_key(a) else a


def _id_key(value: str) -> tuple[int, str]:
    """Mastodon ids are numbers in text (snowflakes); compare them as numbers."""
    return (len(value), value)
