"""The loopback redirect listener of a browser sign-in (RFC 8252, section 7.3).

It listens on 127.0.0.1 on a port the OS picks, only while one sign-in waits, and takes
exactly one answer: the first request to the redirect path whose ``state`` is the one this
sign-in sent. It answers that request with a plain page saying the tab can be closed, and
stops listening. Requests to other paths (a browser's favicon) get 404, and a request
with another state gets 400 and is otherwise ignored: it was not this sign-in's. Requests
are parsed with h11 (httpcore's HTTP/1.1 parser), each bounded in size and time.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import h11
import msgspec

#: How long one connection may take to send its request line and headers.
REQUEST_TIMEOUT_S = 10.0
#: The largest request head accepted (a browser's is a few kilobytes).
MAX_HEAD_BYTES = 64 * 1024

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; margin: 3em"><h1>{title}</h1><p>{text}</p></body></html>
"""


class Redirect(msgspec.Struct, frozen=True):
    """What the browser brought back: the full redirect URL and its query's values."""

    url: str
    params: dict[str, str]

    @property
    def error(self) -> str | None:
        return self.params.get("error")


class LoopbackListener:
    """Listens on 127.0.0.1 for one sign-in's redirect; use :func:`listen`."""

    def __init__(self, host: str, path: str) -> None:
        self._host = host
        self._path = path
        self._server: asyncio.Server | None = None
        self._state = ""
        self._arrived: asyncio.Future[Redirect] | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "not listening"
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def redirect_uri(self) -> str:
        return f"http://{self._host}:{self.port}{self._path}"

    async def start(self) -> None:
        self._arrived = asyncio.get_running_loop().create_future()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    def expect(self, state: str) -> None:
        """The state the authorization request carries; only it is taken."""
        self._state = state

    async def wait(self) -> Redirect:
        """The redirect, once the browser brought it."""
        assert self._arrived is not None, "not listening"
        return await asyncio.shield(self._arrived)

    async def aclose(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
        if self._arrived is not None and not self._arrived.done():
            self._arrived.cancel()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S):
                target = await _read_target(reader)
            status, title, text = self._answer(target)
            await _respond(writer, status, title, text)
        except (TimeoutError, h11.ProtocolError, ConnectionError):
            pass  # not a browser's request, or one that never finished: nothing to take
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _answer(self, target: str) -> tuple[int, str, str]:
        parts = urlsplit(target)
        if parts.path != self._path:
            return 404, "Not found", "This address is only for signing in to Fireside."
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        arrived = self._arrived
        if not self._state or params.get("state") != self._state or arrived is None:
            return 400, "Not this sign-in", "This answer does not belong to Fireside's sign-in."
        if arrived.done():
            return 400, "Already answered", "This sign-in already has its answer."
        url = f"{self.redirect_uri.removesuffix(self._path)}{target}"
        arrived.set_result(Redirect(url, params))
        if self._server is not None:
            self._server.close()  # one answer: nothing more is taken
        if "error" in params:
            reason = params.get("error_description") or params["error"]
            return 200, "Sign-in not completed", f"{reason}. You can close this tab."
        return 200, "Signed in", "Fireside has your sign-in. You can close this tab."


async def _read_target(reader: asyncio.StreamReader) -> str:
    """The request target of one HTTP/1.1 request head."""
    connection = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD_BYTES)
    while True:
        event = connection.next_event()
        if isinstance(event, h11.Request):
            return event.target.decode("ascii", "replace")
        if event is h11.NEED_DATA:
            data = await reader.read(8192)
            if not data:
                raise ConnectionError("closed before a request")
            connection.receive_data(data)
        else:
            raise h11.RemoteProtocolError("no request", 400)


async def _respond(writer: asyncio.StreamWriter, status: int, title: str, text: str) -> None:
    body = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
    head = (
        f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
    ).encode()
    writer.write(head + body)
    await writer.drain()


@contextlib.asynccontextmanager
async def listen(host: str, path: str) -> AsyncIterator[LoopbackListener]:
    """A listener on 127.0.0.1 for the duration of one sign-in; ``host`` is what the
    redirect URI names (127.0.0.1 or localhost)."""
    listener = LoopbackListener(host, path)
    await listener.start()
    try:
        yield listener
    finally:
        await listener.aclose()
