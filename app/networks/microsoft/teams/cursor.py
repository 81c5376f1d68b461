"""Where the Teams pull stands per channel, stored by the engine as the comments cursor.

Each chosen channel keeps its delta state (chatmessage-delta): the ``@odata.deltaLink``
the last round ended with, the ``@odata.nextLink`` of a round under way, and when its
last round completed (``read_at``: how fresh the channel is, shown to the person).

Microsoft's polling guidance (api-reference/v1.0/resources/teams-api-overview.md,
"Polling requirements"): an app may poll a resource to see whether it changed at most
once a day; a GET when the user visits or refreshes is not polling. So a channel is read
by itself at most every ``POLL_EVERY_S``, and when the person opens Fireside or asks to
sync (``PullMode.RESCAN``), but then still at most every ``REFRESH_MIN_S``.

A pull starts by listing the channels due (``todo``) and reads one delta page a step.
Stored as compact JSON; anything unreadable decodes to a fresh cursor (every channel
read whole again, which the store absorbs without duplicates).
"""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec
from msgspec.structs import replace

VERSION = 1
#: Automatic reads of a channel at most this often (Graph: once a day).
POLL_EVERY_S = 24 * 3600.0
#: Reads the person asked for, at most this often per channel.
REFRESH_MIN_S = 60.0


class ChannelState(msgspec.Struct, frozen=True):
    delta_link: str | None = None
    next_link: str | None = None
    read_at: float | None = None
    problem: str = ""
    #: Full re-reads after the delta token expired (for the record).
    resyncs: int = 0

    def due(self, now: float, asked: bool) -> bool:
        if self.next_link is not None or self.read_at is None:
            return True
        return now - self.read_at >= (REFRESH_MIN_S if asked else POLL_EVERY_S)


class Cursor(msgspec.Struct, frozen=True):
    channels: dict[str, ChannelState] = msgspec.field(default_factory=dict)
    todo: tuple[str, ...] = ()

    def state(self, key: str) -> ChannelState:
        return self.channels.get(key, ChannelState())

    def with_state(self, key: str, state: ChannelState) -> Cursor:
        return replace(self, channels={**self.channels, key: state})

    def done_with(self, key: str) -> Cursor:
        return replace(self, todo=tuple(k for k in self.todo if k != key))

    def encode(self) -> str:
        data: dict[str, Any] = {"v": VERSION, "c": {}}
        for key, state in sorted(self.channels.items()):
            entry: dict[str, Any] = {}
            for short, value in (
                ("d", state.delta_link),
                ("n", state.next_link),
                ("r", state.read_at),
                ("p", state.problem or None),
                ("x", state.resyncs or None),
            ):
                if value is not None:
                    entry[short] = value
            data["c"][key] = entry
        if self.todo:
            data["t"] = list(self.todo)
        return json.dumps(data, separators=(",", ":"))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def decode(text: str | None) -> Cursor:
    if not text:
        return Cursor()
    try:
        data = json.loads(text)
        if (
            not isinstance(data, dict)
            or data.get("v") != VERSION
            or not isinstance(data["c"], dict)
        ):
            return Cursor()
        channels = {}
        for key, entry in data["c"].items():
            read_at = entry.get("r")
            if read_at is not None and (
                type(read_at) not in (int, float) or not math.isfinite(read_at)
            ):
                return Cursor()
            resyncs = entry.get("x", 0)
            channels[key] = ChannelState(
                _text(entry.get("d")),
                _text(entry.get("n")),
                None if read_at is None else float(read_at),
                _text(entry.get("p")) or "",
                resyncs if type(resyncs) is int else 0,
            )
        todo = data.get("t", [])
        if not isinstance(todo, list) or not all(isinstance(k, str) for k in todo):
            return Cursor()
        return Cursor(channels, tuple(todo))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return Cursor()
