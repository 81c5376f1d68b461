"""An HTTPS server on 127.0.0.1 for the Microsoft API emulators, with a private CA.

The certificate is made by ``tests/test_connection_tls.write_ca`` (a CA and a server
certificate for 127.0.0.1); connectors reach the server through the production client
(``app.networks.connection.make_client``) with that CA as an extra CA file, as an
organisation's own CA would be configured.

An emulator is any object with ``handle(request) -> Response``. The server parses each
request into a ``Request``, asks the emulator, and writes the ``Response``, then logs
``Seen`` (method, path, query, status, and the emulator's time when it arrived) for tests
that measure rates.

Faults for exactly-once tests: ``CUT`` closes the connection before the emulator sees
the request (a reset before the commit); the others act after it applied the request:
``DROP`` closes the connection without answering (a reset after the commit), ``HOLD``
sets ``held`` and answers only once ``release`` is set (a process can be killed while
its answer is held), ``GARBLE`` answers with every object and list at the top of the
answer turned into a string (the write landed; its account cannot be read), and
``LISTED`` answers with a JSON list where the object belongs (a proxy or a broken server),
``BARE`` with the status alone (no body, none of the emulator's headers).
"""

from __future__ import annotations

import enum
import json
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

import httpx
from test_connection_tls import Pki, write_ca

from app.networks.connection import ConnectionSettings, make_client


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or as a form (Yammer takes both); None when empty or neither."""
        if not self.body:
            return None
        if "application/x-www-form-urlencoded" in self.headers.get("content-type", ""):
            return dict(parse_qsl(self.body.decode("utf-8", "replace")))
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)


class Emulator(Protocol):
    def handle(self, request: Request) -> Response: ...


class Action(enum.Enum):
    CUT = "cut"  # close the connection before the emulator sees the request
    DROP = "drop"  # apply it, then close the connection without answering
    HOLD = "hold"  # apply it, then answer only once released
    GARBLE = "garble"  # apply it, then answer with each object or list in the answer a string
    LISTED = "listed"  # apply it, then answer with a list where the object belongs
    BARE = "bare"  # apply it, then answer with its status alone


@dataclass
class Fault:
    """What to do with the answer to the next ``count`` requests that match."""

    action: Action
    method: str
    path_prefix: str
    count: int = 1
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def matches(self, request: Request) -> bool:
        return (
            self.count > 0
            and request.method == self.method
            and request.path.startswith(self.path_prefix)
        )


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, str]
    status: int | None  # None: the connection was dropped
    at: float


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes: without this, delayed ACKs cost 40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self) -> None:
        owner = self.server.owner
        received = owner.now()
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            self.command,
            parts.path,
            dict(parse_qsl(parts.query, keep_blank_values=True)),
            {k.lower(): v for k, v in self.headers.items()},
            self.rfile.read(length) if length else b"",
        )
        fault = owner.fault_for(request)
        if fault is not None and fault.action is Action.CUT:
            owner.seen(request, None, received)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        response = owner.emulator.handle(request)
        if fault is not None and fault.action is Action.DROP:
            owner.seen(request, None, received)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None and fault.action is Action.GARBLE:
            response = _garbled(response)
        if fault is not None and fault.action is Action.LISTED:
            response = Response(response.status, [response.body], response.headers)
        if fault is not None and fault.action is Action.BARE:
            response = Response(response.status)
        if fault is not None and fault.action is Action.HOLD:
            fault.held.set()
            fault.release.wait(120)
        owner.seen(request, response.status, received)
        self._answer(response)

    def _answer(self, response: Response) -> None:
        if isinstance(response.body, bytes):
            body = response.body
        elif response.body is None:
            body = b""
        else:
            body = json.dumps(response.body).encode()
        self.send_response(response.status)
        if response.body is not None and not isinstance(response.body, bytes):
            self.send_header("Content-Type", "application/json")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: ApiServer


class ApiServer:
    """One emulator served over HTTPS on 127.0.0.1 until ``stop``."""

    def __init__(self, emulator: Emulator, pki: Pki, clock: Callable[[], float]) -> None:
        self.emulator = emulator
        self.pki = pki
        self._clock = clock
        self._lock = threading.Lock()
        self.log: list[Seen] = []
        self.faults: list[Fault] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pki.cert_file, pki.key_file)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def client(self) -> httpx.AsyncClient:
        """The production client, trusting this server's private CA."""
        settings = ConnectionSettings(proxy="none", extra_ca_files=(str(self.pki.ca_file),))
        return make_client(settings)

    def fault(self, action: Action, method: str, path_prefix: str, count: int = 1) -> Fault:
        made = Fault(action, method, path_prefix, count)
        with self._lock:
            self.faults.append(made)
        return made

    def fault_for(self, request: Request) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(request):
                    fault.count -= 1
                    return fault
        return None

    def now(self) -> float:
        return self._clock()

    def seen(self, request: Request, status: int | None, received: float) -> None:
        with self._lock:
            self.log.append(Seen(request.method, request.path, request.query, status, received))

    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self.log)

    def stop(self) -> None:
        with self._lock:
            for fault in self.faults:
                fault.release.set()
        self._server.shutdown()
        self._server.server_close()


def _garbled(response: Response) -> Response:
    """The answer with its top level intact and what it holds unreadable (a server
    that stored the write but mangled the account of it)."""
    if not isinstance(response.body, dict):
        return response
    body = {k: "garbled" if isinstance(v, dict | list) else v for k, v in response.body.items()}
    return Response(response.status, body, response.headers)


def make_pki(folder: Path) -> Pki:
    """A private CA and a certificate for 127.0.0.1 (the TLS test's own)."""
    return write_ca(folder, name="Fireside Test Microsoft CA")


def max_in_window(times: list[float], window_s: float) -> int:
    """The most requests any ``window_s`` seconds held (a rate achieved)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window_s:
            start += 1
        best = max(best, end - start + 1)
    return best
