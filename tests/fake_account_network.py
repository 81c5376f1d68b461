"""A network kind of the tests' own ("fake", shown as "FakeNet"), with a real HTTP server
on loopback, for the account tests of the core and of the Accounts dialog.

``registered(monkeypatch)`` starts the server and registers the kind in
``app.networks.registry`` for one test (the only kind offered then; the built-in sandbox
stays registered). The server knows
these users (user name, password):

    jane / PASSWORD      signs in; the answer carries TOKEN, the secret for the keyring
    reader / PASSWORD    the password is right, but the account lacks a permission (403)
    busy / PASSWORD      rate limited (429)
    crash / PASSWORD     a server error (500)
    anyone else          wrong password (401); the answer echoes the password typed, as a
                         careless server might, so tests can see it is never shown

``POST /fake/logout`` with a bearer token revokes it (the kind's ``sign_out``); ``tokens``
are the ones the server still accepts.

Its API lives under ``/fake``; at any other path (``server.url + "/elsewhere"``) the
address answers, but not as FakeNet (404, read as WrongService). ``https_url`` is the same
server behind TLS with a self-signed certificate, which the OS trust store refuses; a
closed port (``closed_url``) is unreachable. ``hold()`` keeps every answer back until it is
released, so a test can look at work in progress.

``install_policy(monkeypatch, Key=value, ...)`` makes the next ``open_core`` load that
managed policy (each value from ``POLICY_FILE``). The kind's connector is a ``FakeNetwork``
(``tests/fixtures/fake_networks.py``) that pulls one post with two comments by two people,
so an added account has local data to remove, and that shows its token to the server
before every call (``GET /fake/<method>``), so what the server refuses reaches the sync.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import ipaddress
import json
import socket
import ssl
import sys
import tempfile
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fixtures.fake_networks import FakeNetwork

from app import policy as managed_policy
from app.domain import Account, Capabilities, Person, RemoteComment, RemotePost
from app.errors import BadResponse, NotFound, WrongService
from app.networks import registry
from app.networks.http import HttpTransport
from app.networks.registry import ExtraField, NetworkKind, SignIn
from app.policy import Policy, PolicyValue

POLICY_FILE = "/etc/fireside/policy.json"
PASSWORD = "fake-PASSWORD-typed-7d1c"
TOKEN = "fake-TOKEN-from-signin-4b9e"
SECOND_TOKEN = "fake-TOKEN-second-signin-81aa"
ME = {"service": "fakenet", "name": "Jane Doe", "username": "jane"}
STAMP = "2026-01-05T10:00:00Z"
ADA, ALAN = Person("a1", "Ada Lovelace"), Person("a2", "Alan Turing")
CAPABILITIES = Capabilities(
    network="fake",
    display_name="FakeNet",
    text_formats=("text",),
    post_max_chars=10_000,
    reply_max_chars=1_000,
    thread_depth=None,
    idempotency="none",
    requests_per_minute=600,
)


class FakeServer:
    """The FakeNet server; ``tokens`` are the bearer tokens it accepts (the last sign-in's)."""

    def __init__(self) -> None:
        self.tokens = {TOKEN}
        self.next_token = TOKEN
        self.requests: list[str] = []
        #: While set, every request waits for it to be set (to look at a test in progress).
        self.held: threading.Event | None = None
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._https = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        context, self.certificate_pem = _self_signed()
        self._https.socket = context.wrap_socket(self._https.socket, server_side=True)
        self._threads = [
            threading.Thread(target=s.serve_forever, args=(0.05,), daemon=True)
            for s in self.servers
        ]

    @property
    def servers(self) -> tuple[ThreadingHTTPServer, ThreadingHTTPServer]:
        return self._http, self._https

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    @property
    def https_url(self) -> str:
        return f"https://127.0.0.1:{self._https.server_address[1]}"

    def hold(self) -> threading.Event:
        """Hold every answer until the returned event is set."""
        self.held = threading.Event()
        return self.held

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        if self.held is not None:
            self.held.set()
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(5)


def _handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    """The request handler class for ``server``'s listeners."""
    return type("Handler", (_FakeHandler,), {"fake": server})


class _FakeHandler(BaseHTTPRequestHandler):
    fake: FakeServer  # set per server by _handler

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._arrived(self.path)
        if not self.path.startswith("/fake/"):
            return self._send(404, {"error": "no such page"})
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            if auth.removeprefix("Bearer ") not in self.fake.tokens:
                return self._send(401, {"error": "token revoked"})
            return self._send(200, ME)
        basic = base64.b64decode(auth.removeprefix("Basic ")).decode()
        user, _, password = basic.partition(":")
        status = _sign_in_status(user, password)
        if status != 200:
            return self._send(status, {"error": f"refused {user} with {password!r}"})
        self.fake.tokens.add(self.fake.next_token)
        return self._send(200, {**ME, "token": self.fake.next_token})

    def do_POST(self) -> None:
        """``POST /fake/logout`` revokes the bearer token it carries (401: not known)."""
        self._arrived(f"POST {self.path}")
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.path != "/fake/logout":
            return self._send(404, {"error": "no such page"})
        if token not in self.fake.tokens:
            return self._send(401, {"error": "token revoked"})
        self.fake.tokens.discard(token)
        return self._send(200, {})

    def _arrived(self, request: str) -> None:
        """Log the request; while the server is held, wait (10 s at most) before answering."""
        self.fake.requests.append(request)
        if self.fake.held is not None:
            self.fake.held.wait(10)

    def _send(self, status: int, body: object) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


def _sign_in_status(user: str, password: str) -> int:
    """jane with the password signs in (200); the other known users with it are refused
    as the module's docstring says; anyone else, or a wrong password, gets 401."""
    if user not in ("jane", "reader", "busy", "crash") or password != PASSWORD:
        return 401
    return {"reader": 403, "busy": 429, "crash": 500}.get(user, 200)


def _self_signed() -> tuple[ssl.SSLContext, bytes]:
    """A server context with a certificate for 127.0.0.1 that nobody signed but itself,
    and that certificate (PEM), which a client may choose to trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as folder:  # load_cert_chain reads only files
        cert_file, key_file = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context.load_cert_chain(cert_file, key_file)
    return context, cert.public_bytes(serialization.Encoding.PEM)


# --- the kind and its connector -------------------------------------------------------


async def sign_in(
    client: httpx.AsyncClient, base_url: str, username: str, password: str, extra: dict
) -> SignIn:
    transport = HttpTransport(
        client, f"FakeNet at {httpx.URL(base_url).host}", error_text=lambda body: body["error"]
    )
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    try:
        me = await transport.call(
            "GET",
            f"{base_url}/fake/me",
            what="GET /fake/me",
            headers={"Authorization": f"Basic {credentials}"},
        )
    except (NotFound, BadResponse) as exc:
        raise WrongService(f"{base_url} has no FakeNet API ({exc}).") from None
    return SignIn(
        secret=me["token"],
        username=me["username"],
        display_name=me["name"],
        settings={"user_id": "u-jane"},
    )


async def sign_out(client: httpx.AsyncClient, account: Account, secret: str) -> None:
    transport = HttpTransport(
        client, f"FakeNet at {httpx.URL(account.base_url).host}", error_text=lambda b: b["error"]
    )
    await transport.call(
        "POST",
        f"{account.base_url}/fake/logout",
        what="POST /fake/logout",
        headers={"Authorization": f"Bearer {secret}"},
    )


class TokenCheck:
    """Shows the saved token to the FakeNet server before each call of an account's
    FakeNetwork, as a real connector's requests would: a revoked token (401), a held
    server or a closed port reach the sync. Closing it closes the account's client."""

    def __init__(self, account: Account, secret: str, client: httpx.AsyncClient) -> None:
        self.client = client
        self._transport = HttpTransport(client, "FakeNet")
        self._base_url = account.base_url
        self._headers = {"Authorization": f"Bearer {secret}"}

    async def check(self, method: str) -> None:
        path = f"/fake/{method}"
        await self._transport.call(
            "GET", self._base_url + path, what=f"GET {path}", headers=self._headers
        )

    async def aclose(self) -> None:
        await self.client.aclose()


def connector(account: Account, secret: str, client: httpx.AsyncClient) -> FakeNetwork:
    """What the kind builds for a signed-in account: Jane's network, with one post and two
    comments by two people to pull, behind the server's token check."""
    return FakeNetwork(
        CAPABILITIES,
        me=Person(ME["username"], ME["name"]),
        posts=[RemotePost("p1", "Town hall", "Ask me anything", "", STAMP, STAMP)],
        feed=[
            RemoteComment("c1", "p1", None, None, ADA, "When is the next one?", STAMP, None, 1),
            RemoteComment("c2", "p1", None, None, ALAN, "Thanks for this.", STAMP, None, 1),
        ],
        server=TokenCheck(account, secret, client),
    )


KIND = NetworkKind(
    id="fake",
    display_name="FakeNet",
    url_label="Site address",
    url_placeholder="https://fake.example.com",
    username_label="User name",
    password_label="App password",
    help="Make an app password under Profile → Security on your FakeNet site.",
    sign_in=sign_in,
    build=connector,
    extra_fields=(ExtraField("room", "Room", "#general"),),
    sign_out=sign_out,
    revoke_by_hand="open Profile → Security on your FakeNet site and revoke the app password.",
)


@dataclass
class FakeNet:
    """The FakeNet kind registered for one test, and its server: the addresses to type in.
    (Not a network: an added account's connector is a ``FakeNetwork``.)"""

    server: FakeServer
    kind: NetworkKind

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def https_url(self) -> str:
        return self.server.https_url

    @property
    def closed_url(self) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNet]:
    module = types.ModuleType("fake_account_kind")
    module.KIND = KIND  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_account_kind", module)
    # The built-in sandbox stays registered; it is never offered to add.
    modules = {"sandbox": registry._MODULES["sandbox"], "fake": "fake_account_kind"}
    monkeypatch.setattr(registry, "_MODULES", modules)
    monkeypatch.setattr(registry, "NETWORK_IDS", tuple(modules))
    server = FakeServer()
    server.start()
    try:
        yield FakeNet(server, KIND)
    finally:
        server.stop()


def install_policy(monkeypatch: pytest.MonkeyPatch, **values: object) -> Policy:
    policy = Policy({k: PolicyValue(v, f"{POLICY_FILE}: {k}") for k, v in values.items()})
    monkeypatch.setattr(managed_policy, "load", lambda: policy)
    return policy
