"""Signing in to Microsoft 365 with MSAL, and the TokenSource the connectors use.

Everything here goes through MSAL's ``PublicClientApplication``, with the authority IT
chose (``config.EntraApp``), instance discovery off, and the account's own HTTP client
(``transport.LoopHttpClient``: the OS trust store plus IT's CAs, and its proxy):

- :func:`sign_in_in_browser`: authorization code with PKCE through the system browser
  and a loopback redirect (``acquire_token_interactive``). Graph's scopes are asked for
  and Yammer's consented in the same visit (``extra_scopes_to_consent``), so one sign-in
  yields a refresh token for both APIs.
- :func:`sign_in_with_code`: the device-code flow, for machines where the browser
  cannot reach a loopback address; the code and the address go to ``on_code``.
- :class:`MsalTokenSource`: ``acquire_token_silent`` per API, refreshing when needed;
  what only the person can fix becomes ``SignInRefused`` (an ``AuthError``).

MSAL blocks, so it runs on worker threads; cancelling the awaiting task stops it: the
browser sign-in through the loopback listener (answered with an error, as a browser that
was refused would), the device code by ending MSAL's polling (``flow["expires_at"] = 0``,
MSAL's documented way).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import msal  # type: ignore[import-untyped]  # MSAL ships no types
import msgspec
from msal.oauth2cli.authcode import AuthCodeReceiver  # type: ignore[import-untyped]
from msal.oauth2cli.oidc import decode_part  # type: ignore[import-untyped]

from app.errors import AuthError, OfflineError, SignInRefused, TlsError
from app.networks.http import certificate_problem
from app.networks.microsoft import errors
from app.networks.microsoft.cache import KeyringTokenCache
from app.networks.microsoft.config import EntraApp
from app.networks.microsoft.scopes import GRAPH_SCOPES, SCOPES, YAMMER_SCOPES, granted
from app.networks.microsoft.tokens import Api
from app.networks.microsoft.transport import LoopHttpClient
from app.networks.registry import DeviceCode

log = logging.getLogger(__name__)

#: The longest a person may take in the browser before the sign-in gives up.
BROWSER_TIMEOUT_S = 10 * 60


class SignedIn(msgspec.Struct, frozen=True):
    """Who signed in; their tokens are in the cache, never here."""

    home_account_id: str
    username: str
    display_name: str
    tenant_id: str
    scopes: tuple[str, ...]


def application(
    entra: EntraApp, cache: KeyringTokenCache, client: httpx.AsyncClient, loop: Any
) -> msal.PublicClientApplication:
    """MSAL's client for ``entra`` (blocking: it fetches the authority's OpenID
    configuration, so call it on a worker thread)."""
    return msal.PublicClientApplication(
        entra.client_id,
        authority=entra.authority,
        token_cache=cache,
        http_client=LoopHttpClient(client, loop),
        instance_discovery=False,
    )


def scopes_for(apis: tuple[Api, ...]) -> tuple[list[str], list[str]]:
    """(scopes to get a token for now, scopes only to consent to in the same visit)."""
    first, *others = apis
    return list(SCOPES[first]), [s for api in others for s in SCOPES[api]]


# --- the browser -----------------------------------------------------------------------
class _Receiver(AuthCodeReceiver):
    """MSAL's own loopback listener, which also remembers the sign-in's ``state`` so a
    cancel can answer it with an error, ending MSAL's wait at once."""

    def __init__(self) -> None:
        super().__init__(port=0)
        self.state: str | None = None
        self.cancelled = False

    def get_auth_response(self, **kwargs: Any) -> Any:
        self.state = kwargs.get("state")
        if self.cancelled:  # cancelled before MSAL started waiting: it stops at once
            return None
        return super().get_auth_response(**kwargs)

    def cancel(self) -> None:
        self.cancelled = True
        if self.state is None:
            return
        with httpx.Client(trust_env=False, timeout=5) as local:
            try:
                local.post(
                    f"http://127.0.0.1:{self.get_port()}/",
                    data={
                        "error": "access_denied",
                        "error_description": "Cancelled in Fireside",
                        "state": self.state,
                    },
                )
            except httpx.HTTPError as exc:  # the listener already closed: nothing to stop
                log.debug("loopback listener gone at cancel: %s", exc)


async def sign_in_in_browser(
    entra: EntraApp,
    cache: KeyringTokenCache,
    client: httpx.AsyncClient,
    apis: tuple[Api, ...],
    login_hint: str = "",
) -> SignedIn:
    """Sign in through the system browser; ``SignInRefused`` saying why when Entra
    refuses, ``OfflineError``/``TlsError`` when the authority cannot be reached."""
    loop = asyncio.get_running_loop()
    receiver = _Receiver()
    scopes, consent_too = scopes_for(apis)

    def interactive() -> Mapping[str, Any]:
        pca = application(entra, cache, client, loop)
        return pca.acquire_token_interactive(
            scopes,
            login_hint=login_hint or None,
            prompt=None if login_hint else msal.Prompt.SELECT_ACCOUNT,
            extra_scopes_to_consent=consent_too or None,
            timeout=BROWSER_TIMEOUT_S,
            port=receiver.get_port(),
            # MSAL's documented hook for a caller that owns the listener (oauth2cli's
            # obtain_token_by_browser): ours can be cancelled.
            auth_code_receiver=receiver,
        )

    try:
        result = await _in_thread(interactive, on_cancel=receiver.cancel)
    finally:
        receiver.close()
    return _signed_in(result, cache)


async def sign_in_with_code(
    entra: EntraApp,
    cache: KeyringTokenCache,
    client: httpx.AsyncClient,
    apis: tuple[Api, ...],
    on_code: Callable[[DeviceCode], None],
) -> SignedIn:
    """Sign in with a device code shown to the person (``on_code``, called on the loop).
    The code's scopes are the first API's; the others are fetched silently after, which
    works once they are consented (by IT for everyone, or an earlier browser sign-in)."""
    loop = asyncio.get_running_loop()
    scopes, _ = scopes_for(apis)
    flows: list[dict[str, Any]] = []
    stop = threading.Event()

    def initiate() -> tuple[msal.PublicClientApplication, dict[str, Any]]:
        pca = application(entra, cache, client, loop)
        return pca, pca.initiate_device_flow(scopes=scopes)

    pca, flow = await _in_thread(initiate)
    if "user_code" not in flow:
        raise errors.refusal(flow)
    flows.append(flow)
    on_code(
        DeviceCode(
            flow["user_code"],
            flow.get("verification_uri", ""),
            float(flow.get("expires_at", 0)),
            flow.get("message", ""),
        )
    )

    def poll() -> Mapping[str, Any]:
        return pca.acquire_token_by_device_flow(flow)

    def cancel() -> None:
        stop.set()
        flow["expires_at"] = 0

    result = await _in_thread(poll, on_cancel=cancel)
    if stop.is_set():
        raise errors.cancelled()
    if result and result.get("error") == "authorization_pending":
        # MSAL stops polling when the code's time is up, handing back the last answer
        raise errors.refusal({"error": "expired_token"})
    return _signed_in(result, cache)


def _signed_in(result: Mapping[str, Any] | None, cache: KeyringTokenCache) -> SignedIn:
    if not result or "access_token" not in result:
        raise errors.refusal(result or {"error": "no_response"})
    claims = result.get("id_token_claims") or {}
    home = _home_account_id(result, claims)
    return SignedIn(
        home_account_id=home,
        username=str(claims.get("preferred_username") or ""),
        display_name=str(claims.get("name") or ""),
        tenant_id=str(claims.get("tid") or ""),
        scopes=granted(str(result.get("scope") or "")),
    )


def _home_account_id(result: Mapping[str, Any], claims: Mapping[str, Any]) -> str:
    """MSAL's id of the account (``<object id>.<tenant id>``, from client_info)."""
    info = result.get("client_info")
    if isinstance(info, str) and info:
        data = json.loads(decode_part(info))
        return f"{data['uid']}.{data['utid']}"
    return f"{claims.get('oid', '')}.{claims.get('tid', '')}"


# --- silent, for the connectors ------------------------------------------------------
class MsalTokenSource:
    """``TokenSource`` for one signed-in account: tokens for Graph and Yammer from the
    shared cache, refreshed silently; ``SignInRefused`` when the person must sign in."""

    def __init__(
        self,
        entra: EntraApp,
        home_account_id: str,
        cache: KeyringTokenCache,
        client: httpx.AsyncClient,
    ) -> None:
        self._entra = entra
        self._home = home_account_id
        self._cache = cache
        self._client = client
        self._pca: msal.PublicClientApplication | None = None
        self._lock = asyncio.Lock()
        #: APIs that refused the token MSAL has cached: the next call refreshes.
        self._refused: dict[Api, str] = {}

    async def access_token(self, api: Api) -> str:
        async with self._lock:
            loop = asyncio.get_running_loop()
            refused = self._refused.pop(api, None)
            token = await _in_thread(lambda: self._silent(api, loop, refused))
            if token == refused:
                raise AuthError(f"{api.value}: the refreshed token was refused again")
            return token

    def invalidate(self, api: Api, token: str) -> None:
        self._refused[api] = token

    def _silent(self, api: Api, loop: asyncio.AbstractEventLoop, refused: str | None) -> str:
        if self._pca is None:
            self._pca = application(self._entra, self._cache, self._client, loop)
        account = next(
            (a for a in self._pca.get_accounts() if a.get("home_account_id") == self._home),
            None,
        )
        if account is None:
            raise errors.refusal({"error": "invalid_grant"})
        try:
            result = self._pca.acquire_token_silent_with_error(
                list(SCOPES[api]), account, force_refresh=refused is not None
            )
        finally:
            self._cache.save_if_changed()
        if not result or "access_token" not in result:
            raise errors.refusal(result or {"error": "invalid_grant"}, _SERVICE[api])
        return str(result["access_token"])


_SERVICE = {Api.GRAPH: "Microsoft Teams", Api.YAMMER: "Viva Engage"}


async def _in_thread(fn: Callable[[], Any], on_cancel: Callable[[], None] | None = None) -> Any:
    """Run blocking MSAL work on a worker thread; its transport errors in Fireside's
    words; cancelling runs ``on_cancel`` (which makes the work end) and waits for it."""
    task = asyncio.ensure_future(asyncio.to_thread(fn))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if on_cancel is not None:
            await asyncio.to_thread(on_cancel)
            # the thread ends quickly now; its outcome no longer matters
            await asyncio.wait([task])
            if not task.cancelled():
                task.exception()
        raise
    except httpx.TransportError as exc:
        problem = certificate_problem(exc)
        if problem is not None:
            raise TlsError(problem) from None
        raise OfflineError(f"Microsoft's sign-in service could not be reached ({exc}).") from None
    except ValueError as exc:  # MSAL's word for an authority it cannot use
        said = _said(exc)
        if errors.code_of({"error_description": said}) is not None:  # Entra said why
            raise errors.refusal({"error_description": said}) from None
        raise SignInRefused(
            "Fireside could not use the Microsoft sign-in address it was given.",
            "Check the tenant and the authority host (or ask IT).",
            str(exc)[:200],
            errors.EntraReason.OTHER,
        ) from None


def _said(exc: BaseException) -> str:
    """Every message in an exception's chain (MSAL wraps Entra's answer in its own)."""
    said: list[str] = []
    cause: BaseException | None = exc
    while cause is not None and len(said) < 5:
        said.append(str(cause))
        cause = cause.__cause__ or cause.__context__
    return " ".join(said)


__all__ = [
    "GRAPH_SCOPES",
    "YAMMER_SCOPES",
    "DeviceCode",
    "MsalTokenSource",
    "SignedIn",
    "sign_in_in_browser",
    "sign_in_with_code",
]
