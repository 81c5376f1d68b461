"""The sandbox HTTP server: a stdlib ThreadingHTTPServer on 127.0.0.1 serving the JSON API,
with real faults at the socket level (drops, truncation, hangs) and a control surface.

``SandboxServer`` is the in-process handle (tests, the app); ``serve_forever`` is what the
``fireside sandbox`` command runs. The request pipeline for /api/v1 is, in order: standing
latency, bearer auth, routing, the next matching fault, the per-token rate limit, then the
handler (writes inside one transaction together with their idempotency record).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import secrets
import signal
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import msgspec
import msgspec.structs

from app.sandbox import routes, simulate, web
from app.sandbox.control import handle_control
from app.sandbox.faults import FaultPlan, FaultRule, LoggedRequest, RateLimiter, RequestLog
from app.sandbox.state import SandboxState
from app.sandbox.wire import DEFAULT_RATE_CAPACITY, DEFAULT_RATE_WINDOW_S, ApiError

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
MAX_KEY_CHARS = 255
_JSON = "application/json; charset=utf-8"


class _Request:
    """What the pipeline needs from one HTTP request."""

    def __init__(self, handler: _Handler) -> None:
        split = urlsplit(handler.path)
        self.method = handler.command
        self.path = split.path
        self.query_string = split.query
        self.query = dict(parse_qsl(split.query, keep_blank_values=True))
        self.headers = handler.headers
        if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
            raise ApiError(411, "length_required", "Send the body with a Content-Length.")
        length = int(handler.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ApiError(413, "too_large", "The request body is larger than 1 MB.")
        self.raw = handler.rfile.read(length) if length > 0 else b""
        self.key = handler.headers.get("Idempotency-Key")

    def json_body(self) -> dict | None:
        if not self.raw:
            return None
        try:
            body = json.loads(self.raw)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "bad_request", "The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "bad_request", "The request body must be a JSON object.")
        return body

    def logged_body(self) -> object:
        try:
            return json.loads(self.raw) if self.raw else None
        except (ValueError, UnicodeDecodeError):
            return self.raw.decode("utf-8", "replace")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FiresideSandbox/1"
    timeout = 60
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _HTTPServer

    def do_GET(self) -> None:
        self.server.sandbox._dispatch(self)

    do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        log.debug("sandbox %s " + format, self.address_string(), *args)

    def send(
        self,
        status: int,
        body: dict | bytes | None,
        headers: dict[str, str] | None = None,
        declared_length: int | None = None,
        content_type: str = _JSON,
    ) -> None:
        payload = (
            body
            if isinstance(body, bytes)
            else (b"" if body is None else json.dumps(body, separators=(",", ":")).encode())
        )
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(declared_length or len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()

    def drop(self) -> None:
        """Close the connection without sending a single byte of response."""
        self.close_connection = True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._conn_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            daemon=True,
            name="sandbox-conn",
        )
        with self._conn_lock:
            self._connections[request] = thread
        thread.start()

    def shutdown_request(self, request) -> None:
        with self._conn_lock:
            self._connections.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        log.debug("sandbox connection error from %s", client_address, exc_info=True)

    def close_connections(self, timeout: float = 5.0) -> None:
        """Wake every handler blocked on a keep-alive socket, then wait for them to end."""
        with self._conn_lock:
            live = list(self._connections.items())
        for sock, _ in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for _, thread in live:
            thread.join(timeout)


class SandboxServer:
    """The sandbox network on 127.0.0.1.

    ``token`` None means: reuse the token stored in ``state_dir``, or make and store a new
    one. A token passed in is never written to disk (the app's in-process sandbox gets a
    fresh one each start, held only in memory). The control secret (header
    ``X-Sandbox-Control``) is the same token.
    """

    def __init__(
        self,
        state_dir: Path,
        port: int = 0,
        token: str | None = None,
        *,
        rate_limit: tuple[int, float] = (DEFAULT_RATE_CAPACITY, DEFAULT_RATE_WINDOW_S),
        idempotency_ttl_s: float = 24 * 3600,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.port = port
        self._token = token
        self._idempotency_ttl_s = idempotency_ttl_s
        self.faults = FaultPlan()
        self.rate_limiter = RateLimiter(*rate_limit)
        self.log = RequestLog()
        self.state: SandboxState | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def token(self) -> str:
        if self._token is None:
            raise RuntimeError("The sandbox token is known once the server has started.")
        return self._token

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("The sandbox server is not running.")
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def start(self) -> SandboxServer:
        """Open (and on first use seed) the state, bind, and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        self.state = SandboxState(self.state_dir, self._idempotency_ttl_s)
        if self._token is None:  # a standalone sandbox keeps its token across restarts
            self._token = self.state.get_token()
            if self._token is None:
                self._token = secrets.token_urlsafe(24)
                self.state.set_token(self._token)
        try:
            self._httpd = _HTTPServer(("127.0.0.1", self.port), self)
        except OSError:
            self.state.close()
            self.state = None
            raise
        self.port = self._httpd.server_address[1]
        self.state.base_url = self.url
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"sandbox-{self.port}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections (waking hangs), and close the state file."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_connections()
        if self._thread is not None:
            self._thread.join()
        if self.state is not None:
            self.state.close()
        self._httpd, self._thread, self.state = None, None, None

    def wait(self) -> None:
        """Block until ``stop()`` or the serving thread ends. Ctrl+C interrupts the wait: it
        waits on an event, never inside ``Thread.join``, where an interrupt can mark the
        thread dead while it still runs (CPython gh-90882, Pythons 3.9-3.11), and the join
        in ``stop()`` then returns before the thread has stopped."""
        thread = self._thread
        while thread is not None and thread.is_alive() and not self._stopping.wait(0.5):
            pass

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- in-process control (same as the /_control/ endpoints) -----------------------------

    def add_fault(
        self,
        kind: str,
        count: int = 1,
        *,
        method: str | None = None,
        path_prefix: str | None = None,
        status: int = 503,
        retry_after: int | None = None,
        hang_s: float = 5.0,
        apply: bool = False,
        item_index: int = 0,
    ) -> None:
        """Make the next ``count`` matching API requests fail as ``kind`` (faults.FAULT_KINDS)."""
        self.faults.add(
            FaultRule(
                kind, count, method, path_prefix, status, retry_after, hang_s, apply, item_index
            )
        )

    def clear_faults(self) -> None:
        """Drop pending faults and reset latency to zero."""
        self.faults.clear()

    def set_latency(self, ms: int) -> None:
        """Delay every API request by ``ms`` milliseconds until changed."""
        self.faults.latency_ms = max(0, int(ms))

    def set_rate_limit(self, capacity: int, window_s: float) -> None:
        """Allow ``capacity`` requests per ``window_s`` seconds per token (buckets refilled)."""
        self.rate_limiter.configure(capacity, window_s)

    def requests(self) -> list[dict]:
        """The request log: method, path, query, idempotency_key, body, status, committed..."""
        return self.log.entries()

    def reset_log(self) -> None:
        self.log.reset()

    def simulate_comments(
        self, count: int = 1, *, post_id: str | None = None, parent_id: str | None = None
    ) -> list[dict]:
        return simulate.add_comments(self._live_state(), count, post_id, parent_id)

    def simulate_edit(self, comment_id: str, body_html: str | None = None) -> dict:
        return simulate.edit_comment(self._live_state(), comment_id, body_html)

    def simulate_delete(self, comment_id: str) -> dict:
        return simulate.delete_comment(self._live_state(), comment_id)

    def simulate_my_reply(self, comment_id: str, body_html: str | None = None) -> dict:
        return simulate.my_reply(self._live_state(), comment_id, body_html)

    def stats(self) -> dict[str, int]:
        return self._live_state().stats()

    def question_clusters(self) -> dict[str, list[str]]:
        return self._live_state().clusters()

    def _live_state(self) -> SandboxState:
        if self.state is None:
            raise RuntimeError("The sandbox server is not running.")
        return self.state

    # -- request pipeline ------------------------------------------------------------------

    def _dispatch(self, handler: _Handler) -> None:
        try:
            request = _Request(handler)
        except (ApiError, ValueError) as exc:
            error = exc if isinstance(exc, ApiError) else ApiError(400, "bad_request", str(exc))
            handler.close_connection = True
            handler.send(error.status, error.body(), error.headers)
            return
        if request.path.startswith("/_control/"):
            status, body = handle_control(self, request)
            handler.send(status, body)
            return
        if request.path.startswith("/p/") and request.method == "GET":
            self._serve_web(handler, request.path.removeprefix("/p/"))
            return
        entry = self.log.add(
            LoggedRequest(
                request.method,
                request.path,
                request.query_string,
                request.key,
                request.logged_body(),
            )
        )
        try:
            self._serve_api(handler, request, entry)
        except (ConnectionError, TimeoutError):
            raise
        except Exception:
            log.exception("sandbox: unexpected error on %s %s", request.method, request.path)
            entry.status = 500
            handler.send(500, {"error": {"code": "internal", "message": "Sandbox bug."}})

    def _serve_web(self, handler: _Handler, post_id: str) -> None:
        try:
            status, page = 200, web.render_post(self._live_state(), unquote(post_id))
        except ApiError as error:
            status, page = error.status, web.not_found_page(error)
        handler.send(status, page, content_type="text/html; charset=utf-8")

    def _pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _serve_api(self, handler: _Handler, request: _Request, entry: LoggedRequest) -> None:
        if self.faults.latency_ms:
            self._pause(self.faults.latency_ms / 1000)
        try:
            self._authorise(request)
            route, params = routes.resolve(request.method, request.path)
        except ApiError as error:
            entry.status = error.status
            handler.send(error.status, error.body(), error.headers)
            return
        fault = self.faults.take(request.method, request.path)
        if fault is not None:
            entry.fault = fault.kind
            if self._fault_before(handler, fault, entry):
                return
        reply = self._execute(route, params, request, entry)
        entry.status = reply.status
        if fault is not None and self._fault_after(handler, fault, reply, entry):
            return
        handler.send(reply.status, reply.body, reply.headers)

    def _authorise(self, request: _Request) -> None:
        header = request.headers.get("Authorization", "")
        scheme, _, supplied = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            supplied.strip().encode(), self.token.encode()
        ):
            raise ApiError(
                401,
                "unauthorized",
                "Missing or invalid bearer token. Send 'Authorization: Bearer "
                "<token>' with the token the sandbox printed when it started.",
            )

    def _fault_before(self, handler: _Handler, fault: FaultRule, entry: LoggedRequest) -> bool:
        """Act on a fault that strikes before the request is applied; True when handled."""
        if fault.kind == "rate_limit":
            headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            entry.status = 429
            handler.send(
                429,
                {"error": {"code": "rate_limited", "message": "Too many requests (injected)."}},
                headers,
            )
            return True
        if fault.kind == "error":
            entry.status = fault.status
            handler.send(
                fault.status,
                {"error": {"code": "server_error", "message": f"Injected {fault.status}."}},
            )
            return True
        if fault.kind == "hang" and not fault.apply:
            self._pause(fault.hang_s)
            handler.drop()
            return True
        return False

    def _fault_after(
        self, handler: _Handler, fault: FaultRule, reply: routes.Reply, entry: LoggedRequest
    ) -> bool:
        """Act on a fault that strikes after the request was applied; True when handled."""
        if fault.kind in ("drop", "hang"):
            if fault.kind == "hang":
                self._pause(fault.hang_s)
            entry.status = None
            handler.drop()
            return True
        if fault.kind == "malformed":
            entry.status = 200
            handler.send(200, b'{"items": [{"id": "c1", "body_html": <p>oops', reply.headers)
            return True
        if fault.kind == "truncate":
            payload = json.dumps(reply.body or {"ok": True}).encode()
            entry.status = reply.status if reply.status != 204 else 200
            handler.send(
                entry.status,
                payload[: len(payload) // 2],
                reply.headers,
                declared_length=len(payload),
            )
            handler.close_connection = True
            return True
        if fault.kind == "bad_item" and reply.body and isinstance(reply.body.get("items"), list):
            items = reply.body["items"]
            if 0 <= fault.item_index < len(items):
                items[fault.item_index] = {
                    **items[fault.item_index],
                    "author": "nobody",
                    "created_at": 12345,
                    "version": "two",
                }
        return False

    def _execute(
        self, route: routes.Route, params: dict[str, str], request: _Request, entry: LoggedRequest
    ) -> routes.Reply:
        state = self._live_state()
        try:
            if not route.is_write:
                if (waiting := self.rate_limiter.acquire(self.token)) is not None:
                    raise _rate_limited(waiting)
                reply = route.handler(routes.Call(state, params, request.query, None))
            else:
                reply = self._execute_write(route, params, request, entry, state)
        except ApiError as error:
            reply = routes.Reply(error.status, error.body(), headers=error.headers)
        # Every answer that went through the limiter says where its bucket stands.
        limits = self.rate_limiter.headers(self.token)
        return msgspec.structs.replace(reply, headers={**limits, **reply.headers})

    def _execute_write(
        self,
        route: routes.Route,
        params: dict[str, str],
        request: _Request,
        entry: LoggedRequest,
        state: SandboxState,
    ) -> routes.Reply:
        key = request.key
        if key is not None and not 0 < len(key) <= MAX_KEY_CHARS:
            raise ApiError(400, "bad_request", f"Idempotency-Key must be 1-{MAX_KEY_CHARS} chars.")
        if (waiting := self.rate_limiter.acquire(self.token)) is not None:
            raise _rate_limited(waiting)
        body = request.json_body()
        with state.transaction():
            if key is not None and (record := state.find_write(key)) is not None:
                if (record["method"], record["path"]) != (request.method, request.path):
                    raise ApiError(
                        422,
                        "idempotency_key_reused",
                        f"Idempotency-Key {key!r} was already used for "
                        f"{record['method']} {record['path']}.",
                    )
                entry.replayed = True
                stored = json.loads(record["response"]) if record["response"] else None
                return routes.Reply(
                    record["status"], stored, headers={"Idempotent-Replayed": "true"}
                )
            reply = route.handler(routes.Call(state, params, request.query, body))
            if key is not None:
                state.record_write(
                    key,
                    method=request.method,
                    path=request.path,
                    status=reply.status,
                    response=reply.body,
                    kind=reply.kind,
                    action=reply.action,
                    object_id=reply.object_id,
                )
        entry.committed = True
        return reply


def _rate_limited(seconds: int) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        f"Rate limit exceeded; retry in {seconds} s.",
        {"Retry-After": str(seconds)},
    )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve_forever(state_dir: Path | str, port: int = 8765, token: str | None = None) -> None:
    """Run the sandbox in the foreground until Ctrl+C or SIGTERM; prints its URL and token."""
    server = SandboxServer(Path(state_dir), port=port, token=token).start()
    try:  # from here on a Ctrl+C stops the server's threads, however early it comes
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _interrupt)
        print(f"Sandbox network listening on {server.url}", flush=True)
        print(f"Token: {server.token}", flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
