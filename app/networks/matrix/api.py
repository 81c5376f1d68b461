"""Requests to one Matrix homeserver: the client-server API's endpoints, and its errors as
``app.errors``.

Every request goes through ``app.networks.http.HttpTransport`` (deadline, size cap, the
shared mapping of statuses). ``MatrixApi.classify`` refines that mapping with the
``errcode`` of Matrix's error body ``{"errcode": "M_...", "error": "..."}``:

=========================  =====================================================================
errcode                    raised
=========================  =====================================================================
M_LIMIT_EXCEEDED           RateLimited: waits for Retry-After, else for the body's
                           ``retry_after_ms`` (deprecated since Matrix 1.10 but still sent)
M_UNKNOWN_TOKEN            AuthError: the device was signed out, removed, or (``soft_logout``)
M_MISSING_TOKEN            its session expired; the user must sign in again
M_USER_DEACTIVATED         AuthError: the account itself is gone or locked
M_USER_LOCKED
M_FORBIDDEN                PermissionDenied (the server's reason: not in the room, power level...)
M_USER_SUSPENDED           PermissionDenied: the account may read but not send
M_CONSENT_NOT_GIVEN        PermissionDenied: the server's terms must be accepted first
M_GUEST_ACCESS_FORBIDDEN   PermissionDenied
M_NOT_FOUND                NotFound
M_TOO_LARGE                Rejected: the message is over the homeserver's size limit
M_RESOURCE_LIMIT_EXCEEDED  Rejected: the homeserver is over a licence or capacity limit
M_UNRECOGNIZED             Rejected: the homeserver does not know this request (too old)
M_BAD_JSON, M_NOT_JSON,    Rejected: Fireside sent something the server would not take
M_INVALID_PARAM,
M_MISSING_PARAM
M_UNKNOWN, other, none     the shared mapping by HTTP status, with the server's words and errcode
=========================  =====================================================================

A 5xx keeps the shared meaning (a write's outcome is unknown) whatever its errcode.
Answers are checked for the shape the endpoint documents; anything else is BadResponse.
"""

from __future__ import annotations

import json
import reprlib
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx
import msgspec

from app.errors import (
    AuthError,
    BadResponse,
    NetworkError,
    NotFound,
    PermissionDenied,
    Rejected,
)
from app.networks.http import (
    MAX_RESPONSE_BYTES,
    REQUEST_DEADLINE_S,
    HttpTransport,
    capped_wait,
    retry_after,
)

V3 = "/_matrix/client/v3"
V1 = "/_matrix/client/v1"

#: Event types Fireside reads: messages (posts, comments, edits) and redactions (deletions).
READ_TYPES = ["m.room.message", "m.room.redaction"]


def seg(value: str) -> str:
    """One path segment: room ids, event ids, user ids and aliases are escaped whole."""
    return quote(value, safe="")


def service_name(base_url: str) -> str:
    return f"Matrix at {urlsplit(base_url).netloc or base_url}"


def error_text(body: Any) -> str | None:
    """The server's words and errcode: "User not in room (M_FORBIDDEN)"."""
    text, code = body.get("error"), body.get("errcode")
    text = text.strip().rstrip(".") if isinstance(text, str) else ""
    if isinstance(code, str) and code:
        return f"{text} ({code})" if text else code
    return text or None


def _request_name(response: httpx.Response) -> str:
    request = response.request
    path = request.url.path
    for prefix in (V3, V1, "/_matrix/client"):
        if path.startswith(prefix):
            path = path[len(prefix) :]
            break
    return f"{request.method} {unquote(path)}"


def _retry_after_ms(body: dict) -> float | None:
    value = body.get("retry_after_ms")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return capped_wait(value / 1000)


#: errcode -> (exception type, what it means for the user; {service} and {message} filled in)
_MEANINGS: dict[str, tuple[type[NetworkError], str]] = {
    "M_MISSING_TOKEN": (
        AuthError,
        "{service} did not get Fireside's access token ({message}). Sign in to the account again.",
    ),
    "M_USER_DEACTIVATED": (
        AuthError,
        "{service} says this account was deactivated ({message}). Ask the homeserver's "
        "administrator, then sign in again.",
    ),
    "M_USER_LOCKED": (
        AuthError,
        "{service} has locked this account ({message}). Ask the homeserver's administrator "
        "to unlock it, then sign in again.",
    ),
    "M_USER_SUSPENDED": (
        PermissionDenied,
        "{service} has suspended this account: it may read but not send ({message}). Ask "
        "the homeserver's administrator.",
    ),
    "M_CONSENT_NOT_GIVEN": (
        PermissionDenied,
        "{service} needs this account to accept its terms of service first ({message}). "
        "Accept them in another Matrix client, then try again.",
    ),
    "M_GUEST_ACCESS_FORBIDDEN": (
        PermissionDenied,
        "{service} does not let guests do {what} ({message}).",
    ),
    "M_FORBIDDEN": (
        PermissionDenied,
        "{service} refused {what}: {message}. Check that the account is still in the room "
        "and allowed to post there.",
    ),
    "M_TOO_LARGE": (
        Rejected,
        "{service} refused {what} as too large ({message}). Shorten the text.",
    ),
    "M_RESOURCE_LIMIT_EXCEEDED": (
        Rejected,
        "{service} is over one of its own limits (licence or capacity) and refused {what} "
        "({message}). Contact the homeserver's administrator.",
    ),
    "M_UNRECOGNIZED": (
        Rejected,
        "{service} does not support {what} ({message}); the homeserver may be too old for "
        "Fireside (it needs Matrix 1.4 or later).",
    ),
}
for _code in ("M_BAD_JSON", "M_NOT_JSON", "M_INVALID_PARAM", "M_MISSING_PARAM"):
    _MEANINGS[_code] = (
        Rejected,
        "{service} could not accept Fireside's request {what} ({message}). This is a "
        "Fireside bug; please report it.",
    )


class Messages(msgspec.Struct, frozen=True):
    """One page of ``/rooms/{r}/messages``: events in the order asked for, the token that
    continues it (None at the end of what the server will give), members of its senders."""

    chunk: list
    start: str
    end: str | None
    state: list


class MatrixApi:
    """The endpoints Fireside uses, for one access token (None before signing in)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        token: str | None,
        *,
        deadline: float = REQUEST_DEADLINE_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.service = service_name(self.base_url)
        self.http = HttpTransport(
            client,
            self.service,
            error_text=error_text,
            classify=self.classify,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
        )
        self._token = token

    # -- errors ------------------------------------------------------------------------

    def classify(self, status: int, body: Any, response: httpx.Response) -> Exception | None:
        """The exception for an error answer, from its errcode (None: the shared mapping)."""
        body = body if isinstance(body, dict) else {}
        code = body.get("errcode") if isinstance(body.get("errcode"), str) else None
        what = _request_name(response)
        message = self.http.message(body, response)
        if status == 429 or code == "M_LIMIT_EXCEEDED":
            wait = retry_after(response)
            return self.http.rate_limited(what, message, wait or _retry_after_ms(body))
        if code == "M_UNKNOWN_TOKEN":
            return AuthError(self._signed_out(body.get("soft_logout") is True, message))
        if status >= 500 or code not in _MEANINGS:
            return None
        kind, text = _MEANINGS[code]
        return kind(text.format(service=self.service, what=what, message=message))

    def _signed_out(self, soft: bool, message: str) -> str:
        if soft:
            return (
                f'{self.service} ended Fireside\'s session ({message}; a "soft logout": the '
                "session expired). Sign in to the account again; Fireside keeps the same "
                "device, so nothing waiting in the outbox is sent twice."
            )
        return (
            f"{self.service} no longer accepts Fireside's access token ({message}): this "
            "device was signed out or removed, perhaps from another Matrix client. Sign in to "
            "the account again."
        )

    # -- requests ----------------------------------------------------------------------

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        body: Any = None,
        version: str = V3,
        what: str | None = None,
    ) -> Any:
        headers = {"Accept": "application/json"}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        return await self.http.call(
            method,
            self.base_url + version + path,
            what=what or f"{method} {unquote(path)}",
            params=params,
            json=body,
            headers=headers,
        )

    def checked(self, data: Any, what: str, check: Callable[[Any], bool]) -> Any:
        if not check(data):
            raise BadResponse(
                f"{self.service} answered {what} with something else than the Matrix "
                f"specification describes: {reprlib.repr(data)}."
            )
        return data

    async def event(self, room: str, event_id: str) -> dict:
        """One event with its bundled aggregations (the latest edit); NotFound if unknown."""
        what = "the event " + event_id
        data = await self.call("GET", f"/rooms/{seg(room)}/event/{seg(event_id)}", what=what)
        return self.checked(data, what, lambda d: isinstance(d, dict))

    async def joined_rooms(self) -> list[str]:
        data = await self.call("GET", "/joined_rooms")
        rooms = self.checked(
            data,
            "GET /joined_rooms",
            lambda d: isinstance(d, dict) and isinstance(d.get("joined_rooms"), list),
        )["joined_rooms"]
        return [room for room in rooms if isinstance(room, str) and room]

    async def messages(
        self,
        room: str,
        room_filter: dict,
        *,
        start: str | None = None,
        stop: str | None = None,
        limit: int = 100,
    ) -> Messages:
        """One page of a room's events, newest first, from ``start`` (None: the newest) back
        to ``stop`` (None: as far as the server goes)."""
        params = {"dir": "b", "limit": limit, "filter": json.dumps(room_filter)}
        if start is not None:
            params["from"] = start
        if stop is not None:
            params["to"] = stop
        what = f"the messages of room {room}"
        data = self.checked(
            await self.call("GET", f"/rooms/{seg(room)}/messages", params=params, what=what),
            what,
            _is_messages,
        )
        end = data.get("end")
        state = data.get("state")
        return Messages(data["chunk"], data["start"], end, state if isinstance(state, list) else [])

    async def thread(self, room: str, root: str, start: str | None, limit: int) -> tuple[list, str]:
        """One page of a thread's events (newest first) and the token for the next, or ""."""
        params: dict[str, Any] = {"limit": limit}
        if start:
            params["from"] = start
        what = f"the thread of {root}"
        path = f"/rooms/{seg(room)}/relations/{seg(root)}/m.thread"
        data = self.checked(
            await self.call("GET", path, params=params, version=V1, what=what),
            what,
            lambda d: (
                isinstance(d, dict)
                and isinstance(d.get("chunk"), list)
                and isinstance(d.get("next_batch") or "", str)
            ),
        )
        return data["chunk"], data.get("next_batch") or ""

    async def sync(self, since: str | None, sync_filter: str) -> dict:
        params: dict[str, Any] = {"timeout": 0, "filter": sync_filter}
        if since:
            params["since"] = since
        data = await self.call("GET", "/sync", params=params, what="GET /sync")
        return self.checked(
            data,
            "GET /sync",
            lambda d: isinstance(d, dict) and isinstance(d.get("next_batch"), str),
        )

    async def member_name(self, room: str, user_id: str) -> str | None:
        """The user's display name in the room, None when they have none (or are unknown)."""
        path = f"/rooms/{seg(room)}/state/m.room.member/{seg(user_id)}"
        try:
            data = await self.call("GET", path, what=f"the membership of {user_id}")
        except (NotFound, PermissionDenied):
            return None
        name = data.get("displayname") if isinstance(data, dict) else None
        return name if isinstance(name, str) and name.strip() else None

    async def profile_name(self, user_id: str) -> str | None:
        try:
            data = await self.call("GET", f"/profile/{seg(user_id)}/displayname")
        except (NotFound, PermissionDenied):
            return None
        name = data.get("displayname") if isinstance(data, dict) else None
        return name if isinstance(name, str) and name.strip() else None

    async def upload(self, data: bytes, mime_type: str, file_name: str) -> str:
        """POST a file to the content repository (spec: Client-Server API, "Content
        repository", ``POST /_matrix/media/v3/upload``); its ``mxc://`` URI."""
        headers = {"Accept": "application/json", "Content-Type": mime_type}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        what = "POST /_matrix/media/v3/upload"
        answer = await self.http.call(
            "POST",
            self.base_url + "/_matrix/media/v3/upload",
            what=what,
            params={"filename": file_name},
            content=data,
            headers=headers,
        )
        checked = self.checked(
            answer,
            what,
            lambda d: (
                isinstance(d, dict)
                and isinstance(d.get("content_uri"), str)
                and d["content_uri"].startswith("mxc://")
            ),
        )
        return str(checked["content_uri"])

    async def send(self, room: str, txn_id: str, content: dict) -> str:
        """PUT a message with the outbox key as transaction id; the new event's id."""
        path = f"/rooms/{seg(room)}/send/m.room.message/{seg(txn_id)}"
        return self._event_id(await self.call("PUT", path, body=content), "PUT " + path)

    async def redact(self, room: str, event_id: str, txn_id: str) -> str:
        path = f"/rooms/{seg(room)}/redact/{seg(event_id)}/{seg(txn_id)}"
        return self._event_id(await self.call("PUT", path, body={}), "PUT " + path)

    def _event_id(self, data: Any, what: str) -> str:
        checked = self.checked(
            data, what, lambda d: isinstance(d, dict) and isinstance(d.get("event_id"), str)
        )
        return checked["event_id"]


def _is_messages(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("chunk"), list)
        and isinstance(data.get("start"), str)
        and (data.get("end") is None or isinstance(data.get("end"), str))
    )
