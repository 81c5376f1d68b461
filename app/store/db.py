"""Opening the database safely and running work on it off the caller's thread.

All writes go through one worker thread (Anki's model): ``await store.run(fn, ...)``
calls ``fn(db, ...)`` there inside one transaction. Short indexed reads from the UI
thread use their own read-only connection (``store.reader()``); WAL lets both run at
once. A database from a newer Fireside, or a file that is not a database, raises a
clear StoreError and is never modified. Before a migration a backup copy is taken.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from app.errors import StoreCorrupt, StoreTooNew
from app.store.migrations import LATEST, MIGRATIONS

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
    return conn


def _enable_wal(conn: sqlite3.Connection) -> None:
    """WAL and full sync: only once the file is known to be ours and readable (it writes)."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")


def _corrupt(path: Path, detail: object) -> StoreCorrupt:
    return StoreCorrupt(
        f"{path} is not a Fireside database or is damaged ({detail}). It was left untouched; "
        "move it aside to start fresh, or restore a backup."
    )


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _refuse_newer(found: int) -> None:
    if found > LATEST:
        raise StoreTooNew(
            f"This database was written by a newer Fireside (schema {found}, this build knows "
            f"{LATEST}). It was not modified: update Fireside to open it."
        )


def migrate(conn: sqlite3.Connection, path: Path | None = None, target: int = LATEST) -> int:
    """Bring the schema up to ``target``; return the version found. Backs up first."""
    found = schema_version(conn)
    _refuse_newer(found)
    if found >= target:
        return found
    if found > 0 and path is not None:
        backup = path.with_name(f"{path.name}.before-v{target}.bak")
        with sqlite3.connect(backup) as copy:
            conn.backup(copy)
        copy.close()
        log.info("backed up schema v%s to %s before migrating", found, backup)
    db = sqlite_utils.Database(conn)
    for version in range(found + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version - 1](db)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # some errors end the transaction themselves
                conn.execute("ROLLBACK")
            raise
    return found


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


def open_database(path: Path) -> sqlite3.Connection:
    """Open (creating if absent) and migrate; raise StoreError instead of damaging anything.

    Order matters: read the version, refuse a newer schema, check integrity, and only then
    switch to WAL and migrate, because both of those write to the file.
    """
    conn = _connect(path)
    try:
        found = schema_version(conn)
        _refuse_newer(found)
        if found > 0:
            _check_integrity(conn, path, full=found < LATEST or not _closed_cleanly(path))
        _enable_wal(conn)
        migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _corrupt(path, exc) from exc
    except BaseException:  # StoreError, or a bug in a migration: never leak the connection
        conn.close()
        raise
    return conn


class Store:
    """The database, a single writer thread, and read connections for other threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fireside-db")
        try:
            self._conn = self._executor.submit(open_database, path).result()
        except BaseException:
            self._executor.shutdown(wait=True)
            raise
        self._db = sqlite_utils.Database(self._conn)
        self._readers = threading.local()
        self._read_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fireside-read")

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(self._db, *args)
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:  # a failed COMMIT (e.g. disk full) leaves it open
                self._conn.execute("ROLLBACK")
            raise
        return result

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
        job = self._read_executor.submit(lambda: fn(self.reader(), *args))
        return await asyncio.wrap_future(job)

    def reader(self) -> sqlite_utils.Database:
        """A read-only connection for the calling thread (short indexed reads only)."""
        db = getattr(self._readers, "db", None)
        if db is None:
            db = sqlite_utils.Database(_connect(self.path, readonly=True))
            self._readers.db = db
        return db

    def close(self) -> None:
        self._read_executor.submit(self._close_reader).result()
        self._read_executor.shutdown(wait=True)
        self._close_reader()
        self._executor.submit(self._conn.close).result()
        self._executor.shutdown(wait=True)

    def _close_reader(self) -> None:
        reader = getattr(self._readers, "db", None)
        if reader is not None:
            reader.conn.close()
            self._readers.db = None


__all__ = ["LATEST", "Store", "migrate", "open_database", "schema_version"]
