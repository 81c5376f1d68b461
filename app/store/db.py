"""Opening the database safely and running work on it off the caller's thread.

All writes go through one worker thread (Anki's model): ``await store.run(fn, ...)``
calls ``fn(db, ...)`` there inside one transaction. Short indexed reads from the UI
thread use their own read-only connection (``store.reader()``); WAL lets both run at
once. A database from a newer Fireside, or a file that is not a database, raises a
clear StoreError and is never modified. Before a migration a backup copy is taken
(written under a temporary name and renamed, so a half-written backup never exists).

Storage faults become a StoreError that says what to do (``store_error``): a full disk
is StoreFull, a folder or file that cannot be written is StoreReadOnly. The transaction
is rolled back first, so what was saved before is intact and the same call succeeds
once the cause is gone; the store stays usable meanwhile. Which process may open the
database at all is decided before, by the data dir's lock (``app.instance``).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from app.domain.states import OpeningReport, OpeningStep
from app.errors import StoreCorrupt, StoreError, StoreFull, StoreLocked, StoreReadOnly, StoreTooNew
from app.store.migrations import LATEST, MIGRATIONS, undone_later
from app.store.sql import Database

log = logging.getLogger(__name__)
T = TypeVar("T")


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection that has not touched the file yet (no journal-mode change, no writes).

    The path goes in as a proper ``file:`` URI so a data dir containing ``?``, ``#`` or
    ``%`` still opens the right file.
    """
    uri = path.resolve().as_uri() + ("?mode=ro" if readonly else "")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils set it (see store.sql)
    return conn


def open_read_only(path: Path) -> Database:
    """The store for reading only, while another process owns it (the window): nothing is
    written, migrated or checked here, so the schema must already be this build's."""
    if not path.exists():
        raise StoreError(f"There is no Fireside database at {path} yet.")
    conn = _connect(path, readonly=True)
    found = schema_version(conn)
    _refuse_newer(found)
    if found < LATEST:
        conn.close()
        raise StoreError(
            f"The database at {path} is from an older Fireside and is being used by another "
            "Fireside process; close that one, then run this again."
        )
    return Database(conn)


def _enable_wal(conn: sqlite3.Connection) -> None:
    """WAL and full sync: only once the file is known to be ours and readable (it writes)."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")


def _corrupt(path: Path, detail: object) -> StoreCorrupt:
    return StoreCorrupt(
        f"{path} is not a Fireside database or is damaged ({detail}). It was left untouched; "
        "move it aside to start fresh, or restore a backup."
    )


DISK_FULL = (
    "The disk holding Fireside's data ({folder}) is full, so this change was not saved; "
    "everything saved before is intact. Free some disk space and try again (the open app "
    "retries by itself)."
)
READ_ONLY = (
    "Fireside cannot write to {what} ({detail}), so nothing was changed. Make {which} "
    "writable, or choose another data folder with --data-dir or FIRESIDE_HOME."
)
#: Below this much free space an I/O error is most likely the disk filling up.
NEARLY_FULL_BYTES = 1 << 20


def _writable(folder: Path) -> bool:
    """Whether this process may create files in ``folder`` (False on a read-only mount,
    even for root). A hint only: SQLite's own errors are translated as well, and a folder
    that does not exist is left for SQLite to report."""
    return not folder.is_dir() or os.access(folder, os.W_OK)


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def _read_only(path: Path, detail: object) -> StoreReadOnly:
    if not _writable(path.parent):
        what, which = f"its data folder {path.parent}", "the folder"
    else:
        what, which = str(path), f"that file and the folder {path.parent}"
    return StoreReadOnly(READ_ONLY.format(what=what, detail=detail, which=which))


def store_error(exc: BaseException, path: Path) -> StoreError | None:
    """The StoreError a person can act on for a storage fault, or None (a bug, not storage).

    ``exc`` is a sqlite3.Error (classified by its result code) or an OSError.
    """
    folder = path.parent
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return StoreFull(DISK_FULL.format(folder=folder))
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return _read_only(path, exc.strerror or exc)
        return StoreError(f"Fireside cannot use {path} ({exc}); nothing was changed.")
    code = getattr(exc, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    if primary == sqlite3.SQLITE_FULL or (primary == sqlite3.SQLITE_IOERR and _nearly_full(folder)):
        return StoreFull(DISK_FULL.format(folder=folder))
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM) or (
        primary == sqlite3.SQLITE_CANTOPEN and not _writable(folder)
    ):
        return _read_only(path, exc)
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return _corrupt(path, exc)
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreLocked(
            f"{path} is busy: another program kept it locked for too long ({exc}), so nothing "
            "was changed. Close other programs using it, then try again."
        )
    if primary in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN):
        return StoreError(
            f"Reading or writing {path} failed ({exc}); the disk may be failing or have been "
            "removed. Nothing was changed by this action and what was saved before is "
            "intact; check the disk, then try again."
        )
    return None


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def _refuse_newer(found: int) -> None:
    if found > LATEST:
        raise StoreTooNew(
            f"This database was written by a newer Fireside (schema {found}, this build knows "
            f"{LATEST}). It was not modified: update Fireside to open it."
        )


def ignore_step(step: OpeningStep) -> None:
    """The report of whoever does not listen."""


def migrate(
    conn: sqlite3.Connection,
    path: Path | None = None,
    target: int = LATEST,
    report: OpeningReport = ignore_step,
) -> int:
    """Bring the schema up to ``target``; return the version found. Backs up first."""
    found = schema_version(conn)
    _refuse_newer(found)
    if found >= target:
        return found
    if found > 0 and path is not None:
        report(OpeningStep.BACKING_UP)
        backup = back_up(conn, path, target)
        log.info("backed up schema v%s to %s before migrating", found, backup)
    if found > 0:
        report(OpeningStep.UPGRADING)
    db = Database(conn)
    for version in range(found + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not undone_later(version, target):
                MIGRATIONS[version - 1](db)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # some errors end the transaction themselves
                conn.execute("ROLLBACK")
            raise
    return found


def backup_path(path: Path, target: int) -> Path:
    return path.with_name(f"{path.name}.before-v{target}.bak")


def back_up(conn: sqlite3.Connection, path: Path, target: int) -> Path:
    """Copy the database next to itself before migrating it to ``target``.

    The copy is written as ``*.partial`` and renamed once complete, so a backup file that
    exists is always whole; a failed copy (a full disk) leaves nothing behind and raises
    StoreFull or StoreReadOnly before the database itself is touched.
    """
    backup = backup_path(path, target)
    partial = backup.with_name(backup.name + ".partial")
    try:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
        copy = sqlite3.connect(partial)
        try:
            conn.backup(copy)
        finally:
            copy.close()
        os.replace(partial, backup)
    except (sqlite3.Error, OSError) as exc:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
        error = store_error(exc, path)
        first = "Fireside needs to upgrade its database and keeps a backup copy first, but"
        if isinstance(error, StoreFull):
            error = StoreFull(
                f"{first} the disk holding {path.parent} is full. Nothing was changed. Free "
                f"at least {_megabytes(path)} of disk space, then start Fireside again."
            )
        elif not isinstance(error, StoreReadOnly):
            error = StoreError(
                f"{first} it could not write {backup} ({getattr(exc, 'strerror', None) or exc})."
                " Nothing was changed. Move whatever is at that path aside, then start "
                "Fireside again."
            )
        raise error from exc
    return backup


def _megabytes(path: Path) -> str:
    size = path.stat().st_size if path.exists() else 0
    return f"{max(1, -(-size // 1_000_000))} MB"


#: Checked at every open: what the person wrote and what waits to be sent (small tables).
ALWAYS_CHECKED = ("accounts", "drafts", "draft_versions", "outbox", "sync_state")


def _closed_cleanly(path: Path) -> bool:
    """SQLite removes the ``-wal`` file when the last connection closes; one left behind
    with content means the previous session crashed, was killed or lost power."""
    leftovers = (path.with_name(path.name + suffix) for suffix in ("-wal", "-journal"))
    return not any(f.exists() and f.stat().st_size > 0 for f in leftovers)


def _check_integrity(conn: sqlite3.Connection, path: Path, *, full: bool) -> None:
    """``PRAGMA quick_check`` of the whole file before a migration or after an unclean
    shutdown; otherwise of ``ALWAYS_CHECKED`` only. The whole file costs a read of every
    page (0.2 s warm, 0.5 s from a cold disk at 200,000 comments) on the way to the first
    painted inbox, for comments that a sync can fetch again; ``fireside doctor`` runs the
    full ``integrity_check`` on demand, and SQLite reports damage on any page it reads."""
    if full:
        pragmas = ["PRAGMA quick_check"]
    else:
        present = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        pragmas = [f"PRAGMA quick_check({t})" for t in ALWAYS_CHECKED if t in present]
    for pragma in pragmas:
        result = conn.execute(pragma).fetchone()[0]
        if result != "ok":
            raise StoreCorrupt(
                f"{path} failed its integrity check ({result}); it was left "
                "untouched. Restore a backup, or move it aside to start fresh."
            )


def open_database(path: Path, report: OpeningReport = ignore_step) -> sqlite3.Connection:
    """Open (creating if absent) and migrate; raise StoreError instead of damaging anything.
    ``report`` hears each slow step as it starts (on this thread).

    Order matters: read the version, refuse a newer schema, check integrity, and only then
    switch to WAL and migrate, because both of those write to the file. A folder that
    cannot be written is refused first: SQLite needs to create its -wal and -shm files.
    """
    if not _writable(path.parent):
        raise _read_only(path, "it is read-only")
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise _open_error(exc, path) from exc
    try:
        found = schema_version(conn)
        _refuse_newer(found)
        if found > 0:
            full = found < LATEST or not _closed_cleanly(path)
            if full:
                report(OpeningStep.CHECKING)
            _check_integrity(conn, path, full=full)
        _enable_wal(conn)
        migrate(conn, path, report=report)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _open_error(exc, path) from exc
    except BaseException:  # StoreError, or a bug in a migration: never leak the connection
        conn.close()
        raise
    return conn


def _open_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """What went wrong while opening, checking or migrating: nothing was changed."""
    error = store_error(exc, path)
    if isinstance(error, StoreFull):
        return StoreFull(
            f"The disk holding Fireside's data ({path.parent}) is full, so Fireside cannot "
            "open its database; nothing was changed. Free some disk space, then start "
            "Fireside again."
        )
    return error or _corrupt(path, exc)


class Store:
    """The database, a single writer thread, and read connections for other threads."""

    def __init__(self, path: Path, report: OpeningReport = ignore_step) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fireside-db")
        try:
            self._conn = self._executor.submit(open_database, path, report).result()
        except BaseException:
            self._executor.shutdown(wait=True)
            raise
        self._db = Database(self._conn)
        self._readers = threading.local()
        #: Every read connection made, whichever thread it serves (``close`` closes all).
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()
        self._read_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fireside-read")

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """One transaction; a storage fault rolls it back and becomes a StoreError."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            result = fn(self._db, *args)
            self._conn.execute("COMMIT")
        except BaseException as exc:
            if self._conn.in_transaction:  # a failed COMMIT (e.g. disk full) leaves it open
                self._conn.execute("ROLLBACK")
            self._raise_store_error(exc)
            raise
        return result

    def _raise_store_error(self, exc: BaseException) -> None:
        if isinstance(exc, sqlite3.Error) and (error := store_error(exc, self.path)):
            log.warning("%s (%s)", type(error).__name__, exc)
            raise error from exc

    def _read(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(self.reader(), *args)
        except sqlite3.Error as exc:
            self._raise_store_error(exc)
            raise

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(db, *args)`` on the database thread in one transaction."""
        return await asyncio.wrap_future(self._executor.submit(self._call, fn, *args))

    def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """Blocking variant for the CLI, benchmarks and tests; never call it from the UI loop."""
        return self._executor.submit(self._call, fn, *args).result()

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(db, *args)`` on the reading thread with a read-only connection.

        For queries the UI waits on (thread pane, counts, search): WAL lets them run while
        a sync writes, so they never queue behind the writer thread.
        """
        job = self._read_executor.submit(self._read, fn, *args)
        return await asyncio.wrap_future(job)

    def reader(self) -> Database:
        """A read-only connection for the calling thread (short indexed reads only)."""
        db = getattr(self._readers, "db", None)
        if db is None:
            conn = _connect(self.path, readonly=True)
            with self._opened_lock:
                self._opened.append(conn)
            db = Database(conn)
            self._readers.db = db
        return db

    def close(self) -> None:
        """Close every connection, the writer's last: the last one to close checkpoints
        the WAL and removes it, so the next start finds a cleanly closed database (one
        left open, such as the UI thread's reader, left the WAL behind, and the next start
        then checked the whole file: a second at a million comments)."""
        self._read_executor.shutdown(wait=True)
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._readers = threading.local()
        self._executor.submit(self._conn.close).result()
        self._executor.shutdown(wait=True)


__all__ = [
    "LATEST",
    "Store",
    "back_up",
    "backup_path",
    "ignore_step",
    "migrate",
    "open_database",
    "schema_version",
    "store_error",
]
