"""Matrix events as Fireside's posts, comments and people (pure functions, no I/O).

The mapping:

- A **post** is a root ``m.room.message`` I sent: no ``m.relates_to`` at all (not part of
  a thread, not a reply, not an edit).
- A **comment** is an ``m.room.message`` in the thread of one of my posts
  (``rel_type: m.thread``, ``event_id`` = the post). Its parent is the comment named by
  ``m.in_reply_to`` unless ``is_falling_back`` is true (then it names no specific parent,
  only the thread's latest event for thread-unaware clients) or it names the post itself:
  such a comment is top-level. Its root is the top-level comment its chain starts from,
  as far as Fireside has seen the chain.
- An **edit** (``rel_type: m.replace``) counts only from the original's sender; the
  server bundles the latest one under ``unsigned["m.relations"]["m.replace"]`` and its
  ``m.new_content`` is the current text. ``edited_at`` is that edit's time and
  ``version`` its ``origin_server_ts`` (the original's when never edited), so any change
  of text changes the version.
- A **redacted** event has empty content and ``unsigned.redacted_because``: deleted.

Remote ids carry the room, as ``"<room_id>|<event_id>"``: event ids never contain "|",
so the id splits at its last "|" and room ids are never parsed.

The HTML of a comment is ``formatted_body`` when ``format`` is ``org.matrix.custom.html``
(minus an old-style ``<mx-reply>`` quote), else the escaped plain ``body``. It is not
sanitised here: like every connector's, it is sanitised where it is shown.
"""

from __future__ import annotations

import html
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from app.domain import Person, RemoteComment, RemotePost
from app.networks.http import Malformed, field
from app.timeutil import iso

HTML_FORMAT = "org.matrix.custom.html"
_TEXT_TYPES = frozenset({"m.text", "m.notice", "m.emote"})
_TITLE_CHARS = 80


def join_id(room: str, event_id: str) -> str:
    return f"{room}|{event_id}"


def split_id(remote_id: str) -> tuple[str, str]:
    """(room id, event id) of a remote id this connector made; ValueError otherwise."""
    room, _, event_id = remote_id.rpartition("|")
    if not room or not event_id.startswith("$"):
        raise ValueError(f"{reprlib.repr(remote_id)} is not a Matrix message id")
    return room, event_id


def moment(ms: int) -> str:
    """``origin_server_ts`` (milliseconds) as UTC "YYYY-MM-DDTHH:MM:SSZ"."""
    try:
        return iso(datetime.fromtimestamp(ms / 1000, UTC))
    except (OverflowError, OSError, ValueError) as exc:
        raise Malformed(f"timestamp {reprlib.repr(ms)} is out of range") from exc


@dataclass(frozen=True)
class Envelope:
    """The fields every event has, checked."""

    event_id: str
    type: str
    sender: str
    ts: int
    content: dict
    unsigned: dict
    #: The event a redaction removes (``content.redacts`` from room version 11 on, the
    #: top-level ``redacts`` before); None for anything else.
    redacts: str | None = None

    @property
    def redacted(self) -> bool:
        return "redacted_because" in self.unsigned


def envelope(obj: Any) -> Envelope:
    if not isinstance(obj, dict):
        raise Malformed(f"event is {reprlib.repr(obj)}")
    event_id = field(obj, "event_id")
    if not event_id.startswith("$") or "|" in event_id:
        raise Malformed(f"event id {reprlib.repr(event_id)} is not an event id")
    unsigned = field(obj, "unsigned", dict, optional=True) or {}
    content = field(obj, "content", dict)
    kind = field(obj, "type")
    redacts = None
    if kind == "m.room.redaction":
        redacts = content.get("redacts", obj.get("redacts"))
        if not isinstance(redacts, str) or not redacts.startswith("$"):
            raise Malformed(f"redaction of {reprlib.repr(redacts)}")
    return Envelope(
        event_id=event_id,
        type=kind,
        sender=field(obj, "sender"),
        ts=field(obj, "origin_server_ts", int),
        content=content,
        unsigned=unsigned,
        redacts=redacts,
    )


@dataclass(frozen=True)
class Relation:
    """``m.relates_to``: ``rel_type`` (None for a plain reply) and its target; the event
    it replies to (``m.in_reply_to``) and whether that is only a thread fallback."""

    rel_type: str | None
    target: str | None
    reply_to: str | None
    falling_back: bool


def relation(content: dict) -> Relation | None:
    """The event's relation, None when it has none."""
    if "m.relates_to" not in content:
        return None
    rel = field(content, "m.relates_to", dict)
    reply = field(rel, "m.in_reply_to", dict, optional=True)
    return Relation(
        rel_type=field(rel, "rel_type", optional=True),
        target=field(rel, "event_id", optional=True),
        reply_to=field(reply, "event_id", optional=True) if reply is not None else None,
        falling_back=bool(field(rel, "is_falling_back", bool, optional=True)),
    )


def thread_root(event: Envelope) -> str | None:
    """The root of the thread the event belongs to, None when it is in no thread."""
    if event.redacted:
        return None
    rel = relation(event.content)
    if rel is None or rel.rel_type != "m.thread":
        return None
    if rel.target is None or not rel.target.startswith("$"):
        raise Malformed("its thread relation names no event")
    return rel.target


def edit_target(event: Envelope) -> str | None:
    rel = relation(event.content)
    if rel is None or rel.rel_type != "m.replace" or not rel.target:
        return None
    return rel.target


def is_root_message(event: Envelope) -> bool:
    """A message that relates to nothing: a post when I sent it."""
    return event.type == "m.room.message" and not event.redacted and relation(event.content) is None


def current(event: Envelope) -> tuple[dict, int | None]:
    """The event's current content and the time of the edit that made it (None: never
    edited). Only an edit by the original's sender counts."""
    bundle = event.unsigned.get("m.relations")
    edit = bundle.get("m.replace") if isinstance(bundle, dict) else None
    if not isinstance(edit, dict):
        return event.content, None
    try:
        latest = envelope(edit)
    except Malformed:
        return event.content, None  # a server bug in the bundle: keep the original text
    new = latest.content.get("m.new_content")
    if latest.sender != event.sender or not isinstance(new, dict):
        return event.content, None
    return new, latest.ts


def _strip_reply_quote(text: str) -> str:
    """Drop an old-style reply fallback: leading "> " lines and the blank line after."""
    lines = text.split("\n")
    if not lines or not lines[0].startswith("> <"):
        return text
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    if index < len(lines) and not lines[index].strip():
        index += 1
    return "\n".join(lines[index:])


def _strip_mx_reply(formatted: str) -> str:
    """Drop a leading ``<mx-reply>...</mx-reply>`` quote (found by plain search: linear)."""
    lowered = formatted.lower()
    start = lowered.find("<mx-reply>")
    end = lowered.find("</mx-reply>")
    if start < 0 or end < start or formatted[:start].strip():
        return formatted
    return formatted[end + len("</mx-reply>") :]


def plain_text(content: dict) -> str:
    body = field(content, "body")
    return _strip_reply_quote(body) if "m.relates_to" in content else body


def body_html(content: dict) -> str:
    """HTML of a message's content (unsanitised: the display sanitises)."""
    text = plain_text(content)
    msgtype = field(content, "msgtype", optional=True) or "m.text"
    formatted = content.get("formatted_body")
    if content.get("format") == HTML_FORMAT and isinstance(formatted, str):
        rendered = _strip_mx_reply(formatted)
    else:
        paragraphs = [p for p in text.split("\n\n") if p.strip()] or [""]
        rendered = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    if msgtype not in _TEXT_TYPES:  # an image, a file...: say what it is, not its bytes
        kind = msgtype.removeprefix("m.")
        rendered = f"<p>[{html.escape(kind)}: {html.escape(text)}]</p>"
    return rendered


def person(user_id: str, names: Mapping[str, str]) -> Person:
    return Person(remote_id=user_id, name=names.get(user_id) or user_id)


def parse_person(obj: Any) -> Person:
    """A room member from its ``m.room.member`` state event."""
    if not isinstance(obj, dict):
        raise Malformed(f"member is {reprlib.repr(obj)}")
    user_id = field(obj, "state_key")
    content = field(obj, "content", dict)
    name = field(content, "displayname", optional=True)
    return Person(remote_id=user_id, name=name.strip() if name and name.strip() else user_id)


def member_names(state: Any) -> dict[str, str]:
    """user id -> display name from the member events of a sync or messages answer."""
    names: dict[str, str] = {}
    for obj in state if isinstance(state, list) else ():
        if isinstance(obj, dict) and obj.get("type") == "m.room.member":
            try:
                member = parse_person(obj)
            except Malformed:
                continue
            names[member.remote_id] = member.name
    return names


def post_url(room: str, event_id: str) -> str:
    return f"https://matrix.to/#/{quote(room, safe='')}/{quote(event_id, safe='')}"


def title_of(text: str) -> str:
    """A post's title for the inbox: its first non-empty line, shortened."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = line.lstrip("#").strip()
    if len(line) > 4 and line.startswith("**") and line.endswith("**"):  # a title in bold
        line = line[2:-2].strip()
    return line if len(line) <= _TITLE_CHARS else line[: _TITLE_CHARS - 1].rstrip() + "…"


def parse_post(obj: Any, room: str) -> RemotePost:
    """My root message as a post (redacted: deleted, with no text)."""
    event = envelope(obj)
    if event.redacted:
        stamp = moment(event.ts)
        return RemotePost(join_id(room, event.event_id), "", "", "", stamp, stamp, deleted=True)
    if not is_root_message(event):
        raise Malformed("it is not a root message")
    content, edited = current(event)
    text = plain_text(content)
    return RemotePost(
        remote_id=join_id(room, event.event_id),
        title=title_of(text),
        body=text,
        url=post_url(room, event.event_id),
        created_at=moment(event.ts),
        updated_at=moment(edited if edited is not None else event.ts),
    )


def parse_comment(
    obj: Any,
    room: str,
    my_id: str,
    names: Mapping[str, str],
    roots: Mapping[str, str | None],
) -> RemoteComment:
    """A thread reply as a comment on the post at the thread's root. ``roots`` maps the
    remote ids of comments already seen to their root (None: top-level)."""
    event = envelope(obj)
    root = thread_root(event)
    if root is None:
        raise Malformed("it is not a reply in a thread")
    rel = relation(event.content)
    assert rel is not None  # thread_root found one
    parent = None
    if rel.reply_to and not rel.falling_back and rel.reply_to != root:
        parent = join_id(room, rel.reply_to)
    content, edited = current(event)
    return RemoteComment(
        remote_id=join_id(room, event.event_id),
        post_remote_id=join_id(room, root),
        parent_remote_id=parent,
        root_remote_id=(roots.get(parent) or parent) if parent else None,
        author=person(event.sender, names),
        body_html=body_html(content),
        created_at=moment(event.ts),
        edited_at=moment(edited) if edited is not None else None,
        version=edited if edited is not None else event.ts,
        is_mine=event.sender == my_id,
    )
