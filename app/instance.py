"""One Fireside process per data dir, and the hand-over from a second start to the first.

The owner of a data dir holds an exclusive OS lock on ``<data dir>/fireside.lock`` for as
long as it runs (``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows). The
OS drops the lock when the process ends, however it ends (a crash or SIGKILL included), so
a lock file left behind never blocks anyone; the file itself is never deleted, because
deleting a lock file that another process has just opened would let two owners in.

Next to it, ``instance.json`` (mode 0600, replaced atomically) says who the owner is:
``{"pid", "purpose", "port", "token"}``. ``purpose`` is "window" or the CLI command
("sync", "outbox"). The window also listens on 127.0.0.1:``port`` (loopback TCP rather
than a Unix socket: it works the same on Windows, and a long data dir path cannot exceed
a socket path limit). The protocol is one line each way::

    client -> {"token": "<token from instance.json>", "command": "show"}\\n
    owner  -> ok\\n            (after calling the on_show callback)   or   denied\\n

The token keeps other local programs from poking the window; only a process that can read
the data dir can send it.

``claim_for_window(data_dir)`` is what the window's start-up calls: it returns the
:class:`Instance` when this process became the owner, or None after the running window was
asked to show itself (the caller then exits 0). CLI commands that need the database call
``Instance.acquire(data_dir, "sync")`` and turn StoreLocked into one sentence.
``fireside doctor`` takes no lock: it only reads, through a read-only connection.

No Qt here: the listener is a plain thread, and ``on_show`` callbacks run on it; the UI
passes a callback that hands the request to its own thread (a queued Qt signal).
"""

from __future__ import annotations

import contextlib
import errno
import hmac
import json
import logging
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.errors import StoreError, StoreFull, StoreLocked, StoreReadOnly

log = logging.getLogger(__name__)

LOCK_FILE = "fireside.lock"
INFO_FILE = "instance.json"
WINDOW = "window"
SHOW = "show"
#: How long a second start keeps trying to reach a window that is still starting up.
HAND_OVER_WAIT_S = 5.0
#: How long one side waits for the other's line before giving up on that connection.
IO_TIMEOUT_S = 2.0
_RETRY_S = 0.1
_MAX_LINE = 4096

#: What to do instead, by the CLI command that found the window running.
_INSTEAD = {
    "sync": "it syncs by itself while it runs.",
    "outbox": "its Outbox shows the same items and can retry or cancel them.",
}


def lock_path(data_dir: Path) -> Path:
    return data_dir / LOCK_FILE


def info_path(data_dir: Path) -> Path:
    return data_dir / INFO_FILE


# --- the OS lock -----------------------------------------------------------------------


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock without waiting; False when another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # byte 0; locking past EOF is allowed
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def cannot_write(data_dir: Path, exc: OSError) -> StoreError:
    """The StoreError for a data folder this process cannot create its files in."""
    if exc.errno == errno.ENOSPC:
        return StoreFull(
            f"The disk holding Fireside's data ({data_dir}) is full, so Fireside did not "
            "start and changed nothing. Free some disk space, then try again."
        )
    if isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.EPERM, errno.EACCES):
        return StoreReadOnly(
            f"Fireside cannot write to its data folder {data_dir} ({exc.strerror or exc}), "
            "so it did not start and changed nothing. Make the folder writable, or choose "
            "another data folder with --data-dir or FIRESIDE_HOME."
        )
    return StoreError(f"Fireside cannot use its data folder {data_dir} ({exc.strerror or exc}).")


# --- who holds the lock ----------------------------------------------------------------


def read_info(data_dir: Path) -> dict[str, Any] | None:
    """The owner's ``instance.json``, or None when missing or unreadable (starting up)."""
    try:
        info = json.loads(info_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def locked_message(data_dir: Path, purpose: str, info: dict[str, Any] | None) -> str:
    """Why ``purpose`` cannot have the data dir, and what to do, in one or two sentences."""
    holder = None if info is None else info.get("purpose")
    pid = None if info is None else info.get("pid")
    if holder == WINDOW and purpose == WINDOW:
        return f"Fireside is already running on {data_dir} (process {pid})."
    if holder == WINDOW:
        instead = _INSTEAD.get(purpose, "")
        return (
            f"Fireside is running (process {pid}) and has {data_dir} open; "
            f"{instead + ' ' if instead else ''}Quit Fireside first to run "
            f"'fireside {purpose}' from the terminal."
        )
    owner = "Another Fireside process" if info is None else f"'fireside {holder}' (process {pid})"
    what = "Fireside" if purpose == WINDOW else f"'fireside {purpose}'"
    return (
        f"{owner} is using {data_dir}, and only one Fireside may use a data folder at a "
        f"time. Run {what} again when it has finished."
    )


# --- this process as the owner ---------------------------------------------------------


class Instance:
    """This process's ownership of a data dir: the lock, ``instance.json`` and, for the
    window, the hand-over listener. Release it (or leave the ``with`` block) at exit."""

    def __init__(self, data_dir: Path, fd: int, purpose: str) -> None:
        self.data_dir = data_dir
        self.purpose = purpose
        self._fd = fd
        self._token = secrets.token_urlsafe(24)
        self._listener: _Listener | None = None
        self._on_show: Callable[[], None] | None = None
        self._show_pending = False
        self._mutex = threading.Lock()

    @classmethod
    def acquire(cls, data_dir: Path, purpose: str) -> Instance:
        """Own ``data_dir`` now, or raise StoreLocked (saying who owns it) at once.

        A folder that cannot be written raises StoreReadOnly naming it; nothing is
        created in it then.
        """
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path(data_dir), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise cannot_write(data_dir, exc) from exc
        try:
            locked = _try_lock(fd)
        except OSError as exc:  # e.g. a network filesystem without locks
            os.close(fd)
            raise StoreError(
                f"Fireside cannot lock its data folder {data_dir} ({exc.strerror or exc}); "
                "keep the data folder on a local disk."
            ) from exc
        if not locked:
            os.close(fd)
            raise StoreLocked(locked_message(data_dir, purpose, read_info(data_dir)))
        owner = cls(data_dir, fd, purpose)
        try:
            owner._write_info()
        except OSError as exc:
            owner.release()
            raise cannot_write(data_dir, exc) from exc
        log.info("owns %s as %s (process %s)", data_dir, purpose, os.getpid())
        return owner

    @property
    def port(self) -> int | None:
        return self._listener.port if self._listener else None

    def listen(self) -> None:
        """Accept hand-over requests on 127.0.0.1 (the window only). If that fails (no
        loopback, a full disk) the window still runs; a second start then says it got no
        answer instead of switching."""
        if self._listener is not None:
            return
        try:
            self._listener = _Listener(self._token, self._show_requested)
            self._write_info()
        except OSError:
            log.warning("cannot accept hand-overs from later starts", exc_info=True)

    def on_show(self, callback: Callable[[], None] | None) -> None:
        """Call ``callback`` (on the listener thread) whenever another start asks for the
        window; a request that came before any callback was set is delivered now."""
        with self._mutex:
            self._on_show = callback
            pending, self._show_pending = self._show_pending and callback is not None, False
        if pending and callback is not None:
            callback()

    def _show_requested(self) -> None:
        with self._mutex:
            callback = self._on_show
            self._show_pending = callback is None
        log.info("another Fireside start asked for the window; bringing it to the front")
        if callback is not None:
            callback()

    def _write_info(self) -> None:
        info = {"pid": os.getpid(), "purpose": self.purpose, "port": self.port}
        if self._listener is not None:
            info["token"] = self._token
        path = info_path(self.data_dir)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(info, out)
        os.replace(partial, path)

    def release(self) -> None:
        """Stop listening, remove ``instance.json`` and drop the lock (idempotent)."""
        if self._fd < 0:
            return
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self.on_show(None)
        info = read_info(self.data_dir)
        if info is not None and info.get("pid") == os.getpid():
            with contextlib.suppress(OSError):
                info_path(self.data_dir).unlink()
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = -1

    def __enter__(self) -> Instance:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class _Listener:
    """A loopback TCP server on its own daemon thread; one short request per connection."""

    def __init__(self, token: str, on_show: Callable[[], None]) -> None:
        self._token = token
        self._on_show = on_show
        self._closing = False
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="fireside-handover", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            if self._closing:
                conn.close()
                return
            with conn:
                try:
                    self._answer(conn)
                except Exception:  # a misbehaving client must not stop the listener
                    log.warning("a hand-over request failed", exc_info=True)

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(IO_TIMEOUT_S)
        request = _read_line(conn)
        try:
            message = json.loads(request)
            token, command = str(message["token"]), message["command"]
        except (ValueError, KeyError, TypeError):
            conn.sendall(b"denied\n")
            return
        if not hmac.compare_digest(token, self._token) or command != SHOW:
            conn.sendall(b"denied\n")
            return
        self._on_show()
        conn.sendall(b"ok\n")

    def close(self) -> None:
        """Stop accepting: wake ``accept`` with a connection of our own, then wait."""
        self._closing = True
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):
            pass
        self._thread.join(IO_TIMEOUT_S)
        self._socket.close()


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n") and len(data) < _MAX_LINE:
        chunk = conn.recv(_MAX_LINE)
        if not chunk:
            break
        data += chunk
    return data.strip()


# --- a second start --------------------------------------------------------------------


def ask_to_show(info: dict[str, Any]) -> bool:
    """Ask the window described by ``info`` to show itself; True once it said ok."""
    port, token = info.get("port"), info.get("token")
    if not isinstance(port, int) or not isinstance(token, str):
        return False
    try:
        with socket.create_connection(("127.0.0.1", port), IO_TIMEOUT_S) as conn:
            conn.settimeout(IO_TIMEOUT_S)
            conn.sendall(json.dumps({"token": token, "command": SHOW}).encode() + b"\n")
            return _read_line(conn) == b"ok"
    except OSError:
        return False


def claim_for_window(data_dir: Path, wait: float = HAND_OVER_WAIT_S) -> Instance | None:
    """Own ``data_dir`` for the window (listening for later starts), or hand over.

    Returns the Instance, or None once the window already running on this data dir has
    been asked to show itself. Raises StoreLocked when a CLI command holds the data dir,
    or when the owner does not answer within ``wait`` seconds (it may still be starting:
    its ``instance.json`` appears a moment after its lock, so this retries meanwhile).
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            owner = Instance.acquire(data_dir, WINDOW)
        except StoreLocked:
            info = read_info(data_dir)
            if info is not None and info.get("purpose") != WINDOW:
                raise
            if info is not None and ask_to_show(info):
                return None
            if time.monotonic() >= deadline:
                pid = "" if info is None else f" (process {info.get('pid')})"
                raise StoreLocked(
                    f"Fireside is already running on {data_dir}{pid} but did not answer. If "
                    "no Fireside window shows, end that process, then start Fireside again."
                ) from None
            time.sleep(_RETRY_S)  # the owner is starting up, or has just quit
            continue
        owner.listen()
        return owner


__all__ = [
    "HAND_OVER_WAIT_S",
    "Instance",
    "ask_to_show",
    "cannot_write",
    "claim_for_window",
    "info_path",
    "lock_path",
    "locked_message",
    "read_info",
]
