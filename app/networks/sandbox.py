"""Connector for the built-in sandbox network (app/sandbox, API in app/sandbox/API.md).

Failures map onto ``app.errors`` like this:

=====================================================  ==================================
what happened                                          raised
=====================================================  ==================================
ConnectError / ConnectTimeout / PoolTimeout            OfflineError (request never left)
timeout, reset or protocol error after sending, write  OutcomeUnknown
the same on a read                                     NetworkError (retryable)
no complete answer within ``deadline`` seconds         the same as a timeout
5xx on a write / on a read                             OutcomeUnknown / NetworkError
429                                                    RateLimited(retry_after or None)
401                                                    AuthError
404                                                    NotFound
other 4xx                                              Rejected (the server's message)
2xx with invalid JSON, a truncated body, a body over   BadResponse
``max_response_bytes``, or a body of the wrong shape
=====================================================  ==================================

A 2xx status means the server applied the request, so a write answered with an unreadable
body raises BadResponse, not OutcomeUnknown: it did land, and repeating it with the same
key replays the stored answer. Writes are never retried here; every write carries the
outbox's key as ``Idempotency-Key``.

Two bounds keep a broken or hostile server from holding a sync. ``deadline`` covers a whole
request, from sending to the last byte of the answer: httpx's read timeout starts again
with every byte, so a server that drips one byte a second would otherwise never time out.
``max_response_bytes`` caps a body: it is read in pieces and refused as soon as it grows
past the cap (or announces a bigger Content-Length), never buffered whole. Each failure's
message names what happened ("timed out", "connection reset", "response too large",
"rate limited", "server error"), and that text reaches the sync report and the outbox.

Cursor encoding for ``pull_comments``: ``None`` (pull everything), ``"<since>"`` (the
server's change cursor, digits) or ``"<since>|<page_token>"`` while a pull is part-way
through its pages. The engine stores whatever ``next_cursor`` says and passes it back.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import logging
import math
import reprlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from app.domain import Capabilities, CommentPage, Person, RemoteComment, RemotePost
from app.errors import (
    AuthError,
    BadResponse,
    NetworkError,
    NotFound,
    OfflineError,
    OutcomeUnknown,
    RateLimited,
    Rejected,
)
from app.sandbox.wire import POST_MAX_CHARS, REPLY_MAX_CHARS, REQUESTS_PER_MINUTE

log = logging.getLogger(__name__)

PAGE_SIZE = 200
#: The longest one request may take, from sending it to the last byte of its answer.
REQUEST_DEADLINE_S = 30.0
#: The largest answer Fireside reads. A full page of 200 comments is well under 1 MB.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
#: The longest Retry-After Fireside believes; a bigger one is read as this.
RETRY_AFTER_MAX_S = 24 * 3600.0
_MAX_PAGES = 10_000  # a bound on "all pages" loops, far above any real listing
_KINDS = {"post": "/posts", "comment": "/comments"}


class _Malformed(ValueError):
    """One object in a response does not have the shape the API documents."""


def _field(obj: dict, name: str, kind: type | tuple[type, ...] = str, optional: bool = False):
    value = obj.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise _Malformed(f"field {name!r} is {reprlib.repr(value)}")
    return value


def parse_person(obj: Any) -> Person:
    if not isinstance(obj, dict):
        raise _Malformed(f"person is {reprlib.repr(obj)}")
    return Person(
        remote_id=_field(obj, "id"),
        name=_field(obj, "name"),
        title=_field(obj, "title", optional=True) or "",
        department=_field(obj, "department", optional=True) or "",
        level=_field(obj, "level", optional=True) or "",
    )


def parse_post(obj: Any) -> RemotePost:
    if not isinstance(obj, dict):
        raise _Malformed(f"post is {reprlib.repr(obj)}")
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
        raise _Malformed(f"comment is {reprlib.repr(obj)}")
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


def encode_cursor(since: str, page_token: str | None) -> str:
    return since if page_token is None else f"{since}|{page_token}"


def decode_cursor(cursor: str | None) -> tuple[str | None, str | None]:
    """(since, page_token) from a cursor this connector produced."""
    if not cursor:
        return None, None
    since, _, page_token = cursor.partition("|")
    return since or None, page_token or None


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (delay-seconds or an HTTP date), capped; None when absent or
    unreadable ("inf", "nan", negative, garbage), so the caller backs off by itself."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = max(0.0, (when - datetime.now(UTC)).total_seconds())
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return min(seconds, RETRY_AFTER_MAX_S)


def _failure(exc: Exception) -> str:
    """What went wrong on the wire, in the words the user sees first."""
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    cause: BaseException | None = exc
    while cause is not None:  # httpx wraps httpcore, which wraps anyio, which wraps OSError
        if isinstance(cause, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
            return "connection reset"
        cause = cause.__cause__ or cause.__context__
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection closed before the answer was complete ({detail})"
    return f"connection failed ({detail})"


async def _abandon(response: httpx.Response, body: AsyncIterator[bytes]) -> None:
    """Stop reading a body half-way without leaving httpx's stream generators suspended.

    Closing the response drops the connection; the generators under ``body`` are still
    paused mid-body, and an event loop without async-generator hooks (qasync installs
    none) would finalise them in the garbage collector, outside any task, where they
    fail. Pulling once more lets them see the closed connection and end normally.
    """
    await response.aclose()
    with contextlib.suppress(httpx.HTTPError, httpx.StreamError, StopAsyncIteration):
        async for _ in body:  # at most what was already buffered, then the closed socket
            pass


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g} MB"


def _loads(raw: bytes) -> Any:
    return json.loads(
        raw.decode("utf-8", "replace"),
        parse_int=lambda s: int(s) if len(s) <= 4000 else float(s),
    )


def _server_message(raw: bytes | None, response: httpx.Response) -> str:
    try:
        message = _loads(raw or b"")["error"]["message"]
        if isinstance(message, str) and message:
            return message
    except (ValueError, KeyError, TypeError, RecursionError):
        pass
    return f"HTTP {response.status_code} {response.reason_phrase}"


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
        self._client = client
        self._root = base_url.rstrip("/")
        self._api = self._root + "/api/v1"
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._me: Person | None = None
        self._deadline = deadline
        self._max_bytes = max_response_bytes

    # -- transport and error mapping -------------------------------------------------------

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
        write = method != "GET"
        what = f"{method} {path}"
        headers = dict(self._headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        request = self._client.build_request(
            method, self._api + path, params=params, json=body, headers=headers
        )
        try:
            async with asyncio.timeout(self._deadline):
                response, raw = await self._exchange(request, what, write)
        except TimeoutError as exc:
            reason = f"timed out: no complete answer within {self._deadline:g} s"
            raise self._lost(what, write, reason) from exc
        return self._decode(response, raw, what, write)

    async def _exchange(
        self, request: httpx.Request, what: str, write: bool
    ) -> tuple[httpx.Response, bytes | None]:
        """Send the request and read its answer's body (None when it could not be read)."""
        try:
            response = await self._client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise OfflineError(
                f"Cannot reach the sandbox network at {self._root} ({exc}). "
                "Check that it is running; nothing was sent."
            ) from exc
        except httpx.TransportError as exc:
            raise self._lost(what, write, _failure(exc)) from exc
        try:
            raw = await self._read_body(response, what)
        except httpx.TransportError as exc:
            if response.is_success:
                raise BadResponse(
                    f"The sandbox network cut its answer to {what} short: the body was "
                    f"truncated ({_failure(exc)}). Sync again."
                ) from exc
            raw = None
        finally:
            await response.aclose()
        return response, raw

    async def _read_body(self, response: httpx.Response, what: str) -> bytes | None:
        """The body, read piece by piece and refused once it outgrows the cap."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            return self._too_large(response, what, f"{_megabytes(int(declared))} announced")
        pieces: list[bytes] = []
        size = 0
        body = response.aiter_bytes()
        async for piece in body:
            size += len(piece)
            if size > self._max_bytes:
                await _abandon(response, body)
                return self._too_large(response, what, "it kept coming past that")
            pieces.append(piece)
        return b"".join(pieces)

    def _too_large(self, response: httpx.Response, what: str, detail: str) -> None:
        """Refuse a body over the cap; an error page that big is just ignored (None)."""
        if response.is_success:
            raise BadResponse(
                f"The sandbox network's answer to {what} was refused: response too large "
                f"(Fireside reads at most {_megabytes(self._max_bytes)}; {detail})."
            )

    def _lost(self, what: str, write: bool, reason: str) -> NetworkError:
        if write:
            return OutcomeUnknown(
                f"The sandbox network gave no clear answer to {what}: {reason}. "
                "It may or may not have been applied."
            )
        return NetworkError(f"The sandbox network gave no answer to {what}: {reason}. Try again.")

    def _decode(self, response: httpx.Response, raw: bytes | None, what: str, write: bool) -> Any:
        status = response.status_code
        if response.is_success:
            if status == 204 or not raw:
                return None
            try:
                return _loads(raw)
            except (ValueError, RecursionError) as exc:
                raise BadResponse(
                    f"The sandbox network answered {what} with a body that is "
                    f"not valid JSON ({exc})."
                ) from exc
        message = _server_message(raw, response)
        if status == 401:
            raise AuthError(
                f"The sandbox network refused the token: {message} Sign in to the account again."
            )
        if status == 404:
            raise NotFound(f"{what}: {message}")
        if status == 429:
            retry_after = _retry_after(response)
            wait = (
                f"it asked Fireside to wait {retry_after:g} s"
                if retry_after is not None
                else "it gave no Retry-After, so Fireside backs off"
            )
            raise RateLimited(
                f"The sandbox network rate limited {what} (HTTP 429: {message}); {wait}.",
                retry_after,
            )
        if status >= 500:
            failed = f"The sandbox network had a server error on {what} (HTTP {status}: {message})"
            if write:
                raise OutcomeUnknown(f"{failed}; it may or may not have been applied.")
            raise NetworkError(f"{failed}. Try again.")
        if 400 <= status < 500:
            raise Rejected(f"The sandbox network refused {what}: {message}")
        raise BadResponse(f"The sandbox network answered {what} with HTTP {status}.")

    @staticmethod
    def _object(data: Any, parse, what: str, *args):
        try:
            return parse(data, *args)
        except _Malformed as exc:
            raise BadResponse(f"The sandbox network sent a malformed {what}: {exc}.") from exc

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
                except _Malformed as exc:
                    log.warning("sandbox: skipping malformed post: %s", exc)
            if token is None:
                break
        return posts

    async def pull_comments(self, cursor: str | None) -> CommentPage:
        """One page of changes; malformed items become ``errors`` and the page goes on."""
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
        comments, errors = [], []
        for item in items:
            try:
                comments.append(parse_comment(item, my_id))
            except _Malformed as exc:
                ident = item.get("id") if isinstance(item, dict) else None
                errors.append(
                    f"Sandbox comment {reprlib.repr(ident) if ident else '(no id)'} is "
                    f"malformed and was skipped: {exc}."
                )
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

    async def publish(self, title: str, body: str, text_format: str, key: str) -> RemotePost:
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

    async def edit(self, kind: str, remote_id: str, body: str, key: str) -> None:
        await self._call("PATCH", self._path(kind, remote_id), key=key, body={"body": body})

    async def delete(self, kind: str, remote_id: str, key: str) -> None:
        """Delete; something already gone (404) counts as done."""
        try:
            await self._call("DELETE", self._path(kind, remote_id), key=key)
        except NotFound:
            log.info("sandbox: %s %s was already gone", kind, remote_id)

    async def lookup_write(self, key: str) -> str | None:
        try:
            data = await self._call("GET", f"/writes/{quote(key, safe='')}")
        except NotFound:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise BadResponse(f"The sandbox network's record of write {key!r} is malformed.")
        return data["id"]

    async def aclose(self) -> None:
        await self._client.aclose()

    @staticmethod
    def _path(kind: str, remote_id: str) -> str:
        if kind not in _KINDS:
            raise ValueError(f"kind must be 'post' or 'comment', not {kind!r}")
        return f"{_KINDS[kind]}/{quote(remote_id, safe='')}"
