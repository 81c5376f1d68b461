"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1, put in front of the sandbox server.

The sandbox server fakes its own faults from the inside (429, 5xx, drops, truncation,
hangs). This proxy breaks the wire instead, the way a hotel Wi-Fi or a dying VPN does:

=============  ===============================================================================
kind           what the proxy does with a matching request
=============  ===============================================================================
delay          waits ``seconds``, then passes it through (a latency spike)
reset_before   reads the request and resets the client's connection (TCP RST); the
               server never sees it
reset_after    forwards it, waits for the server's whole answer (the server has committed),
               then resets the client's connection without passing a byte on
stall          reads the request and holds the connection silently (never forwarded) until
               the client gives up, the proxy stops, or ``seconds`` pass
drip           forwards it, then passes the answer on one byte every ``seconds`` (1 s)
cut            forwards it, passes the headers and ``keep`` (a fraction) of the body on,
               then closes the connection: a body cut short mid-way
huge           forwards it, then answers with the server's body followed by ``size`` bytes of
               JSON whitespace (20 MB): still valid JSON, only too big. Sent chunked, or with
               an honest Content-Length when ``declare_length``
=============  ===============================================================================

Rules work like the sandbox server's: the first pending rule that matches the request's
method and path (exact ``path`` or ``path_prefix``) fires and uses up one of its ``count``;
``count=None`` fires until ``clear_faults()``. ``set_latency`` delays every request.

The proxy understands just enough HTTP/1.1 to apply a fault to one request of a keep-alive
connection (request and response framing by Content-Length). Each forwarded request gets a
fresh upstream connection marked ``Connection: close``, so the server's own faults, which
close its socket, never leak into the next request. One thread per client connection;
``stop()`` cuts every socket and joins every thread.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

FAULT_KINDS = ("delay", "reset_before", "reset_after", "stall", "drip", "cut", "huge")
_HEAD_END = b"\r\n\r\n"
_MAX_HEAD = 64 * 1024
_CHUNK = 64 * 1024
_UPSTREAM_TIMEOUT_S = 40.0  # above the sandbox's longest hang (30 s)
_STALL_MAX_S = 30.0


@dataclass
class ProxyFault:
    kind: str
    count: int | None = 1
    method: str | None = None
    path: str | None = None
    path_prefix: str | None = None
    seconds: float = 1.0
    keep: float = 0.5
    size: int = 20 * 1024 * 1024
    declare_length: bool = False

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown proxy fault {self.kind!r}; one of {FAULT_KINDS}")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1 (or None: until cleared)")
        if self.method:
            self.method = self.method.upper()

    def matches(self, method: str, path: str) -> bool:
        return (
            (self.method is None or self.method == method)
            and (self.path is None or self.path == path)
            and (self.path_prefix is None or path.startswith(self.path_prefix))
        )


@dataclass
class ProxiedRequest:
    """One request the proxy saw: what it did, and how much answer reached the client."""

    method: str
    path: str
    fault: str | None
    forwarded: bool = False
    status: int | None = None
    sent: int = 0
    at: float = 0.0


class _Request:
    def __init__(self, head: bytes, body: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        self.method, target, _ = lines[0].split(" ", 2)
        self.path = urlsplit(target).path
        self.lines = lines
        self.body = body

    def upstream_bytes(self) -> bytes:
        """The request as forwarded: the same, but the server closes after answering."""
        kept = [line for line in self.lines[1:] if line and not _named(line, "connection")]
        head = "\r\n".join([self.lines[0], *kept, "Connection: close"]) + "\r\n\r\n"
        return head.encode("latin-1") + self.body


class _Answer:
    """The server's response as read by the proxy; ``complete`` is False when cut short."""

    def __init__(self, head: bytes, body: bytes, complete: bool) -> None:
        self.head = head + _HEAD_END  # as received, blank line included
        self.body, self.complete = body, complete
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        self.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        self.header_lines = [line for line in lines[1:] if line]
        self.closes = any(
            _named(line, "connection") and "close" in line.lower() for line in self.header_lines
        )

    def head_with(self, *extra: str) -> bytes:
        """The status line and headers, without any framing header, plus ``extra``."""
        framing = ("content-length", "transfer-encoding", "connection")
        kept = [line for line in self.header_lines if not any(_named(line, f) for f in framing)]
        status_line = self.head.split(b"\r\n", 1)[0].decode("latin-1")
        return ("\r\n".join([status_line, *kept, *extra]) + "\r\n\r\n").encode("latin-1")


def _named(line: str, name: str) -> bool:
    return line.split(":", 1)[0].strip().lower() == name


def _header(lines: list[str], name: str) -> str | None:
    for line in lines:
        if _named(line, name):
            return line.split(":", 1)[1].strip()
    return None


class FaultProxy:
    """``FaultProxy(upstream_url)``; ``start()`` binds a free port on 127.0.0.1 (``url``)."""

    def __init__(self, upstream_url: str) -> None:
        split = urlsplit(upstream_url)
        self._upstream = (split.hostname or "127.0.0.1", split.port or 80)
        self._lock = threading.Lock()
        self._rules: list[ProxyFault] = []
        self._log: list[ProxiedRequest] = []
        self._latency_s = 0.0
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._sockets: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.05)  # the accept loop notices stop() within 50 ms
        self._listener, self.port = listener, listener.getsockname()[1]
        self._stopping.clear()
        self._acceptor = threading.Thread(target=self._accept, daemon=True, name="proxy-accept")
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """Stop accepting, cut every open connection, and wait for every thread."""
        self._stopping.set()
        if self._acceptor is not None:
            self._acceptor.join(5)
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            live, threads = list(self._sockets), list(self._threads)
        for sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(5)
        self._listener = self._acceptor = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- control -------------------------------------------------------------------------

    def add_fault(self, kind: str, count: int | None = 1, **options: object) -> None:
        """Make the next ``count`` matching requests (None: all, until cleared) fail."""
        rule = ProxyFault(kind, count, **options)  # type: ignore[arg-type]
        with self._lock:
            self._rules.append(rule)

    def clear_faults(self) -> None:
        """The faults end: no pending rule, no added latency (requests in flight go on)."""
        with self._lock:
            self._rules.clear()
            self._latency_s = 0.0

    def set_latency(self, seconds: float) -> None:
        with self._lock:
            self._latency_s = max(0.0, seconds)

    def requests(self) -> list[ProxiedRequest]:
        with self._lock:
            return [replace(entry) for entry in self._log]

    def _take(self, method: str, path: str) -> ProxyFault | None:
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    fired = replace(rule)
                    if rule.count is not None:
                        rule.count -= 1
                        if rule.count == 0:
                            self._rules.remove(rule)
                    return fired
        return None

    # -- connections ---------------------------------------------------------------------

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            thread = threading.Thread(
                target=self._serve, args=(client,), daemon=True, name="proxy-conn"
            )
            with self._lock:
                self._sockets.add(client)
                self._threads.add(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        buffer = bytearray()
        try:
            while not self._stopping.is_set():
                request = _read_request(client, buffer)
                if request is None:
                    return
                fault = self._take(request.method, request.path)
                entry = ProxiedRequest(
                    request.method, request.path, fault.kind if fault else None, at=time.time()
                )
                with self._lock:
                    self._log.append(entry)
                if not self._handle(client, request, fault, entry):
                    return
        except OSError:
            return  # the client went away, or stop() cut the socket
        finally:
            self._forget(client)
            with contextlib.suppress(OSError):
                client.close()
            with self._lock:
                self._threads.discard(threading.current_thread())

    def _handle(
        self, client: socket.socket, request: _Request, fault: ProxyFault | None, entry
    ) -> bool:
        """Answer one request; True when the client connection may carry another."""
        with self._lock:
            latency = self._latency_s
        kind = fault.kind if fault else None
        if kind == "delay":
            latency += fault.seconds
        if latency and self._stopping.wait(latency):
            return False
        if kind == "reset_before":
            _reset(client)
            return False
        if kind == "stall":
            self._hold(client, min(fault.seconds, _STALL_MAX_S))
            return False
        answer = self._forward(request)
        entry.forwarded = True
        if answer is None:
            return False  # the server could not be reached: close, as a dead route would
        entry.status = answer.status
        if kind == "reset_after":
            _reset(client)
            return False
        if kind == "drip":  # slow, but a correct answer: the connection may carry on
            return self._drip(client, answer.head + answer.body, fault.seconds, entry) and (
                answer.complete and not answer.closes
            )
        if kind == "cut":
            kept = answer.body[: int(len(answer.body) * fault.keep)]
            declared = f"Content-Length: {len(answer.body)}"
            self._send(client, answer.head_with(declared, "Connection: close") + kept, entry)
            return False
        if kind == "huge":
            self._send_huge(client, answer, fault, entry)
            return False
        self._send(client, answer.head + answer.body, entry)
        return answer.complete and not answer.closes

    def _forward(self, request: _Request) -> _Answer | None:
        try:
            upstream = socket.create_connection(self._upstream, timeout=_UPSTREAM_TIMEOUT_S)
        except OSError:
            return None
        with self._lock:
            self._sockets.add(upstream)
        try:
            upstream.sendall(request.upstream_bytes())
            return _read_answer(upstream, request.method)
        except OSError:
            return None
        finally:
            self._forget(upstream)
            upstream.close()

    def _hold(self, client: socket.socket, seconds: float) -> None:
        """Say nothing until the client hangs up, the proxy stops, or ``seconds`` pass."""
        ends = time.monotonic() + seconds
        while not self._stopping.is_set() and time.monotonic() < ends:
            readable, _, _ = select.select([client], [], [], 0.05)
            if readable and not client.recv(_CHUNK, socket.MSG_PEEK):
                return

    def _drip(self, client: socket.socket, data: bytes, seconds: float, entry) -> bool:
        """Send one byte every ``seconds``; False when the proxy stopped first."""
        for index in range(len(data)):
            client.sendall(data[index : index + 1])
            entry.sent += 1
            if self._stopping.wait(seconds):
                return False
        return True

    def _send_huge(self, client: socket.socket, answer: _Answer, fault: ProxyFault, entry) -> None:
        total = len(answer.body) + fault.size
        if fault.declare_length:
            head = answer.head_with(f"Content-Length: {total}", "Connection: close")
            self._send(client, head + answer.body, entry)
            frame = lambda data: data  # noqa: E731
        else:
            head = answer.head_with("Transfer-Encoding: chunked", "Connection: close")
            self._send(client, head, entry)
            frame = lambda data: b"%x\r\n%b\r\n" % (len(data), data)  # noqa: E731
            self._send(client, frame(answer.body), entry)
        padding = b" " * _CHUNK
        left = fault.size
        while left and not self._stopping.is_set():
            piece = padding[: min(left, _CHUNK)]
            self._send(client, frame(piece), entry)
            left -= len(piece)
        if not fault.declare_length:
            self._send(client, b"0\r\n\r\n", entry)

    @staticmethod
    def _send(client: socket.socket, data: bytes, entry: ProxiedRequest) -> None:
        client.sendall(data)
        entry.sent += len(data)

    def _forget(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)


def _reset(sock: socket.socket) -> None:
    """Close with a TCP RST (SO_LINGER 0) instead of a polite FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _read_head(sock: socket.socket, buffer: bytearray) -> bytes | None:
    """Bytes up to the blank line after the headers (removed from ``buffer``); None at EOF."""
    while (end := buffer.find(_HEAD_END)) < 0:
        if len(buffer) > _MAX_HEAD:
            raise OSError("header section too long")
        data = sock.recv(_CHUNK)
        if not data:
            return None
        buffer += data
    head = bytes(buffer[:end])
    del buffer[: end + len(_HEAD_END)]
    return head


def _read_exactly(sock: socket.socket, buffer: bytearray, size: int) -> tuple[bytes, bool]:
    while len(buffer) < size:
        data = sock.recv(_CHUNK)
        if not data:
            break
        buffer += data
    body = bytes(buffer[:size])
    del buffer[:size]
    return body, len(body) == size


def _read_request(sock: socket.socket, buffer: bytearray) -> _Request | None:
    head = _read_head(sock, buffer)
    if head is None:
        return None
    lines = head.decode("latin-1").split("\r\n")
    length = int(_header(lines[1:], "content-length") or 0)
    body, complete = _read_exactly(sock, buffer, length)
    return _Request(head, body) if complete else None


def _read_answer(sock: socket.socket, method: str) -> _Answer | None:
    buffer = bytearray()
    head = _read_head(sock, buffer)
    if head is None:
        return None  # the server closed without answering (its own "drop" or "hang")
    answer = _Answer(head, b"", True)
    if method == "HEAD" or answer.status in (204, 304):
        return answer
    length = _header(answer.header_lines, "content-length")
    if length is not None:
        answer.body, answer.complete = _read_exactly(sock, buffer, int(length))
        return answer
    while data := sock.recv(_CHUNK):  # no length: the body ends when the server closes
        buffer += data
    answer.body = bytes(buffer)
    return answer
