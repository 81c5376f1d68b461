"""One HTTP exchange with a network, with the failure mapping every connector shares.

A connector builds an :class:`HttpTransport` around its injected ``httpx.AsyncClient`` and
calls :meth:`HttpTransport.call`; it gets decoded JSON back or one of ``app.errors``:

=====================================================  ==================================
what happened                                          raised
=====================================================  ==================================
ConnectError / ConnectTimeout / PoolTimeout            OfflineError (request never left)
the same, caused by a failed certificate check         TlsError (a kind of OfflineError)
timeout, reset or protocol error after sending, write  OutcomeUnknown
the same on a read                                     NetworkError (retryable)
no complete answer within ``deadline`` seconds         the same as a timeout
5xx on a write / on a read                             OutcomeUnknown / NetworkError
429                                                    RateLimited(retry_after or None)
401                                                    AuthError
403                                                    PermissionDenied
404                                                    NotFound
other 4xx                                              Rejected (the server's message)
2xx with invalid JSON, a truncated body, a body over   BadResponse
``max_response_bytes``
=====================================================  ==================================

A body over ``DECODE_ON_LOOP_MAX_BYTES`` is decoded on a worker thread, so a page of a
sync never holds up the event loop the window shares.

A connector refines this with ``classify``: it sees every non-2xx answer (status, decoded
body or None, response) first and may return the exception to raise (WordPress's
``comment_duplicate``, Matrix's ``M_LIMIT_EXCEEDED`` with ``retry_after_ms``...). Its
``error_text`` pulls the server's own message out of an error body.

A 2xx status means the server applied the request, so a write answered with an unreadable
body raises BadResponse, not OutcomeUnknown: it did land. Nothing here retries.

Two bounds keep a broken or hostile server from holding a sync. ``deadline`` covers a whole
request, from sending to the last byte of the answer: httpx's read timeout starts again
with every byte, so a server that drips one byte a second would otherwise never time out.
``max_response_bytes`` caps a body: it is read in pieces and refused as soon as it grows
past the cap (or announces a bigger Content-Length), never buffered whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import math
import reprlib
import ssl
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from app.errors import (
    AuthError,
    BadResponse,
    NetworkError,
    NotFound,
    OfflineError,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    Rejected,
    TlsError,
)
from app.networks import ratelimit

#: The longest one request may take, from sending it to the last byte of its answer.
REQUEST_DEADLINE_S = 30.0
#: The largest answer Fireside reads. A full page of 200 comments is well under 1 MB.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
#: The longest Retry-After Fireside believes; a bigger one is read as this.
RETRY_AFTER_MAX_S = 24 * 3600.0
#: An answer this big is decoded on a worker thread, not on the event loop the window
#: shares (a page of 200 comments is some 150 KB: a few milliseconds of JSON).
DECODE_ON_LOOP_MAX_BYTES = 32 * 1024

#: ``classify(status, body, response)``: the exception for this error answer, or None.
Classifier = Callable[[int, Any, httpx.Response], Exception | None]


class Malformed(ValueError):
    """One object in a response does not have the shape the API documents."""


def field(obj: dict, name: str, kind: type | tuple[type, ...] = str, optional: bool = False):
    """``obj[name]`` if it has the documented type, else Malformed (bools are not ints)."""
    value = obj.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise Malformed(f"field {name!r} is {reprlib.repr(value)}")
    return value


def loads(raw: bytes) -> Any:
    """JSON from bytes; invalid UTF-8 is replaced and absurdly long integers become floats
    (Python refuses to parse integers over 4,300 digits, which would fail a whole page)."""
    return json.loads(
        raw.decode("utf-8", "replace"),
        parse_int=lambda s: int(s) if len(s) <= 4000 else float(s),
    )


def retry_after(response: httpx.Response) -> float | None:
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
    return capped_wait(seconds)


def capped_wait(seconds: float) -> float | None:
    """A server's requested wait, capped; None when it is not a sane number."""
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return min(seconds, RETRY_AFTER_MAX_S)


def failure(exc: Exception) -> str:
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


def certificate_problem(exc: BaseException) -> str | None:
    """The certificate check's own words when it is what failed this connection."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return cause.verify_message or str(cause)
        if isinstance(cause, ssl.SSLError):
            return cause.reason or str(cause)
        cause = cause.__cause__ or cause.__context__
    return None


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


def _no_text(body: Any) -> str | None:
    return None


class HttpTransport:
    """Requests to one network for one account. ``service`` names it in every message
    ("The sandbox network", "WordPress at blog.example.com")."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        service: str,
        *,
        error_text: Callable[[Any], str | None] = _no_text,
        classify: Classifier | None = None,
        deadline: float = REQUEST_DEADLINE_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.client = client
        self.service = service
        self._error_text = error_text
        self._classify = classify
        self._deadline = deadline
        self._max_bytes = max_response_bytes

    async def call(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: dict | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        write: bool | None = None,
    ) -> Any:
        """Send one request, return its decoded JSON (None for an empty body), or raise.

        ``what`` names the request in messages ("GET /posts"); ``write`` defaults to any
        method but GET and decides whether a lost answer is OutcomeUnknown. ``content`` is
        a raw body (an upload; its Content-Type goes in ``headers``) instead of ``json``.
        """
        data, _ = await self.call_with_headers(
            method,
            url,
            what=what,
            params=params,
            json=json,
            content=content,
            headers=headers,
            write=write,
        )
        return data

    async def call_with_headers(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: dict | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        write: bool | None = None,
    ) -> tuple[Any, httpx.Headers]:
        """``call``, also returning the answer's headers (paging totals such as WordPress's
        ``X-WP-TotalPages``, ``Link``...)."""
        write = method != "GET" if write is None else write
        request = self.client.build_request(
            method, url, params=params, json=json, content=content, headers=headers
        )
        try:
            async with ratelimit.turn(write):  # the account's pacing (app.sync.pacing), if any
                async with asyncio.timeout(self._deadline):
                    response, raw = await self._exchange(request, what, write)
        except TimeoutError as exc:
            reason = f"timed out: no complete answer within {self._deadline:g} s"
            raise self._lost(what, write, reason) from exc
        ratelimit.heard(response.headers)
        if raw is not None and len(raw) > DECODE_ON_LOOP_MAX_BYTES:
            data = await asyncio.to_thread(self._decode, response, raw, what, write)
        else:
            data = self._decode(response, raw, what, write)
        return data, response.headers

    async def _exchange(
        self, request: httpx.Request, what: str, write: bool
    ) -> tuple[httpx.Response, bytes | None]:
        """Send the request and read its answer's body (None when it could not be read)."""
        try:
            response = await self.client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise self._unreachable(request, exc) from exc
        except httpx.TransportError as exc:
            raise self._lost(what, write, failure(exc)) from exc
        try:
            raw = await self._read_body(response, what)
        except httpx.TransportError as exc:
            if response.is_success:
                raise BadResponse(
                    f"{self.service} cut its answer to {what} short: the body was "
                    f"truncated ({failure(exc)}). Sync again."
                ) from exc
            raw = None
        finally:
            await response.aclose()
        return response, raw

    def _unreachable(self, request: httpx.Request, exc: Exception) -> OfflineError:
        where = f"{request.url.scheme}://{request.url.netloc.decode('ascii', 'replace')}"
        problem = certificate_problem(exc)
        if problem is not None:
            return TlsError(
                f"{self.service} at {where} presented a TLS certificate Fireside does not "
                f"trust ({problem}). If your organisation uses its own certificate authority, "
                "add its certificate to the system's trust store or to Fireside's extra CA "
                "certificates; nothing was sent."
            )
        return OfflineError(
            f"Cannot reach {self._service_mid_sentence} at {where} ({exc}). Check the address "
            "and your "
            "connection; nothing was sent."
        )

    @property
    def _service_mid_sentence(self) -> str:
        """The service's name inside a sentence: "the sandbox network", but "WordPress"."""
        first, _, rest = self.service.partition(" ")
        return f"the {rest}" if first == "The" and rest else self.service

    async def _read_body(self, response: httpx.Response, what: str) -> bytes | None:
        """The body, read piece by piece and refused once it outgrows the cap."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            self._too_large(response, what, f"{_megabytes(int(declared))} announced")
            return None
        pieces: list[bytes] = []
        size = 0
        body = response.aiter_bytes()
        async for piece in body:
            size += len(piece)
            if size > self._max_bytes:
                await _abandon(response, body)
                self._too_large(response, what, "it kept coming past that")
                return None
            pieces.append(piece)
        return b"".join(pieces)

    def _too_large(self, response: httpx.Response, what: str, detail: str) -> None:
        """Refuse a body over the cap; an error page that big is just ignored (None)."""
        if response.is_success:
            raise BadResponse(
                f"{self.service}'s answer to {what} was refused: response too large "
                f"(Fireside reads at most {_megabytes(self._max_bytes)}; {detail})."
            )

    def _lost(self, what: str, write: bool, reason: str) -> NetworkError:
        if write:
            return OutcomeUnknown(
                f"{self.service} gave no clear answer to {what}: {reason}. "
                "It may or may not have been applied."
            )
        return NetworkError(f"{self.service} gave no answer to {what}: {reason}. Try again.")

    def _decode(self, response: httpx.Response, raw: bytes | None, what: str, write: bool) -> Any:
        status = response.status_code
        if response.is_success:
            if status == 204 or not raw:
                return None
            try:
                return loads(raw)
            except (ValueError, RecursionError) as exc:
                raise BadResponse(
                    f"{self.service} answered {what} with a body that is not valid JSON ({exc})."
                ) from exc
        try:
            body = loads(raw) if raw else None
        except (ValueError, RecursionError):
            body = None
        if self._classify is not None:
            refined = self._classify(status, body, response)
            if refined is not None:
                raise refined
        raise self.error_for(status, body, response, what, write)

    def message(self, body: Any, response: httpx.Response) -> str:
        """The server's own words for an error answer, or its status line."""
        try:
            text = self._error_text(body)
        except (KeyError, TypeError, AttributeError):
            text = None
        if isinstance(text, str) and text.strip():
            return text.strip().rstrip(".")
        return f"HTTP {response.status_code} {response.reason_phrase}"

    def error_for(
        self, status: int, body: Any, response: httpx.Response, what: str, write: bool
    ) -> NetworkError:
        """The default exception for a non-2xx answer (see the module's table)."""
        message = self.message(body, response)
        if status == 401:
            return AuthError(
                f"{self.service} refused the credentials: {message}. Sign in to the account again."
            )
        if status == 403:
            return PermissionDenied(
                f"{self.service} refused {what} for lack of permission: {message}."
            )
        if status == 404:
            return NotFound(f"{what}: {message}")
        if status == 429:
            return self.rate_limited(what, message, retry_after(response))
        if status >= 500:
            failed = f"{self.service} had a server error on {what} (HTTP {status}: {message})"
            if write:
                return OutcomeUnknown(f"{failed}; it may or may not have been applied.")
            return NetworkError(f"{failed}. Try again.")
        if 400 <= status < 500:
            return Rejected(f"{self.service} refused {what}: {message}")
        return BadResponse(f"{self.service} answered {what} with HTTP {status}.")

    def rate_limited(self, what: str, message: str, wait_s: float | None) -> RateLimited:
        wait = (
            f"it asked Fireside to wait {wait_s:g} s"
            if wait_s is not None
            else "it gave no Retry-After, so Fireside backs off"
        )
        return RateLimited(
            f"{self.service} rate limited {what} (HTTP 429: {message}); {wait}.", wait_s
        )

    def parsed(self, data: Any, parse: Callable[..., Any], what: str, *args: Any) -> Any:
        """``parse(data, *args)``, with Malformed turned into BadResponse naming ``what``."""
        try:
            return parse(data, *args)
        except Malformed as exc:
            raise BadResponse(f"{self.service} sent a malformed {what}: {exc}.") from exc
