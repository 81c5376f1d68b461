"""Connector for the built-in sandbox network (app/sandbox, API in app/sandbox/API.md), and
its ``KIND`` for the registry: a built-in kind, which the app starts and signs in to.

Requests and their failures go through ``app.networks.http.HttpTransport`` (see its table).
Writes are never retried here; every write carries the outbox's key as
``Idempotency-Key``, so repeating it with the same key replays the stored answer.

Cursor encoding for ``pull_comments``: ``None`` (pull everything), ``"<since>"`` (the
server's change cursor, digits) or ``"<since>|<page_token>"`` while a pull is part-way
through its pages. The engine stores whatever ``next_cursor`` says and passes it back.
"""

from __future__ import annotations

import asyncio
import logging
import reprlib
from typing import Any
from urllib.parse import quote

import httpx

from app.domain import (
    PUBLISH_NOW,
    Account,
    Capabilities,
    CommentPage,
    Person,
    PublishOptions,
    PullMode,
    RemoteComment,
    RemoteKind,
    RemotePost,
    WriteIntent,
)
from app.errors import BadResponse, NotFound, UserError
from app.networks.http import (
    MAX_RESPONSE_BYTES,
    REQUEST_DEADLINE_S,
    HttpTransport,
    Malformed,
)
from app.networks.http import field as _field
from app.networks.registry import NetworkKind, SignIn
from app.sandbox.wire import (
    DEFAULT_RATE_CAPACITY,
    POST_MAX_CHARS,
    REPLY_MAX_CHARS,
    REQUESTS_PER_MINUTE,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 200
_MAX_PAGES = 10_000  # a bound on "all pages" loops, far above any real listing
_KINDS = {RemoteKind.POST: "/posts", RemoteKind.COMMENT: "/comments"}


def parse_person(obj: Any) -> Person:
    if not isinstance(obj, dict):
        raise Malformed(f"person is {reprlib.repr(obj)}")
    return Person(
        remote_id=_field(obj, "id"),
        name=_field(obj, "name"),
        title=_field(obj, "title", optional=True) or "",
        department=_field(obj, "department", optional=True) or "",
        level=_field(obj, "level", optional=True) or "",
    )


def parse_post(obj: Any) -> RemotePost:
    if not isinstance(obj, dict):
        raise Malformed(f"post is {reprlib.repr(obj)}")
    return RemotePost(
        remote_id=_field(obj, "id"),
        title=_field(obj, "title"),
        body=_field(obj, "body"),
        url=_field(obj, "url"),
        created_at=_field(obj, "created_at"),
        updated_at=_field(obj, "updated_at"),
        deleted=bool(_field(obj, "deleted", bool, optional=True)),
    )


def parse_comment(obj: Any, my_id: str) -> RemoteComment:
    if not isinstance(obj, dict):
        raise Malformed(f"comment is {reprlib.repr(obj)}")
    author = parse_person(obj.get("author"))
    return RemoteComment(
        remote_id=_field(obj, "id"),
        post_remote_id=_field(obj, "post_id"),
        parent_remote_id=_field(obj, "parent_id", optional=True),
        root_remote_id=_field(obj, "root_id", optional=True),
        author=author,
        body_html=_field(obj, "body_html"),
        created_at=_field(obj, "created_at"),
        edited_at=_field(obj, "edited_at", optional=True),
        version=_field(obj, "version", int),
        deleted=bool(_field(obj, "deleted", bool, optional=True)),
        is_mine=author.remote_id == my_id,
    )


def parse_comments(items: list, my_id: str) -> tuple[list[RemoteComment], list[str]]:
    """A page's comments, and a sentence for each malformed one (skipped). Run on a worker
    thread: 200 comments are some milliseconds of work the event loop need not do."""
    comments, errors = [], []
    for item in items:
        try:
            comments.append(parse_comment(item, my_id))
        except Malformed as exc:
            ident = item.get("id") if isinstance(item, dict) else None
            errors.append(
                f"Sandbox comment {reprlib.repr(ident) if ident else '(no id)'} is "
                f"malformed and was skipped: {exc}."
            )
    return comments, errors


def encode_cursor(since: str, page_token: str | None) -> str:
    return since if page_token is None else f"{since}|{page_token}"


def decode_cursor(cursor: str | None) -> tuple[str | None, str | None]:
    """(since, page_token) from a cursor this connector produced."""
    if not cursor:
        return None, None
    since, _, page_token = cursor.partition("|")
    return since or None, page_token or None


def _error_text(body: Any) -> str | None:
    return body["error"]["message"]


class SandboxNetwork:
    """The sandbox network over HTTP; one instance per account, with an injected client."""

    capabilities = Capabilities(
        network="sandbox",
        display_name="Sandbox",
        text_formats=("markdown", "text"),
        post_max_chars=POST_MAX_CHARS,
        reply_max_chars=REPLY_MAX_CHARS,
        thread_depth=None,
        idempotency="key",
        requests_per_minute=REQUESTS_PER_MINUTE,
        requests_burst=DEFAULT_RATE_CAPACITY,  # its server's token bucket (API.md)
        key_retention_s=24 * 3600,  # API.md: write keys are kept for 24 hours
        has_titles=True,
    )

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        token: str,
        *,
        deadline: float = REQUEST_DEADLINE_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._http = HttpTransport(
            client,
            "The sandbox network",
            error_text=_error_text,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
        )
        self._api = base_url.rstrip("/") + "/api/v1"
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._me: Person | None = None

    # -- transport ---------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        body: dict | None = None,
        key: str | None = None,
    ) -> Any:
        """Send one request, return its decoded JSON (None for 204), or raise app.errors."""
        headers = dict(self._headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        return await self._http.call(
            method,
            self._api + path,
            what=f"{method} {path}",
            params=params,
            json=body,
            headers=headers,
        )

    def _object(self, data: Any, parse, what: str, *args):
        return self._http.parsed(data, parse, what, *args)

    @staticmethod
    def _items(data: Any, what: str) -> tuple[list, str | None]:
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise BadResponse(f"The sandbox network's {what} listing has no item list.")
        token = data.get("next_page_token")
        if token is not None and not isinstance(token, str):
            raise BadResponse(f"The sandbox network's {what} listing has a bad page token.")
        return data["items"], token

    # -- the Network protocol --------------------------------------------------------------

    async def whoami(self) -> Person:
        """The executive; fetched once, then cached for ``is_mine``."""
        if self._me is None:
            self._me = self._object(await self._call("GET", "/me"), parse_person, "profile")
        return self._me

    async def list_my_posts(self) -> list[RemotePost]:
        """Every live post, newest first. A malformed post is logged and skipped."""
        posts: list[RemotePost] = []
        token: str | None = None
        for _ in range(_MAX_PAGES):
            params = {"limit": PAGE_SIZE, **({"page_token": token} if token else {})}
            items, token = self._items(await self._call("GET", "/posts", params=params), "post")
            for item in items:
                try:
                    posts.append(parse_post(item))
                except Malformed as exc:
                    log.warning("sandbox: skipping malformed post: %s", exc)
            if token is None:
                break
        return posts

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        """One page of changes; malformed items become ``errors`` and the page goes on.
        The server reports edits and deletions as changes: ``mode`` changes nothing."""
        since, page_token = decode_cursor(cursor)
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if since:
            params["since"] = since
        if page_token:
            params["page_token"] = page_token
        data = await self._call("GET", "/comments", params=params)
        items, next_token = self._items(data, "comment")
        server_cursor = data.get("cursor")
        if not isinstance(server_cursor, str) or not server_cursor.isdigit():
            raise BadResponse(f"The sandbox network sent a bad change cursor {server_cursor!r}.")
        my_id = (await self.whoami()).remote_id
        comments, errors = await asyncio.to_thread(parse_comments, items, my_id)
        return CommentPage(
            comments=comments,
            next_cursor=encode_cursor(server_cursor, next_token),
            has_more=next_token is not None,
            errors=errors,
        )

    async def get_comment(self, remote_id: str) -> RemoteComment:
        data = await self._call("GET", f"/comments/{quote(remote_id, safe='')}")
        return self._object(data, parse_comment, "comment", (await self.whoami()).remote_id)

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        """Live direct replies; one malformed reply makes the answer unusable (BadResponse)."""
        my_id = (await self.whoami()).remote_id
        path = f"/comments/{quote(comment_remote_id, safe='')}/replies"
        replies: list[RemoteComment] = []
        token: str | None = None
        for _ in range(_MAX_PAGES):
            params = {"page_token": token} if token else None
            items, token = self._items(await self._call("GET", path, params=params), "reply")
            replies.extend(self._object(item, parse_comment, "reply", my_id) for item in items)
            if token is None:
                break
        return replies

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        """Publish now; the sandbox has no remote draft or schedule (``publish_statuses``)."""
        data = await self._call(
            "POST", "/posts", key=key, body={"title": title, "body": body, "format": text_format}
        )
        return self._object(data, parse_post, "post")

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        """Reply to a comment; the server refuses (Rejected) if it is not on that post."""
        data = await self._call(
            "POST",
            f"/comments/{quote(comment_remote_id, safe='')}/replies",
            key=key,
            body={"body": body, "format": text_format, "post_id": post_remote_id},
        )
        return self._object(data, parse_comment, "reply", (await self.whoami()).remote_id)

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        await self._call("PATCH", self._path(kind, remote_id), key=key, body={"body": body})

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        """Delete; something already gone (404) counts as done."""
        try:
            await self._call("DELETE", self._path(kind, remote_id), key=key)
        except NotFound:
            log.info("sandbox: %s %s was already gone", kind, remote_id)

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        try:
            data = await self._call("GET", f"/writes/{quote(key, safe='')}")
        except NotFound:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise BadResponse(f"The sandbox network's record of write {key!r} is malformed.")
        return data["id"]

    async def aclose(self) -> None:
        await self._http.client.aclose()

    @staticmethod
    def _path(kind: RemoteKind, remote_id: str) -> str:
        return f"{_KINDS[kind]}/{quote(remote_id, safe='')}"


async def _sign_in(
    client: httpx.AsyncClient, base_url: str, username: str, password: str, extra: dict
) -> SignIn:
    """The sandbox is never signed in to by hand: the app starts it with a fresh token."""
    raise UserError(
        "Fireside starts the built-in sandbox and signs in to it by itself; it cannot be "
        "added by hand."
    )


def _build(account: Account, secret: str, client: httpx.AsyncClient) -> SandboxNetwork:
    return SandboxNetwork(client, account.base_url, secret)


#: No form ever asks for the sandbox's sign-in, so its words appear only in what a failed
#: connection check says ("Check the address, ...").
KIND = NetworkKind(
    id="sandbox",
    display_name="Sandbox",
    url_label="Address",
    url_placeholder="",
    username_label="User name",
    password_label="Password",
    help="",
    sign_in=_sign_in,
    build=_build,
    builtin=True,
)
