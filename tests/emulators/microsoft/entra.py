"""An emulated Microsoft Entra ID (the v2.0 endpoints MSAL talks to), over HTTPS on
127.0.0.1 with a private CA, issuing its access tokens into the shared ``TokenBook``.

Endpoints, each following Microsoft's page (learn.microsoft.com/entra/identity-platform/):

=======================================  ==================================================
GET  /{tenant}/v2.0/.well-known/          v2-protocols-oidc, "Find your app's OpenID
     openid-configuration                 configuration document URI" (issuer, endpoints);
                                          an unknown tenant gets 400 AADSTS90002
GET  /{tenant}/oauth2/v2.0/authorize      v2-oauth2-auth-code-flow, "Request an
                                          authorization code": client_id, redirect_uri,
                                          response_type=code, scope, state, code_challenge
                                          (S256), response_mode=form_post answered with
                                          the auto-submitting form Entra returns
POST /{tenant}/oauth2/v2.0/token          v2-oauth2-auth-code-flow "Redeem a code for an
                                          access token" (code_verifier checked), "Refresh
                                          the access token" (refresh_token); and
POST /{tenant}/oauth2/v2.0/devicecode     v2-oauth2-device-code, "Device authorization
                                          request" and "Authenticating the user"
                                          (authorization_pending until approved,
                                          expired_token, then tokens)
=======================================  ==================================================

Errors have Entra's shape (v2-oauth2-auth-code-flow "Error response example";
reference-error-codes): ``error``, ``error_description`` starting ``AADSTS<code>:``,
``error_codes``, ``timestamp``, ``trace_id``, ``correlation_id``, ``error_uri``.

What it enforces, as Entra does (or, where the pages are silent, the safer reading):

- one resource per token request (AADSTS28000); several may be consented at /authorize
  (the ``extra_scopes_to_consent`` MSAL sends), which is how one sign-in covers two APIs;
- consent per user and scope: a refresh for a scope nobody consented to is refused with
  AADSTS65001 (``admin_consent`` plays IT's tenant-wide consent);
- PKCE: /authorize without an S256 ``code_challenge`` is refused. Entra requires PKCE
  only for single-page apps and recommends it for native ones; the safer reading (what a
  public client must do) is enforced;
- the loopback redirect: ``http://localhost`` with any port, as the "Mobile and desktop
  applications" platform allows (reply-url-localhost); any other redirect: AADSTS50011;
- the device code flow only when the registration allows public client flows, else
  AADSTS7000218; the codes expire; polling early is ``authorization_pending``;
- access tokens carry the audience of the resource asked for and expire
  (``access_token_ttl``); refresh tokens rotate, and the old one keeps working until it
  expires, as Entra's do; ``expire_refresh_tokens`` plays AADSTS700082.

Tests steer the person at the browser with ``refuse_next_authorize`` (MFA, Conditional
Access, declined consent...) and the device code with ``approve_device``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from emulators.microsoft.tokens import Audience, TokenBook

TENANT_ID = "7a1c2c3e-0000-4000-8000-00000000c0de"
TENANT_DOMAIN = "contoso.example"
CLIENT_ID = "5e3f0a1b-2c4d-4e6f-8a9b-0c1d2e3f4a5b"
#: Scope prefixes by resource (what the resource's scopes begin with).
_RESOURCES = {
    "https://www.yammer.com/": Audience.YAMMER,
    "https://api.yammer.com/": Audience.YAMMER,
    "https://graph.microsoft.com/": Audience.GRAPH,
}
_RESERVED = {"openid", "profile", "offline_access", "email"}


@dataclass(frozen=True)
class User:
    oid: str
    upn: str
    name: str


DANA = User("0b5c7e1a-1111-4222-8333-444455556666", "dana@contoso.example", "Dana Whitfield")


@dataclass
class _Grant:
    user: User
    client_id: str
    scopes: frozenset[str]  # what the authorize request asked for (all resources)
    redirect_uri: str
    challenge: str
    nonce: str
    expires_at: float


@dataclass
class _Device:
    user_code: str
    scopes: frozenset[str]
    expires_at: float
    approved_by: User | None = None


@dataclass
class _Refresh:
    user: User
    client_id: str
    expires_at: float


@dataclass
class Entra:
    """The authority's state; ``serve`` runs it. Thread-safe through one lock."""

    book: TokenBook
    user: User = DANA
    clients: set[str] = field(default_factory=lambda: {CLIENT_ID})
    public_client_flows: bool = True
    access_token_ttl: float = 3600.0
    refresh_token_ttl: float = 90 * 24 * 3600.0
    device_code_ttl: float = 900.0
    #: Entra says 5 s; the suite's test polls every second so a sign-in takes 1-2 s.
    device_interval: int = 1
    #: Scopes every user of the tenant may use without asking (IT's admin consent).
    admin_consent: set[str] = field(default_factory=set)
    #: scope -> AADSTS code refused for it at the token endpoint (500011: no Yammer).
    refused_scopes: dict[str, int] = field(default_factory=dict)
    base_url: str = ""
    _consents: dict[str, set[str]] = field(default_factory=dict)  # oid -> scopes
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _devices: dict[str, _Device] = field(default_factory=dict)
    _refresh: dict[str, _Refresh] = field(default_factory=dict)
    _next_authorize_error: tuple[int, str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: What each endpoint received, for tests: (path, form or query).
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    # --- what tests do ---------------------------------------------------------------
    def refuse_next_authorize(self, code: int, error: str = "interaction_required") -> None:
        """The person's next browser visit ends in Entra's refusal ``AADSTS<code>``."""
        self._next_authorize_error = (code, error)

    def approve_device(self, user_code: str, user: User | None = None) -> None:
        """The person entered ``user_code`` at the verification page and signed in."""
        with self._lock:
            for device in self._devices.values():
                if device.user_code == user_code:
                    device.approved_by = user or self.user
                    self._consent(device.approved_by, device.scopes)
                    return
        raise KeyError(user_code)

    def expire_refresh_tokens(self) -> None:
        with self._lock:
            for grant in self._refresh.values():
                grant.expires_at = 0.0

    def refresh_tokens(self) -> set[str]:
        with self._lock:
            return set(self._refresh)

    def pending_user_codes(self) -> list[str]:
        with self._lock:
            return [d.user_code for d in self._devices.values() if d.approved_by is None]

    # --- endpoints -------------------------------------------------------------------
    def openid_configuration(self, tenant: str) -> tuple[int, dict[str, Any]]:
        if not self._known_tenant(tenant):
            return _error(400, "invalid_tenant", 90002, f"Tenant '{tenant}' not found.")
        root = f"{self.base_url}/{tenant}"
        return 200, {
            "issuer": f"{self.base_url}/{TENANT_ID}/v2.0",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "response_types_supported": ["code", "id_token", "code id_token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "code_challenge_methods_supported": ["plain", "S256"],
            "tenant_region_scope": "EU",
        }

    def authorize(self, tenant: str, query: dict[str, str]) -> tuple[int, str]:
        """The person signs in and consents; the answer is Entra's form_post page."""
        redirect = query.get("redirect_uri", "")
        parts = urlsplit(redirect)
        if query.get("client_id") not in self.clients:
            return 400, _page(700016, "Application not found in the directory.")
        if parts.scheme != "http" or parts.hostname != "localhost" or parts.path not in ("", "/"):
            return 400, _page(50011, "The redirect URI does not match the registration.")
        answer: dict[str, str] = {"state": query.get("state", "")}
        scopes = frozenset(query.get("scope", "").split()) - _RESERVED
        with self._lock:
            refusal, self._next_authorize_error = self._next_authorize_error, None
        if query.get("response_type") != "code":
            refusal = (9002325, "unsupported_response_type")
        elif query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            refusal = (9002325, "invalid_request")  # "PKCE is required" (safer reading)
        if refusal is not None:
            code, error = refusal
            answer |= {"error": error, "error_description": _description(code, error)}
        else:
            code_value = secrets.token_urlsafe(32)
            with self._lock:
                self._consent(self.user, scopes)
                self._codes[code_value] = _Grant(
                    self.user,
                    query["client_id"],
                    scopes,
                    redirect,
                    query["code_challenge"],
                    query.get("nonce", ""),
                    time.time() + 600,
                )
            answer["code"] = code_value
            answer["session_state"] = str(uuid.uuid4())
        if query.get("response_mode") != "form_post":
            return 400, _page(900144, "This emulator answers with response_mode=form_post.")
        inputs = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}"/>'
            for k, v in answer.items()
        )
        return 200, (
            '<html><head><title>Working...</title></head><body><form method="POST" '
            f'name="hiddenform" action="{html.escape(redirect)}">{inputs}'
            "<noscript><p>Script is disabled. Click Submit to continue.</p>"
            '<input type="submit" value="Submit"/></noscript></form>'
            "<script>document.forms[0].submit()</script></body></html>"
        )

    def devicecode(self, tenant: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") not in self.clients:
            return _error(400, "unauthorized_client", 700016, "Application not found.")
        device_code = secrets.token_urlsafe(32)
        user_code = secrets.token_hex(4).upper()
        with self._lock:
            self._devices[device_code] = _Device(
                user_code,
                frozenset(form.get("scope", "").split()) - _RESERVED,
                time.time() + self.device_code_ttl,
            )
        return 200, {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": int(self.device_code_ttl),
            "interval": self.device_interval,
            "message": f"To sign in, use a web browser to open the page "
            f"https://microsoft.com/devicelogin and enter the code {user_code} to "
            "authenticate.",
        }

    def token(self, tenant: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") not in self.clients:
            return _error(400, "unauthorized_client", 700016, "Application not found.")
        grant_type = form.get("grant_type", "")
        scopes = frozenset(form.get("scope", "").split()) - _RESERVED
        audiences = {_audience(s) for s in scopes}
        if len(audiences) > 1:
            return _error(
                400,
                "invalid_scope",
                28000,
                "Provided value for the input parameter scope is not valid because it "
                "contains more than one resource.",
            )
        with self._lock:
            if grant_type == "authorization_code":
                found = self._redeem_code(form)
            elif grant_type == "refresh_token":
                found = self._redeem_refresh(form)
            elif grant_type == "urn:ietf:params:oauth:grant-type:device_code":
                found = self._redeem_device(form)
            else:
                return _error(400, "unsupported_grant_type", 70003, "Unsupported grant type.")
            if isinstance(found, tuple):
                return found
            user, nonce = (found.user, found.nonce) if isinstance(found, _Grant) else (found, "")
            for scope in scopes:
                if scope in self.refused_scopes:
                    code = self.refused_scopes[scope]
                    return _error(400, "invalid_resource", code, f"Resource for {scope} not found.")
            if not scopes <= self._consents.get(user.oid, set()) | self.admin_consent:
                return _error(
                    400,
                    "invalid_grant",
                    65001,
                    "The user or administrator has not consented to use the application.",
                    suberror="consent_required",
                )
            return 200, self._tokens(user, form["client_id"], scopes, nonce)

    # --- helpers (under the lock) ------------------------------------------------------
    def _redeem_code(self, form: dict[str, str]) -> _Grant | tuple[int, dict[str, Any]]:
        grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or grant.expires_at < time.time():
            return _error(
                400,
                "invalid_grant",
                70008,
                "The provided authorization code is expired or was already redeemed.",
            )
        if form.get("redirect_uri") != grant.redirect_uri:
            return _error(400, "invalid_grant", 50011, "The redirect URI does not match.")
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if digest.rstrip(b"=").decode() != grant.challenge:
            return _error(
                400,
                "invalid_grant",
                501481,
                "The Code_Verifier does not match the code_challenge supplied in the "
                "authorization request.",
            )
        return grant

    def _redeem_refresh(self, form: dict[str, str]) -> User | tuple[int, dict[str, Any]]:
        grant = self._refresh.get(form.get("refresh_token", ""))
        if grant is None:
            return _error(
                400,
                "invalid_grant",
                70000,
                "The provided value for the input parameter 'refresh_token' is not valid.",
                suberror="bad_token",
            )
        if grant.expires_at <= time.time():
            return _error(
                400,
                "invalid_grant",
                700082,
                "The refresh token has expired due to inactivity.",
                suberror="bad_token",
            )
        return grant.user

    def _redeem_device(self, form: dict[str, str]) -> User | tuple[int, dict[str, Any]]:
        if not self.public_client_flows:
            return _error(
                401,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: "
                "'client_assertion' or 'client_secret'.",
            )
        device = self._devices.get(form.get("device_code", ""))
        if device is None or device.expires_at < time.time():
            return _error(
                400,
                "expired_token",
                # RFC 8628 and v2-oauth2-device-code name the error expired_token; the
                # AADSTS number is not on that page: 70019 ("verification code expired")
                # is the reference's closest, and Fireside reads the error word first.
                70019,
                "Verification code expired.",
            )
        if device.approved_by is None:
            return _error(
                400,
                "authorization_pending",
                70016,
                "The provided request has not yet been authorized by the user. The user must "
                "input their code.",
            )
        self._devices.pop(form["device_code"])
        return device.approved_by

    def _consent(self, user: User, scopes: frozenset[str]) -> None:
        self._consents.setdefault(user.oid, set()).update(scopes)

    def _known_tenant(self, tenant: str) -> bool:
        return tenant in (TENANT_ID, TENANT_DOMAIN, "organizations", "common")

    def _tokens(
        self, user: User, client_id: str, scopes: frozenset[str], nonce: str
    ) -> dict[str, Any]:
        audience = _audience(next(iter(scopes))) if scopes else Audience.GRAPH
        short = frozenset(s.rsplit("/", 1)[-1] if "://" in s else s for s in scopes)
        access = self.book.issue(audience, short, user.oid, self.access_token_ttl)
        refresh = secrets.token_urlsafe(48)
        self._refresh[refresh] = _Refresh(user, client_id, time.time() + self.refresh_token_ttl)
        now = int(time.time())
        claims = {
            "iss": f"{self.base_url}/{TENANT_ID}/v2.0",
            "aud": client_id,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "oid": user.oid,
            "sub": user.oid,
            "tid": TENANT_ID,
            "name": user.name,
            "preferred_username": user.upn,
            "ver": "2.0",
        } | ({"nonce": nonce} if nonce else {})
        client_info = {"uid": user.oid, "utid": TENANT_ID}
        return {
            "token_type": "Bearer",
            "scope": " ".join(sorted(scopes)),
            "expires_in": int(self.access_token_ttl),
            "ext_expires_in": int(self.access_token_ttl),
            "access_token": access.value,
            "refresh_token": refresh,
            "id_token": _jwt(claims),
            "client_info": _b64(json.dumps(client_info)),
        }


def _audience(scope: str) -> Audience:
    for prefix, audience in _RESOURCES.items():
        if scope.startswith(prefix):
            return audience
    return Audience.GRAPH  # a scope without a resource is Microsoft Graph's


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def _jwt(claims: dict[str, Any]) -> str:
    """An unsigned JWT (alg none): MSAL reads the claims and trusts TLS for the rest."""
    return f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}))}.{_b64(json.dumps(claims))}."


def _description(code: int, text: str) -> str:
    return (
        f"AADSTS{code}: {text} Trace ID: {uuid.uuid4()} Correlation ID: {uuid.uuid4()} "
        f"Timestamp: {time.strftime('%Y-%m-%d %H:%M:%SZ', time.gmtime())}"
    )


def _error(
    status: int, error: str, code: int, text: str, suberror: str = ""
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {
        "error": error,
        "error_description": _description(code, text),
        "error_codes": [code],
        "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
        "trace_id": str(uuid.uuid4()),
        "correlation_id": str(uuid.uuid4()),
        "error_uri": f"https://login.microsoftonline.com/error?code={code}",
    }
    if suberror:
        body["suberror"] = suberror
    return status, body


def _page(code: int, text: str) -> str:
    shown = html.escape(_description(code, text))
    return (
        "<html><body><h1>Sorry, but we're having trouble signing you in.</h1>"
        f"<p>{shown}</p></body></html>"
    )


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        entra = self.server.entra
        parts = urlsplit(self.path)
        path = parts.path.strip("/").split("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        entra.requests.append((parts.path, query))
        if path[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            self._json(*entra.openid_configuration(path[0]))
        elif path[1:] == ["oauth2", "v2.0", "authorize"]:
            status, body = entra.authorize(path[0], query)
            self._send(status, body.encode(), "text/html; charset=utf-8")
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        entra = self.server.entra
        path = urlsplit(self.path).path.strip("/").split("/")
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        entra.requests.append(("/".join(path), form))
        if path[1:] == ["oauth2", "v2.0", "token"]:
            self._json(*entra.token(path[0], form))
        elif path[1:] == ["oauth2", "v2.0", "devicecode"]:
            self._json(*entra.devicecode(path[0], form))
        else:
            self._json(404, {"error": "not_found"})

    def _json(self, status: int, body: dict[str, Any]) -> None:
        self._send(status, json.dumps(body).encode(), "application/json; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    entra: Entra


def serve(entra: Entra, cert_file: Path, key_file: Path) -> Iterator[Entra]:
    """Run ``entra`` on 127.0.0.1 over HTTPS until the generator is closed."""
    server = _Server(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.entra = entra
    entra.base_url = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield entra
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
