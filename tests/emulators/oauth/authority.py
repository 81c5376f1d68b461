"""The authorization-code grant with PKCE, as the networks' own servers check it.

Each network emulator (Mastodon, Slack...) owns an :class:`Authority` and puts its own
shapes around it (Mastodon's ``{"error", "error_description"}``, Slack's HTTP 200
``{"ok": false}``, Slack's nested ``authed_user``). The checks are RFC 6749 and RFC 7636:

- /authorize: a known ``client_id``; a ``redirect_uri`` the client registered, where a
  loopback address matches whatever its port (RFC 8252 7.3); ``response_type=code``; a
  ``code_challenge`` with ``code_challenge_method=S256`` (required here: every Fireside
  sign-in sends one); the scopes asked for within what the client may ask. The person
  at the browser approves (or, when a test says so, declines) and the browser goes back
  to the redirect URI with ``code`` and ``state``, or ``error``.
- /token, ``authorization_code``: the code once only, for the same client and redirect
  URI, within 10 minutes, with a ``code_verifier`` whose S256 is the challenge; a
  confidential client's secret.
- /token, ``refresh_token``: a refresh token this client holds, not expired, not
  revoked; with ``rotate`` the old one dies when the new one is issued.

Tokens live ``access_ttl_s``; refresh tokens ``refresh_ttl_s`` (Slack's PKCE apps: 30
days). ``revoke`` kills a grant (the person or IT revoked the app).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CODE_TTL_S = 600


class OAuthRefusal(Exception):
    """An OAuth error (RFC 6749 5.2 / 4.1.2.1); the network shapes it."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description, self.status = error, description, status


@dataclass
class Client:
    client_id: str
    redirect_uris: tuple[str, ...]
    allowed_scopes: frozenset[str]
    client_secret: str | None = None  # None: a public client (PKCE only)


@dataclass
class Grant:
    """What one approval gave: the user, the scopes, and its live tokens."""

    user: str
    client_id: str
    scopes: frozenset[str]
    revoked: bool = False


@dataclass
class _Code:
    grant: Grant
    redirect_uri: str
    challenge: str
    issued_at: float


@dataclass
class _Refresh:
    grant: Grant
    expires_at: float | None
    alive: bool = True


@dataclass
class Issued:
    access_token: str
    refresh_token: str | None
    expires_in: int | None
    grant: Grant


@dataclass
class Authority:
    clock: Callable[[], float]
    access_ttl_s: int | None = 7200
    refresh_ttl_s: int | None = None
    rotate: bool = True
    issue_refresh: bool = True
    token_prefix: str = "tok-"
    clients: dict[str, Client] = field(default_factory=dict)
    #: who the person at the browser is, and whether they approve
    person: str = ""
    approves: bool = True
    _codes: dict[str, _Code] = field(default_factory=dict)
    _refresh: dict[str, _Refresh] = field(default_factory=dict)
    _access: dict[str, tuple[Grant, float | None]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: every PKCE challenge /authorize saw (tests read it)
    challenges: list[tuple[str, str]] = field(default_factory=list)

    def register(self, client: Client) -> Client:
        self.clients[client.client_id] = client
        return client

    # -- /authorize ------------------------------------------------------------------------

    def authorize(self, query: dict[str, str], scope_param: str = "scope", sep: str = " ") -> str:
        """The address the browser is sent back to (302 Location); OAuthRefusal when the
        request is so wrong it cannot go back (unknown client, unregistered redirect)."""
        client = self.clients.get(query.get("client_id", ""))
        if client is None:
            raise OAuthRefusal("invalid_client", "Unknown client_id.", 401)
        redirect = query.get("redirect_uri", "")
        if not _registered(redirect, client.redirect_uris):
            raise OAuthRefusal("invalid_request", "redirect_uri is not registered.")
        state = query.get("state")

        def back(**params: str) -> str:
            if state is not None:
                params["state"] = state
            joiner = "&" if "?" in redirect else "?"
            return f"{redirect}{joiner}{urlencode(params)}"

        if query.get("response_type") != "code":
            return back(error="unsupported_response_type", error_description="Only code.")
        challenge = query.get("code_challenge", "")
        if query.get("code_challenge_method") != "S256" or len(challenge) < 43:
            return back(error="invalid_request", error_description="PKCE S256 is required.")
        scopes = frozenset(s for s in query.get(scope_param, "").replace(sep, " ").split() if s)
        if not scopes or not scopes <= client.allowed_scopes:
            refused = " ".join(sorted(scopes - client.allowed_scopes)) or "no scope"
            return back(error="invalid_scope", error_description=f"Not allowed: {refused}.")
        if not self.approves:
            return back(error="access_denied", error_description="The user declined.")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.challenges.append((query.get("code_challenge_method", ""), challenge))
            self._codes[code] = _Code(
                Grant(self.person, client.client_id, scopes), redirect, challenge, self.clock()
            )
        return back(code=code)

    # -- /token ----------------------------------------------------------------------------

    def token(self, form: dict[str, str], basic: tuple[str, str] | None = None) -> Issued:
        client_id = form.get("client_id") or (basic[0] if basic else "")
        client = self.clients.get(client_id)
        if client is None:
            raise OAuthRefusal("invalid_client", "Unknown client_id.", 401)
        if client.client_secret is not None:
            given = form.get("client_secret") or (basic[1] if basic else None)
            if given != client.client_secret:
                raise OAuthRefusal("invalid_client", "Client authentication failed.", 401)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange(client, form)
        if grant_type == "refresh_token":
            return self._refresh_grant(client, form)
        raise OAuthRefusal("unsupported_grant_type", f"{grant_type!r} is not supported.")

    def _exchange(self, client: Client, form: dict[str, str]) -> Issued:
        with self._lock:
            code = self._codes.pop(form.get("code", ""), None)
        if code is None or code.grant.client_id != client.client_id:
            raise OAuthRefusal("invalid_grant", "The code is invalid or was already used.")
        if self.clock() - code.issued_at > CODE_TTL_S:
            raise OAuthRefusal("invalid_grant", "The code expired.")
        if form.get("redirect_uri") != code.redirect_uri:
            raise OAuthRefusal("invalid_grant", "redirect_uri does not match the authorization.")
        verifier = form.get("code_verifier", "")
        if not 43 <= len(verifier) <= 128 or s256(verifier) != code.challenge:
            raise OAuthRefusal("invalid_grant", "PKCE verification failed.")
        return self._issue(code.grant)

    def _refresh_grant(self, client: Client, form: dict[str, str]) -> Issued:
        with self._lock:
            held = self._refresh.get(form.get("refresh_token", ""))
            if (
                held is None
                or not held.alive
                or held.grant.revoked
                or held.grant.client_id != client.client_id
            ):
                raise OAuthRefusal("invalid_grant", "The refresh token is invalid or revoked.")
            if held.expires_at is not None and self.clock() >= held.expires_at:
                raise OAuthRefusal("invalid_grant", "The refresh token expired.")
            if self.rotate:
                held.alive = False
        return self._issue(held.grant, keep_refresh=None if self.rotate else form["refresh_token"])

    def _issue(self, grant: Grant, keep_refresh: str | None = None) -> Issued:
        now = self.clock()
        access = self.token_prefix + secrets.token_urlsafe(24)
        refresh = keep_refresh
        with self._lock:
            expires = None if self.access_ttl_s is None else now + self.access_ttl_s
            self._access[access] = (grant, expires)
            if self.issue_refresh and refresh is None:
                refresh = "r-" + secrets.token_urlsafe(24)
                ends = None if self.refresh_ttl_s is None else now + self.refresh_ttl_s
                self._refresh[refresh] = _Refresh(grant, ends)
        return Issued(access, refresh, self.access_ttl_s, grant)

    def issue(self, user: str, client_id: str, scopes: frozenset[str]) -> Issued:
        """Tokens for ``user`` as if they had signed in (connector tests start signed in)."""
        return self._issue(Grant(user, client_id, scopes))

    # -- the resource server's side ---------------------------------------------------------

    def check(self, header: str | None) -> Grant:
        """The grant behind an ``Authorization: Bearer`` header; OAuthRefusal 401 when
        missing, unknown, expired or revoked."""
        if not header or not header.startswith("Bearer "):
            raise OAuthRefusal("invalid_token", "No bearer token.", 401)
        with self._lock:
            found = self._access.get(header.removeprefix("Bearer "))
        if found is None or found[0].revoked:
            raise OAuthRefusal("invalid_token", "The access token is invalid.", 401)
        grant, expires = found
        if expires is not None and self.clock() >= expires:
            raise OAuthRefusal("token_expired", "The access token expired.", 401)
        return grant

    def revoke(self, user: str) -> None:
        """The person (or IT) revoked the app: every grant of ``user`` dies."""
        with self._lock:
            for grant, _ in self._access.values():
                if grant.user == user:
                    grant.revoked = True
            for held in self._refresh.values():
                if held.grant.user == user:
                    held.grant.revoked = True

    def revoke_token(self, token: str, client_id: str | None = None) -> None:
        """RFC 7009: the grant behind ``token`` dies (only ``client_id``'s, when given)."""
        with self._lock:
            found = self._access.get(token)
            held = self._refresh.get(token)
            grant = found[0] if found is not None else held.grant if held is not None else None
            if grant is not None and client_id in (None, grant.client_id):
                grant.revoked = True

    def expire_access_tokens(self) -> None:
        """Every access token issued so far expires now (the refresh path is tested)."""
        with self._lock:
            for token, (grant, _) in list(self._access.items()):
                self._access[token] = (grant, self.clock())

    def refresh_tokens(self) -> list[str]:
        with self._lock:
            return list(self._refresh)

    def access_tokens(self) -> list[str]:
        with self._lock:
            return list(self._access)


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _registered(redirect: str, registered: tuple[str, ...]) -> bool:
    """Exact match, or a loopback redirect matching whatever its port (RFC 8252 7.3)."""
    if redirect in registered:
        return True
    asked = urlsplit(redirect)
    for uri in registered:
        known = urlsplit(uri)
        if known.hostname in ("127.0.0.1", "localhost", "::1") and (
            asked.scheme,
            asked.hostname,
            asked.path,
        ) == (known.scheme, known.hostname, known.path):
            return True
    return False
