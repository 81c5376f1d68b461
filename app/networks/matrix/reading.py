"""What a Matrix event is to Fireside, checked whole: the one reading every path shares.

The pull, the pre-send check (``get_comment``, ``list_replies``), the look-up of a write
and the scan of my posts all read events through ``read``, so they cannot disagree about
one: it is one of the kinds below with every field Fireside uses checked, or it is
``Malformed`` and each of them skips it (any room member can send an event whose
relation has the wrong type, and the homeserver accepts it): ``readable`` reads a batch,
``skipped`` words each skip the same way everywhere.

=============  =======================================================================
kind           the event
=============  =======================================================================
ROOT           an ``m.room.message`` that relates to nothing: a post when I sent it
THREAD_REPLY   an ``m.room.message`` with ``rel_type: m.thread``; ``root`` is the thread
               root, ``reply_to`` the event named by ``m.in_reply_to`` (None when there
               is none, or when ``is_falling_back`` says it only names the latest event)
RICH_REPLY     an ``m.room.message`` with ``m.in_reply_to`` and no ``rel_type`` (what
               Element's plain "Reply" sends); ``reply_to`` is the event it answers
EDIT           an ``m.room.message`` with ``rel_type: m.replace``; ``target`` is the
               edited event, ``new`` its ``m.new_content`` (checked like a message)
REDACTION      an ``m.room.redaction``; ``target`` is the event it removes
REDACTED       an ``m.room.message`` removed by a redaction (its content is gone)
OTHER          what Fireside does not read: other event types, other ``rel_type`` values
               (references, annotations...), an ``m.relates_to`` naming nothing
=============  =======================================================================

Malformed: an envelope field missing or of the wrong type (``event_id``, ``type``,
``sender``, ``origin_server_ts`` within the years a datetime holds, ``content`` an object,
``unsigned`` an object or absent); ``m.relates_to``, ``m.in_reply_to`` or ``m.new_content``
that is not an object; a ``rel_type``, ``is_falling_back`` or event id of the wrong type;
an event id that is not one (``$...``, at most 255 characters, no "|", which Fireside's
remote ids use); a thread or edit naming no event; a message whose ``body`` or
``msgtype`` is not text.
"""

from __future__ import annotations

import enum
import reprlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec

from app.networks.http import Malformed, field
from app.timeutil import iso

#: The spec's bound on an event id's length (the sigil and server name included).
MAX_EVENT_ID = 255


class Kind(enum.Enum):
    ROOT = "root"
    THREAD_REPLY = "thread reply"
    RICH_REPLY = "rich reply"
    EDIT = "edit"
    REDACTION = "redaction"
    REDACTED = "redacted"
    OTHER = "other"


#: The kinds that can be comments.
REPLIES = frozenset({Kind.THREAD_REPLY, Kind.RICH_REPLY})


class Envelope(msgspec.Struct, frozen=True):
    """The fields every event has, checked."""

    event_id: str
    type: str
    sender: str
    ts: int
    content: dict
    unsigned: dict

    @property
    def redacted(self) -> bool:
        return "redacted_because" in self.unsigned


class Read(msgspec.Struct, frozen=True):
    """An event and what it is (see the module docstring for each field's meaning)."""

    event: Envelope
    kind: Kind
    root: str | None = None
    reply_to: str | None = None
    target: str | None = None
    new: dict | None = None

    @property
    def event_id(self) -> str:
        return self.event.event_id


def moment(ms: int) -> str:
    """``origin_server_ts`` (milliseconds) as UTC "YYYY-MM-DDTHH:MM:SSZ"."""
    try:
        return iso(datetime.fromtimestamp(ms / 1000, UTC))
    except (OverflowError, OSError, ValueError) as exc:
        raise Malformed(f"timestamp {reprlib.repr(ms)} is out of range") from exc


def event_id_in(obj: dict, name: str, optional: bool = False) -> str | None:
    """``obj[name]`` when it is an event id Fireside can name; Malformed otherwise."""
    value = field(obj, name, optional=optional)
    if value is not None and (
        not value.startswith("$") or "|" in value or len(value) > MAX_EVENT_ID
    ):
        raise Malformed(f"field {name!r} is {reprlib.repr(value)}, not an event id")
    return value


def envelope(obj: Any) -> Envelope:
    if not isinstance(obj, dict):
        raise Malformed(f"event is {reprlib.repr(obj)}")
    event_id = event_id_in(obj, "event_id")
    assert event_id is not None  # not optional
    ts = field(obj, "origin_server_ts", int)
    moment(ts)  # in range, or Malformed
    return Envelope(
        event_id=event_id,
        type=field(obj, "type"),
        sender=field(obj, "sender"),
        ts=ts,
        content=field(obj, "content", dict),
        unsigned=field(obj, "unsigned", dict, optional=True) or {},
    )


def check_text(content: dict) -> dict:
    """The content of a text message: ``body`` (and ``msgtype`` if any) are text."""
    field(content, "body")
    field(content, "msgtype", optional=True)
    return content


def read(obj: Any) -> Read:
    """What the event is; Malformed when any part Fireside uses has the wrong shape."""
    event = envelope(obj)
    if event.type == "m.room.redaction":
        # From room version 11 on the target is in the content; before, at the top level.
        holder = event.content if "redacts" in event.content else obj
        return Read(event, Kind.REDACTION, target=event_id_in(holder, "redacts"))
    if event.type != "m.room.message":
        return Read(event, Kind.OTHER)
    if event.redacted:
        return Read(event, Kind.REDACTED)
    if "m.relates_to" not in event.content:
        check_text(event.content)
        return Read(event, Kind.ROOT)
    return _related(event, field(event.content, "m.relates_to", dict))


def _related(event: Envelope, rel: dict) -> Read:
    rel_type = field(rel, "rel_type", optional=True)
    reply = field(rel, "m.in_reply_to", dict, optional=True)
    reply_to = event_id_in(reply, "event_id") if reply is not None else None
    if rel_type == "m.replace":
        target = event_id_in(rel, "event_id")
        new = check_text(field(event.content, "m.new_content", dict))
        return Read(event, Kind.EDIT, target=target, new=new)
    if rel_type == "m.thread":
        root = event_id_in(rel, "event_id")
        falling_back = field(rel, "is_falling_back", bool, optional=True)
        check_text(event.content)
        reply_to = None if falling_back else reply_to
        return Read(event, Kind.THREAD_REPLY, root=root, reply_to=reply_to)
    if rel_type is None and reply_to is not None:
        check_text(event.content)
        return Read(event, Kind.RICH_REPLY, reply_to=reply_to)
    return Read(event, Kind.OTHER)


def readable(room: str, raws: Iterable[object], errors: list[str]) -> Iterator[tuple[object, Read]]:
    """Each event that reads, with what it is; a malformed one is skipped with its
    sentence added to ``errors``."""
    for raw in raws:
        try:
            event = read(raw)
        except Malformed as exc:
            errors.append(skipped(room, raw, exc))
            continue
        yield raw, event


def skipped(room: str, raw: object, exc: Exception) -> str:
    """The one sentence for a malformed event that was skipped, wherever it was read: the
    event and room ids whole (so the event can be found), anything longer shortened."""
    ident = raw.get("event_id") if isinstance(raw, dict) else None
    shown = _whole(ident) if isinstance(ident, str) else "(no id)"
    return f"Matrix event {shown} in room {_whole(room)} is malformed and was skipped: {exc}."


def _whole(ident: str) -> str:
    """An id as it is when it is no longer than ids are, else shortened."""
    return repr(ident) if len(ident) <= MAX_EVENT_ID else reprlib.repr(ident)
