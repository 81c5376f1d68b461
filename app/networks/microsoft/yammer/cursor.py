"""Where the Viva Engage pull stands, stored by the engine as the comments cursor.

Yammer can say what is new (``newer_than=<message id>``, ids grow with time) but never
what was edited or deleted. So a pull works in rounds, at most one a minute (the
documented polling guidance: "do not exceed one poll per minute"):

scan   every thread I started, read whole (``in_thread``, all pages), one thread a
       step, each reported with ``complete_for_posts`` so the store marks what vanished
       as deleted and sees edits. Before it starts, the newest message id of each of
       my communities is noted (``pending``); once every thread is read those become
       the ``marks``. The first pull is a scan, and a scan again every ``RESCAN_EVERY_S``.
feed   each of my communities' messages newer than its mark (``in_group``, newest first,
       paged back with ``older_than`` while ``meta.older_available``), one page a step;
       the messages in my threads are the new comments. A community's mark moves to the
       newest id its feed showed once all of its new pages are read.

A message that arrives while a scan runs is newer than the marks noted before it, so the
next feed shows it (the store keeps one row per message, so seeing it twice is harmless).

Stored as compact JSON; anything unreadable decodes to a fresh cursor (a new scan).
"""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import msgspec
from msgspec.structs import replace

VERSION = 1
#: Rounds start at most this often (Yammer: poll at most once a minute).
POLL_EVERY_S = 60.0
#: A full re-scan (edits and deletions) at most this often.
RESCAN_EVERY_S = 3 * 3600.0


class Mode(enum.StrEnum):
    IDLE = "idle"
    SCAN = "scan"
    FEED = "feed"


class Cursor(msgspec.Struct, frozen=True):
    polled_at: float | None = None
    scanned_at: float | None = None
    marks: dict[str, str] = msgspec.field(default_factory=dict)
    mode: Mode = Mode.IDLE
    todo: tuple[str, ...] = ()
    pending: dict[str, str] = msgspec.field(default_factory=dict)
    older_than: str | None = None

    def may_poll(self, now: float) -> bool:
        return self.polled_at is None or now - self.polled_at >= POLL_EVERY_S

    def scan_due(self, now: float) -> bool:
        return not self.marks or self.scanned_at is None or now - self.scanned_at >= RESCAN_EVERY_S

    def start_scan(self, now: float, threads: tuple[str, ...], marks: dict[str, str]) -> Cursor:
        return replace(self, polled_at=now, mode=Mode.SCAN, todo=threads, pending=marks)

    def start_feed(self, now: float, communities: tuple[str, ...], marks: dict[str, str]) -> Cursor:
        return replace(
            self,
            polled_at=now,
            mode=Mode.FEED,
            todo=communities,
            marks={**marks, **self.marks},
            pending={},
            older_than=None,
        )

    def next_thread(self, now: float) -> Cursor:
        """The scan's current thread is read; the scan ends after the last one."""
        todo = self.todo[1:]
        if todo:
            return replace(self, todo=todo)
        return replace(
            self, mode=Mode.IDLE, todo=(), marks=dict(self.pending), pending={}, scanned_at=now
        )

    def fed(self, community: str, newest: str | None, older_than: str | None) -> Cursor:
        """A page of ``community``'s feed is read: its newest id so far, and where its
        next page starts (None: it was the last)."""
        pending = dict(self.pending)
        if newest is not None and int(newest) > int(pending.get(community, "0")):
            pending[community] = newest
        if older_than is not None:
            return replace(self, pending=pending, older_than=older_than)
        marks = dict(self.marks)
        if community in pending:
            marks[community] = pending.pop(community)
        todo = self.todo[1:]
        mode = self.mode if todo else Mode.IDLE
        return replace(self, marks=marks, pending=pending, todo=todo, mode=mode, older_than=None)

    def encode(self) -> str:
        data: dict[str, Any] = {"v": VERSION, "m": str(self.mode)}
        for key, value in (
            ("p", self.polled_at),
            ("s", self.scanned_at),
            ("o", self.older_than),
        ):
            if value is not None:
                data[key] = value
        if self.marks:
            data["k"] = self.marks
        if self.todo:
            data["t"] = list(self.todo)
        if self.pending:
            data["n"] = self.pending
        return json.dumps(data, separators=(",", ":"), sort_keys=True)


def _time(value: Any) -> float | None:
    if value is None:
        return None
    if type(value) not in (int, float) or not math.isfinite(value):
        raise ValueError("not a time")
    return float(value)


def _ids(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("not a map")
    for key, mark in value.items():
        if not (str(key).isdigit() and isinstance(mark, str) and mark.isdigit()):
            raise ValueError("not an id")
    return dict(value)


def decode(text: str | None) -> Cursor:
    """The cursor ``text`` holds; a fresh one for None or anything unreadable."""
    if not text:
        return Cursor()
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != VERSION:
            return Cursor()
        todo = data.get("t", [])
        older = data.get("o")
        if not isinstance(todo, list) or not all(isinstance(t, str) and t.isdigit() for t in todo):
            return Cursor()
        if older is not None and not (isinstance(older, str) and older.isdigit()):
            return Cursor()
        return Cursor(
            polled_at=_time(data.get("p")),
            scanned_at=_time(data.get("s")),
            marks=_ids(data.get("k")),
            mode=Mode(data.get("m", "idle")),
            todo=tuple(todo),
            pending=_ids(data.get("n")),
            older_than=older,
        )
    except (ValueError, TypeError, RecursionError):
        return Cursor()
