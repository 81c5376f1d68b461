"""This device's copy of the shared document (a pycrdt ``Doc``), kept in its data dir,
and the exchange of updates with the shared store.

Every local change is captured as a Yjs update and written to ``replica.db`` before the
call returns (a kill loses nothing that was reported done). A push seals the updates not
yet pushed into one new file named by this device and its sequence numbers
(``u-<device>-<first>-<last>.fws``); a pull opens every other device's file it has not
applied. Yjs needs an update's dependencies applied first (pycrdt drops what it cannot
place from a saved state), so each file carries the state vector its writer had, and a
file is applied only once this replica has reached it; files that arrive early, or half
written, wait for a later pull. What was applied and the merged state are saved in one
transaction, so a kill mid-pull reads the same files again next time: Yjs updates are
idempotent.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sqlite3
import struct
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import msgspec
import pycrdt

from app.store.sql import Database
from app.workspace import sealing
from app.workspace.errors import WorkspaceKeyError
from app.workspace.transport import SharedStore

log = logging.getLogger(__name__)

UPDATE_FILE = re.compile(r"^u-(?P<device>[0-9a-f]{8,32})-(?P<first>\d{9})-(?P<last>\d{9})\.fws$")
_LENGTH = struct.Struct(">I")
#: Updates sealed into one file at most, so no single upload grows without bound.
MAX_UPDATES_PER_FILE = 5000


class PullReport(msgspec.Struct, frozen=True):
    applied: int = 0
    #: Files not applied yet: still arriving, or waiting for an earlier file.
    waiting: int = 0
    #: Files that are complete but no sealed workspace file (damaged): named, skipped.
    unreadable: tuple[str, ...] = ()
    #: Why some files did not open with this device's keys; "" when all did.
    key_problem: str = ""


class _Incoming(msgspec.Struct):
    name: str
    requires: dict[int, int]
    update: bytes


class _Captured(msgspec.Struct):
    updates: list[tuple[int, bytes, bytes]] = msgspec.field(default_factory=list)
    approvals: list[str] = msgspec.field(default_factory=list)


def state_vector(encoded: bytes) -> dict[int, int]:
    """A Yjs state vector (client -> clock) from its binary encoding."""
    decoder = pycrdt.Decoder(encoded)
    if not encoded:
        return {}
    clients = decoder.read_var_uint()
    vector = {}
    for _ in range(clients):
        client = decoder.read_var_uint()
        vector[client] = decoder.read_var_uint()
    return vector


class Replica:
    """One device's replica; not thread-safe (the workspace runs it on one worker)."""

    def __init__(self, folder: Path, workspace_id: str, device_id: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.workspace_id = workspace_id
        self.device_id = device_id
        self._db = Database(sqlite3.connect(folder / "replica.db", isolation_level=None))
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS outgoing (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
            "client INTEGER, before_state BLOB, update_bytes BLOB, pushed INTEGER DEFAULT 0);"
            "CREATE TABLE IF NOT EXISTS applied (name TEXT PRIMARY KEY);"
            "CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY, state BLOB);"
            "CREATE TABLE IF NOT EXISTS bridged (key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE IF NOT EXISTS approved_here (decision TEXT PRIMARY KEY);"
        )
        self.doc: pycrdt.Doc[Any] = pycrdt.Doc()
        self._remote = False
        self._captured = _Captured()
        self._load()
        self._subscription = self.doc.observe(self._capture)

    def _load(self) -> None:
        """What was saved; before ``_capture`` observes the document, so none of it is
        taken for a new local change."""
        row = self._db.execute("SELECT state FROM snapshot WHERE id = 1").fetchone()
        if row is not None:
            self.doc.apply_update(row[0])
        for (update,) in self._db.execute("SELECT update_bytes FROM outgoing ORDER BY seq"):
            self.doc.apply_update(update)
        self._applied = {name for (name,) in self._db.execute("SELECT name FROM applied")}

    def _capture(self, event: pycrdt.TransactionEvent) -> None:
        if not self._remote:
            before: bytes = event.before_state  # type: ignore[attr-defined]  # set at runtime
            self._captured.updates.append((self.doc.client_id, before, event.update))

    @contextlib.contextmanager
    def local_change(self) -> Iterator[None]:
        """One local change: everything done inside is one transaction, saved on exit."""
        with self.doc.transaction():
            yield
        captured, self._captured = self._captured, _Captured()
        if captured.updates:
            with self._transaction():
                self._db.conn.executemany(
                    "INSERT INTO outgoing (client, before_state, update_bytes) VALUES (?, ?, ?)",
                    captured.updates,
                )
                self._db.conn.executemany(
                    "INSERT OR IGNORE INTO approved_here (decision) VALUES (?)",
                    [(d,) for d in captured.approvals],
                )

    def mark_approved_here(self, decision_id: str) -> None:
        """Within a ``local_change``: this device made this approval (saved with it, in one
        transaction). The principal's device sends only what it approved itself: every
        member holds the workspace key, so a record in the document alone proves nothing."""
        self._captured.approvals.append(decision_id)

    def approved_here(self) -> set[str]:
        return {d for (d,) in self._db.execute("SELECT decision FROM approved_here")}

    def unpushed(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM outgoing WHERE pushed = 0").fetchone()[0])

    def push(self, store: SharedStore, epoch: int, key: bytes) -> int:
        """Seal what was not pushed yet into new files; returns how many files."""
        files = 0
        while rows := self._db.execute(
            "SELECT seq, client, before_state, update_bytes FROM outgoing WHERE pushed = 0 "
            "ORDER BY seq LIMIT ?",
            [MAX_UPDATES_PER_FILE],
        ).fetchall():
            first, last = rows[0][0], rows[-1][0]
            name = f"u-{self.device_id}-{first:09d}-{last:09d}.fws"
            payload = _payload(rows)
            store.write(name, sealing.seal(key, epoch, self._context(name), payload))
            self._db.execute("UPDATE outgoing SET pushed = 1 WHERE seq <= ?", [last])
            files += 1
        return files

    def pull(self, store: SharedStore, keys: Mapping[int, bytes]) -> PullReport:
        """Apply every other device's file this replica can place; see the module doc."""
        waiting, unreadable, key_problem = 0, [], ""
        incoming: list[_Incoming] = []
        before_me: list[str] = []  # files older than this device's first key
        for name in sorted(store.list_files()):
            match = UPDATE_FILE.match(name)
            if not match or match["device"] == self.device_id or name in self._applied:
                continue
            blob = store.read(name)
            if blob is None:
                waiting += 1
                continue
            try:
                if sealing.epoch_of(blob) < min(keys):
                    # Written before this device joined: the full state written under the
                    # newer key holds it.
                    before_me.append(name)
                    continue
                incoming.append(_parse(name, sealing.open_sealed(keys, self._context(name), blob)))
            except sealing.Incomplete:
                waiting += 1
            except sealing.Unreadable as exc:
                log.warning("workspace file %s skipped: %s", name, exc)
                unreadable.append(name)
            except WorkspaceKeyError as exc:
                key_problem = str(exc)
        opened = len(incoming)
        applied = self._apply_in_order(incoming)
        waiting += opened - len(applied)
        if applied or before_me:
            self._save_applied(applied + before_me)
        return PullReport(len(applied), waiting, tuple(unreadable), key_problem)

    def _apply_in_order(self, incoming: list[_Incoming]) -> list[str]:
        applied: list[str] = []
        progress = True
        while progress:
            progress = False
            have = state_vector(self.doc.get_state())
            for item in list(incoming):
                if all(have.get(client, 0) >= clock for client, clock in item.requires.items()):
                    self._remote = True
                    try:
                        self.doc.apply_update(item.update)
                    finally:
                        self._remote = False
                    incoming.remove(item)
                    applied.append(item.name)
                    progress = True
                    have = state_vector(self.doc.get_state())
        return applied

    def _save_applied(self, names: list[str]) -> None:
        with self._transaction():
            self._db.conn.executemany(
                "INSERT OR IGNORE INTO applied (name) VALUES (?)", [(n,) for n in names]
            )
            self._save_snapshot()
        self._applied.update(names)

    def _save_snapshot(self) -> None:
        """The whole state; pushed updates it holds are no longer needed on their own."""
        self._db.execute(
            "INSERT OR REPLACE INTO snapshot (id, state) VALUES (1, ?)", [self.doc.get_update()]
        )
        self._db.execute("DELETE FROM outgoing WHERE pushed = 1")

    def write_full_state(self, store: SharedStore, epoch: int, key: bytes) -> None:
        """Seal the whole document as this device's next file (after a key rotation, so
        members joining with the new key need no older file). Pending updates go first,
        in their own file, so the full state's file needs nothing before it."""
        self.push(store, epoch, key)
        with self._transaction():
            self._db.execute(
                "INSERT INTO outgoing (client, before_state, update_bytes) VALUES (?, ?, ?)",
                [self.doc.client_id, b"\x00", self.doc.get_update()],
            )
        self.push(store, epoch, key)

    def bridged(self) -> dict[str, str]:
        """What this device's own database and the document last agreed on, per key (the
        base of a three-way comparison: which side changed since)."""
        return dict(self._db.execute("SELECT key, value FROM bridged").fetchall())

    def set_bridged(self, values: Mapping[str, str]) -> None:
        with self._transaction():
            self._db.conn.executemany(
                "INSERT OR REPLACE INTO bridged (key, value) VALUES (?, ?)", list(values.items())
            )

    def close(self) -> None:
        self.doc.unobserve(self._subscription)
        self._db.conn.close()

    def _context(self, name: str) -> str:
        return f"{self.workspace_id}/{name}"

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


def _payload(rows: list[tuple[int, int, bytes, bytes]]) -> bytes:
    """The updates merged, after what they need: the highest clock each row's writer had
    seen, except for clients the rows themselves write (from their first row on)."""
    requires: dict[int, int] = {}
    first_of: dict[int, int] = {}
    for _, client, before, _update in rows:
        vector = state_vector(before)
        for other, clock in vector.items():
            requires[other] = max(requires.get(other, 0), clock)
        first_of.setdefault(client, vector.get(client, 0))
    requires.update(first_of)
    header = json.dumps({str(c): k for c, k in requires.items() if k}).encode()
    merged = pycrdt.merge_updates(*(update for *_, update in rows))
    return _LENGTH.pack(len(header)) + header + merged


def _parse(name: str, payload: bytes) -> _Incoming:
    (length,) = _LENGTH.unpack_from(payload)
    header = json.loads(payload[_LENGTH.size : _LENGTH.size + length])
    requires = {int(c): int(k) for c, k in header.items()}
    return _Incoming(name, requires, payload[_LENGTH.size + length :])
