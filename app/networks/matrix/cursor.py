"""The Matrix comments cursor: where ``/sync`` continues, and back-fill still to do.

A cursor is compact JSON that the engine stores and passes back unchanged::

    {"since": "<next_batch>" | null, "fill": [[room, from, to, pages_left], ...]}

``since`` is the last ``/sync`` ``next_batch`` (null: nothing synced yet). Each ``fill``
entry is a room whose timeline in that sync was ``limited``: its events from ``from`` (the
sync's ``prev_batch``, then each ``/messages`` ``end``) back to ``to`` (the sync token the
sync started from; null on the first sync: as far as ``pages_left`` allows) are still to be
read, at most ``pages_left`` more pages. While any entry remains the page has ``has_more``.
"""

from __future__ import annotations

import json

import msgspec


class Fill(msgspec.Struct, frozen=True):
    room: str
    start: str
    stop: str | None
    pages_left: int


class Cursor(msgspec.Struct, frozen=True):
    since: str | None = None
    fills: tuple[Fill, ...] = ()


def encode(cursor: Cursor) -> str:
    fills = [[f.room, f.start, f.stop, f.pages_left] for f in cursor.fills]
    return json.dumps({"since": cursor.since, "fill": fills}, separators=(",", ":"))


def decode(text: str | None) -> Cursor:
    """The cursor ``encode`` wrote; ValueError for anything else."""
    if not text:
        return Cursor()
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    since, fills = data.get("since"), data.get("fill", [])
    if (since is not None and not isinstance(since, str)) or not isinstance(fills, list):
        raise ValueError("bad since or fill")
    return Cursor(since or None, tuple(_fill(entry) for entry in fills))


def _fill(entry: object) -> Fill:
    if not isinstance(entry, list) or len(entry) != 4:
        raise ValueError(f"bad fill entry {entry!r}")
    room, start, stop, left = entry
    if not (
        isinstance(room, str)
        and isinstance(start, str)
        and (stop is None or isinstance(stop, str))
        and isinstance(left, int)
        and not isinstance(left, bool)
        and left > 0
    ):
        raise ValueError(f"bad fill entry {entry!r}")
    return Fill(room, start, stop, left)
