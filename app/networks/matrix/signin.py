"""Signing in to a Matrix homeserver, and building the connector for an account (``KIND``).

``sign_in(client, base_url, username, password, extra)``:

1. ``GET /_matrix/client/versions`` without a token: a homeserver lists the spec versions
   it speaks. When the address is the server's name rather than its homeserver
   (example.com, not matrix.example.com), ``/.well-known/matrix/client`` names the
   homeserver and is followed once. Anything else is WrongService, and so is a server
   older than Matrix 1.4 (threads); unreachable is OfflineError, an untrusted
   certificate TlsError (both from ``HttpTransport``).
2. ``POST /login`` with ``m.login.password`` and ``initial_device_display_name``
   "Fireside". Signing in again passes the account's ``device_id`` (``extra``) so the
   device, and with it the deduplication of everything still in the outbox, is kept.
   A wrong user name or password is AuthError; a server that only offers single sign-on
   is Rejected with that reason.
3. The room from ``extra["room"]``: a room id (``!...``) or an alias (``#...``, resolved
   with ``/directory/room``), joined when the account is not in it yet (refused:
   PermissionDenied). An end-to-end encrypted room is refused: Fireside can neither read
   encrypted comments nor post readable messages there.

No device is left behind on the homeserver (``POST /logout`` signs one out: the device
and its token go, as ``sign_out`` does when the account is removed):

- when step 3 fails, a device made in step 2 is signed out again;
- ``test_sign_in`` ("Test connection") signs its device out as soon as it has checked
  everything, and never uses the account's own device;
- when the caller is cancelled (the dialog closed) once ``POST /login`` may have left,
  the sign-in is let finish and a device it made is signed out before the cancellation
  goes on (steps 2 and 3 run shielded; each request has a deadline).

Signing in again with the account's device makes no new device; the homeserver keeps
the device's earlier token working too (Synapse does), until the device is signed out
when the account is removed. The access token is the secret (for the keyring only); the
password goes to ``/login`` and nowhere else, and neither is ever logged. Settings:
``user_id``, ``device_id``, ``room`` (a room id), and ``homeserver`` when step 1 found it
at another address.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import TypeVar

import httpx

from app.domain import Account
from app.errors import (
    AuthError,
    BadResponse,
    NetworkError,
    NotFound,
    PermissionDenied,
    Rejected,
    UserError,
    WrongService,
)
from app.networks.matrix.api import MatrixApi, seg
from app.networks.matrix.connector import MatrixNetwork
from app.networks.registry import ExtraField, NetworkKind, SignIn

log = logging.getLogger(__name__)
T = TypeVar("T")

DEVICE_NAME = "Fireside"
#: Threads (``m.thread``, ``/v1/.../relations``) arrived in Matrix 1.4.
_NEEDED = (1, 4)
_VERSION = re.compile(r"^v(\d+)\.(\d+)$")


def _normalised(base_url: str) -> str:
    url = base_url.strip().rstrip("/")
    return url if "://" in url else "https://" + url


def _speaks_matrix(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("versions"), list)


async def _versions(api: MatrixApi) -> list[str] | None:
    """The spec versions the address speaks, None when it is not a homeserver."""
    try:
        data = await api.call("GET", "/versions", version="/_matrix/client")
    except (NotFound, Rejected, BadResponse, AuthError):  # PermissionDenied is a Rejected
        return None
    return [v for v in data["versions"] if isinstance(v, str)] if _speaks_matrix(data) else None


async def _well_known(client: httpx.AsyncClient, base_url: str) -> str | None:
    api = MatrixApi(client, base_url, None)
    try:
        data = await api.call("GET", "/.well-known/matrix/client", version="")
    except (NotFound, Rejected, BadResponse, AuthError):
        return None
    homeserver = data.get("m.homeserver") if isinstance(data, dict) else None
    url = homeserver.get("base_url") if isinstance(homeserver, dict) else None
    return _normalised(url) if isinstance(url, str) and url.strip() else None


async def find_homeserver(client: httpx.AsyncClient, base_url: str) -> str:
    """The homeserver's base URL for what the user typed; WrongService if there is none."""
    base = _normalised(base_url)
    candidates = [base]
    versions = await _versions(MatrixApi(client, base, None))
    if versions is None and (found := await _well_known(client, base)) not in (None, base):
        candidates.append(found)
        versions = await _versions(MatrixApi(client, found, None))
    if versions is None:
        raise WrongService(
            f"{base} answers, but it is not a Matrix homeserver (no /_matrix/client/versions). "
            "Enter the homeserver's address, for example https://matrix.example.com."
        )
    spoken = [tuple(map(int, m.groups())) for v in versions if (m := _VERSION.match(v))]
    if not any(v >= _NEEDED for v in spoken):
        raise WrongService(
            f"The homeserver at {candidates[-1]} speaks only older Matrix versions "
            f"({', '.join(versions[-3:]) or 'none listed'}); Fireside needs Matrix 1.4 or "
            "later (threads). Ask its administrator to upgrade it."
        )
    return candidates[-1]


async def _login(api: MatrixApi, username: str, password: str, device_id: str | None) -> dict:
    flows = api.checked(
        await api.call("GET", "/login"),
        "GET /login",
        lambda d: isinstance(d, dict) and isinstance(d.get("flows"), list),
    )["flows"]
    types = [f.get("type") for f in flows if isinstance(f, dict)]
    if "m.login.password" not in types:
        raise Rejected(
            f"{api.service} signs in only through {', '.join(map(str, types)) or 'other means'}"
            ", not with a password; Fireside supports password sign-in only."
        )
    body = {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": username.strip()},
        "password": password,
        "initial_device_display_name": DEVICE_NAME,
    }
    if device_id:
        body["device_id"] = device_id
    try:
        data = await api.call("POST", "/login", body=body, what="POST /login")
    except PermissionDenied as exc:  # M_FORBIDDEN: the spec's answer to a wrong password
        raise AuthError(
            f"{api.service} refused the user name or password ({exc}). Check both and try again."
        ) from exc
    return api.checked(
        data,
        "POST /login",
        lambda d: (
            isinstance(d, dict)
            and all(isinstance(d.get(k), str) for k in ("access_token", "user_id", "device_id"))
        ),
    )


async def _room_id(api: MatrixApi, room: str) -> str:
    """The room id for a room id or an alias, joined if need be."""
    room = room.strip()
    if room.startswith("#"):
        try:
            data = await api.call("GET", f"/directory/room/{seg(room)}")
        except NotFound as exc:
            raise Rejected(f"{api.service} knows no room called {room}.") from exc
        room_id = api.checked(
            data,
            "the room alias",
            lambda d: isinstance(d, dict) and isinstance(d.get("room_id"), str),
        )["room_id"]
    elif room.startswith("!"):
        room_id = room
    else:
        raise UserError(
            f"{room!r} is not a Matrix room: enter its alias (#town-hall:example.com) or its "
            "room id (!abc123:example.com)."
        )
    if room_id in await api.joined_rooms():
        return room_id
    try:
        await api.call("POST", f"/join/{seg(room)}", body={})
    except PermissionDenied as exc:
        raise PermissionDenied(
            f"{api.service} did not let this account join {room} ({exc}). Ask one of the "
            "room's admins to invite it, then sign in again."
        ) from exc
    return room_id


async def _refuse_encrypted(api: MatrixApi, room_id: str) -> None:
    try:
        await api.call("GET", f"/rooms/{seg(room_id)}/state/m.room.encryption/")
    except NotFound:
        return
    raise Rejected(
        f"The room {room_id} is end-to-end encrypted. Fireside cannot read encrypted comments "
        "or post readable messages there; choose a room without encryption."
    )


async def sign_in(
    client: httpx.AsyncClient, base_url: str, username: str, password: str, extra: dict
) -> SignIn:
    """Sign in to keep the account (see the module docstring)."""
    return await _signed_in(client, base_url, username, password, extra, keep=True)


async def test_sign_in(
    client: httpx.AsyncClient, base_url: str, username: str, password: str, extra: dict
) -> SignIn:
    """Sign in only to check the credentials ("Test connection"), leaving nothing on the
    homeserver: the device the sign-in made is signed out again at once. The account's
    own device is never used for a test (signing it out would end the account's
    sign-in). The SignIn's secret is empty: the token no longer works."""
    extra = {key: value for key, value in extra.items() if key != "device_id"}
    return await _signed_in(client, base_url, username, password, extra, keep=False)


async def _signed_in(
    client: httpx.AsyncClient,
    base_url: str,
    username: str,
    password: str,
    extra: dict,
    *,
    keep: bool,
) -> SignIn:
    homeserver = await find_homeserver(client, base_url)  # nothing made yet
    device_id = extra.get("device_id") or None
    work = asyncio.ensure_future(
        _on_device(client, homeserver, username, password, extra, keep=keep)
    )
    try:
        signed = await asyncio.shield(work)
    except asyncio.CancelledError:
        # Cancelled (the dialog closed) while POST /login may have made a device: let the
        # sign-in finish, then sign out a device made for an account that is now never
        # kept. Only then does the cancellation go on.
        settled = await _settled(work)
        if keep and not device_id and settled is not None:
            await _settled(asyncio.ensure_future(_log_out(client, homeserver, settled.secret)))
        raise
    if homeserver != _normalised(base_url):
        signed.settings["homeserver"] = homeserver
    return signed


async def _on_device(
    client: httpx.AsyncClient,
    homeserver: str,
    username: str,
    password: str,
    extra: dict,
    *,
    keep: bool,
) -> SignIn:
    """Log in, check the room and the name; a device made here is signed out again when
    anything after the login fails, and when the sign-in is not kept."""
    device_id = extra.get("device_id") or None
    login = await _login(MatrixApi(client, homeserver, None), username, password, device_id)
    api = MatrixApi(client, homeserver, login["access_token"])
    try:
        room_id = await _room_id(api, str(extra.get("room") or ""))
        await _refuse_encrypted(api, room_id)
        name = await api.profile_name(login["user_id"])
    except BaseException:
        if not device_id:  # a device made just now: do not leave it behind
            await _log_out(client, homeserver, login["access_token"])
        raise
    if not keep:
        await _log_out(client, homeserver, login["access_token"])
    return SignIn(
        secret=login["access_token"] if keep else "",
        username=login["user_id"],
        display_name=name or login["user_id"],
        settings={"user_id": login["user_id"], "device_id": login["device_id"], "room": room_id},
    )


async def _log_out(client: httpx.AsyncClient, homeserver: str, token: str) -> None:
    """``POST /logout``: the device and its token go (best effort: a sign-in that cannot
    be undone is not a reason to fail what the user asked for)."""
    try:
        await MatrixApi(client, homeserver, token).call("POST", "/logout", body={})
    except NetworkError as exc:
        log.warning("matrix: could not sign out a device Fireside made: %s", type(exc).__name__)


async def _settled(task: asyncio.Future[T]) -> T | None:
    """The task's result once it is done (None if it failed), however often the caller
    is cancelled meanwhile: each request in it has a deadline, so this ends."""
    while not task.done():
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.shield(task)
    if task.cancelled() or task.exception() is not None:
        return None
    return task.result()


async def sign_out(client: httpx.AsyncClient, account: Account, secret: str) -> None:
    """Sign the account's device out: ``POST /logout`` with its access token deletes the
    device and the token on the homeserver. AuthError when the token no longer works."""
    homeserver = account.settings.get("homeserver") or account.base_url
    await MatrixApi(client, homeserver, secret).call("POST", "/logout", body={})


def build(account: Account, secret: str, client: httpx.AsyncClient) -> MatrixNetwork:
    settings = account.settings
    missing = [k for k in ("user_id", "device_id", "room") if not settings.get(k)]
    if missing:
        raise UserError(
            f"The Matrix account {account.name!r} lacks {', '.join(missing)} in its settings. "
            "Sign in to it again."
        )
    return MatrixNetwork(
        client,
        settings.get("homeserver") or account.base_url,
        secret,
        user_id=settings["user_id"],
        device_id=settings["device_id"],
        room=settings["room"],
    )


KIND = NetworkKind(
    id="matrix",
    display_name="Matrix",
    url_label="Homeserver",
    url_placeholder="https://matrix.example.com",
    username_label="User name",
    password_label="Password",
    help=(
        "Your Matrix user name (@dana:example.com, or just dana) and password; Fireside "
        "signs in as a device named Fireside and keeps only its access token."
    ),
    sign_in=sign_in,
    test_sign_in=test_sign_in,
    build=build,
    sign_out=sign_out,
    revoke_by_hand=(
        "open Settings → Sessions in your Matrix client (Element or another) and sign out "
        f"the session named {DEVICE_NAME}."
    ),
    extra_fields=(
        ExtraField(
            "room",
            "Room",
            placeholder="#town-hall:example.com or !roomid:example.com",
            required=True,
        ),
    ),
)
