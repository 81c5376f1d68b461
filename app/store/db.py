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

from app.errors import StoreCorrupt, StoreError, StoreTooNew
from app.store.migrations import LATEST, MIGRATIONS

log = logging.getLogger(__name__)
T = TypeVar("T")


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreCorrupt(
            f"{path} is not a Fireside database or is damaged ({exc}). It was left untouched; "
            "move it aside to start fresh, or restore a backup."
        ) from exc
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, path: Path | None = None, target: int = LATEST) -> int:
    """Bring the schema up to ``target``; return the version found. Backs up first."""
    found = schema_version(conn)
    if found > LATEST:
        raise StoreTooNew(
            f"This database was written by a newer Fireside (schema {found}, this build knows "
            f"{LATEST}). It was not modified: update Fireside to open it."
        )
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
            conn.execute("ROLLBACK")
            raise
    return found


def open_database(path: Path) -> sqlite3.Connection:
    """Open (creating if absent) and migrate; raise StoreError instead of damaging anything."""
    conn = _connect(path)
    try:
        migrate(conn, path)
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise StoreCorrupt(f"{path} failed its integrity check; it was left untouched.")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreCorrupt(
            f"{path} is not a Fireside database or is damaged ({exc}). It was left untouched."
        ) from exc
    except StoreError:
        conn.close()
        raise
    return conn


class Store:
    """The database, a single writer thread, and read connections for other threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fireside-db")
        self._conn = self._executor.submit(open_database, path).result()
        self._db = sqlite_utils.Database(self._conn)
        self._readers = threading.local()

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(self._db, *args)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return result

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(db, *args)`` on the database thread in one transaction."""
        return await asyncio.wrap_future(self._executor.submit(self._call, fn, *args))

    def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """Blocking variant for the CLI, benchmarks and tests; never call it from the UI loop."""
        return self._executor.submit(self._call, fn, *args).result()

    def reader(self) -> sqlite_utils.Database:
        """A read-only connection for the calling thread (short indexed reads only)."""
        db = getattr(self._readers, "db", None)
        if db is None:
            db = sqlite_utils.Database(_connect(self.path, readonly=True))
            self._readers.db = db
        return db

    def close(self) -> None:
        reader = getattr(self._readers, "db", None)
        if reader is not None:
            reader.conn.close()
        self._executor.submit(self._conn.close).result()
        self._executor.shutdown(wait=True)


__all__ = ["LATEST", "Store", "migrate", "open_database", "schema_version"]
