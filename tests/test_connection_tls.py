"""Enterprise TLS and proxies, for real on loopback: a private CA, an HTTPS server with a
certificate it signed for 127.0.0.1, and a forward proxy that records what passes.

A server signed by an unknown CA is refused (TlsError with the check's own words) until
its CA is an extra CA file; an extra CA file that is missing or not PEM is a clear error.
Proxies: a proxy URL carries every request (CONNECT for https, an absolute URI for http);
"system" follows HTTPS_PROXY/HTTP_PROXY and honours NO_PROXY; "none" ignores them. httpx
does not exempt 127.0.0.1 by itself: under "system" loopback goes through the proxy too,
unless NO_PROXY names it.
"""

from __future__ import annotations

import json
import selectors
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fixtures.pki import Pki, write_ca

from app.errors import TlsError, UserError
from app.networks.connection import ConnectionSettings, make_client
from app.networks.http import HttpTransport

PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")


# --- servers on loopback ----------------------------------------------------------------


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that refuses our certificate is the point of some tests


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return write_ca(tmp_path_factory.mktemp("pki"))


def _serve(server: socketserver.BaseServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def https_url(pki: Pki) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 whose certificate the private CA signed."""
    server = _QuietServer(("127.0.0.1", 0), _Hello)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.cert_file, pki.key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    for _ in _serve(server):
        yield f"https://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def http_url() -> Iterator[str]:
    server = _QuietServer(("127.0.0.1", 0), _Hello)
    for _ in _serve(server):
        yield f"http://127.0.0.1:{server.server_address[1]}"


@dataclass(frozen=True)
class Servers:
    https: str
    http: str
    ca_file: str


@pytest.fixture
def servers(https_url: str, http_url: str, pki: Pki) -> Servers:
    return Servers(https_url, http_url, str(pki.ca_file))


class _ProxyHandler(socketserver.StreamRequestHandler):
    """CONNECT host:port opens a tunnel; ``GET http://host:port/path`` is forwarded."""

    server: _ForwardProxy

    def handle(self) -> None:
        request_line = self.rfile.readline().decode("latin-1").strip()
        headers = []
        while (line := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
            headers.append(line)
        method, target, _version = request_line.split(" ")
        self.server.seen.append((method, target))
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            with socket.create_connection((host, int(port))) as upstream:
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _relay(self.connection, upstream)
            return
        host_port, _, path = target.removeprefix("http://").partition("/")
        host, port = host_port.rsplit(":", 1)
        kept = [h for h in headers if not h.lower().startswith((b"connection", b"proxy-"))]
        with socket.create_connection((host, int(port))) as upstream:
            upstream.sendall(
                f"{method} /{path} HTTP/1.1\r\n".encode()
                + b"".join(kept)
                + b"Connection: close\r\n\r\n"
            )
            while chunk := upstream.recv(65536):
                self.wfile.write(chunk)


def _relay(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    with selectors.DefaultSelector() as selector:
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        while True:
            for key, _ in selector.select():
                data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                if not data:
                    return
                key.data.sendall(data)


class _ForwardProxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen: list[tuple[str, str]] = []

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a tunnel cut by the client's close


@pytest.fixture
def proxy() -> Iterator[_ForwardProxy]:
    server = _ForwardProxy()
    for _ in _serve(server):
        yield server


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sets the proxy variables it needs; none leak in from the machine."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def proxy_url(proxy: _ForwardProxy) -> str:
    return f"http://127.0.0.1:{proxy.server_address[1]}"


async def fetch(url: str, settings: ConnectionSettings) -> object:
    async with make_client(settings) as client:
        return await HttpTransport(client, "The test server").call(
            "GET", f"{url}/hello", what="GET /hello"
        )


# --- TLS --------------------------------------------------------------------------------


async def test_a_private_ca_is_refused_with_the_checks_own_words(https_url: str) -> None:
    with pytest.raises(TlsError) as refused:
        await fetch(https_url, ConnectionSettings(proxy="none"))
    message = str(refused.value)
    assert message.startswith(f"The test server at {https_url} presented a TLS certificate")
    assert "unable to get local issuer certificate" in message
    assert "extra CA certificates; nothing was sent." in message


async def test_the_private_ca_as_an_extra_ca_file_is_trusted(https_url: str, pki: Pki) -> None:
    settings = ConnectionSettings(proxy="none", extra_ca_files=(str(pki.ca_file),))
    assert await fetch(https_url, settings) == {"path": "/hello"}


def test_a_missing_ca_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "corp-root.pem"
    with pytest.raises(UserError) as error:
        make_client(ConnectionSettings(extra_ca_files=(str(missing),)))
    assert str(error.value) == (
        f"The CA certificate file {str(missing)!r} does not exist. Fix the path in "
        "Settings (or ask IT to fix the policy), or remove it."
    )


@pytest.mark.parametrize("content", [b"", b"not a certificate\n", b"-----BEGIN CERTIFICATE-----\n"])
def test_a_ca_file_that_is_not_pem_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "corp-root.crt"
    bad.write_bytes(content)
    with pytest.raises(UserError) as error:
        make_client(ConnectionSettings(extra_ca_files=(str(bad),)))
    assert str(error.value).startswith(
        f"The CA certificate file {str(bad)!r} could not be read as PEM certificates ("
    )


def test_a_private_key_is_not_a_ca_bundle(pki: Pki) -> None:
    with pytest.raises(UserError, match="could not be read as PEM certificates"):
        make_client(ConnectionSettings(extra_ca_files=(str(pki.key_file),)))


def test_a_relative_ca_path_is_refused() -> None:
    with pytest.raises(UserError, match="is not an absolute path"):
        make_client(ConnectionSettings(extra_ca_files=("corp-root.pem",)))


# --- proxies ----------------------------------------------------------------------------


async def test_a_proxy_url_carries_https_and_http(
    https_url: str, http_url: str, pki: Pki, proxy: _ForwardProxy
) -> None:
    settings = ConnectionSettings(proxy=proxy_url(proxy), extra_ca_files=(str(pki.ca_file),))
    assert await fetch(https_url, settings) == {"path": "/hello"}
    assert await fetch(http_url, settings) == {"path": "/hello"}
    assert proxy.seen == [
        ("CONNECT", https_url.removeprefix("https://")),
        ("GET", f"{http_url}/hello"),
    ]


async def test_a_proxy_url_ignores_the_environment(
    http_url: str, proxy: _ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    await fetch(http_url, ConnectionSettings(proxy=proxy_url(proxy)))
    assert proxy.seen == [("GET", f"{http_url}/hello")]


@pytest.fixture
def proxy_variables(proxy: _ForwardProxy, monkeypatch: pytest.MonkeyPatch) -> _ForwardProxy:
    """HTTPS_PROXY and HTTP_PROXY point at the recording proxy."""
    monkeypatch.setenv("HTTPS_PROXY", proxy_url(proxy))
    monkeypatch.setenv("HTTP_PROXY", proxy_url(proxy))
    return proxy


async def both(servers: Servers, proxy_setting: str) -> None:
    settings = ConnectionSettings(proxy=proxy_setting, extra_ca_files=(servers.ca_file,))
    assert await fetch(servers.https, settings) == {"path": "/hello"}
    assert await fetch(servers.http, settings) == {"path": "/hello"}


async def test_system_follows_the_proxy_variables_even_for_loopback(
    servers: Servers, proxy_variables: _ForwardProxy
) -> None:
    await both(servers, "system")
    assert proxy_variables.seen == [
        ("CONNECT", servers.https.removeprefix("https://")),
        ("GET", f"{servers.http}/hello"),
    ]


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost,127.0.0.1", "*"])
async def test_system_honours_no_proxy(
    servers: Servers, proxy_variables: _ForwardProxy, monkeypatch, no_proxy: str
) -> None:
    monkeypatch.setenv("NO_PROXY", no_proxy)
    await both(servers, "system")
    assert proxy_variables.seen == []


async def test_none_ignores_the_proxy_variables(
    servers: Servers, proxy_variables: _ForwardProxy
) -> None:
    await both(servers, "none")
    assert proxy_variables.seen == []


@pytest.mark.parametrize(
    ("proxy_setting", "words"),
    [
        ("proxy.example.com:3128", "is not a proxy URL"),
        ("ftp://proxy.example.com:21", "is not a proxy URL"),
        ("http://proxy.example.com:port", "is not a valid URL"),
        ("http://proxy.example.com:3128/wpad.dat", "has a path"),
    ],
)
def test_a_bad_proxy_setting_is_a_clear_error(proxy_setting: str, words: str) -> None:
    with pytest.raises(UserError) as error:
        make_client(ConnectionSettings(proxy=proxy_setting))
    assert str(error.value).startswith(f"The proxy setting {proxy_setting!r} {words}")
