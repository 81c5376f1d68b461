"""Matrix events as Fireside's posts, comments and people (pure functions, no I/O).

Every event is read through ``reading.read`` first (what it is, checked whole). Then:

- A **post** is a root ``m.room.message`` I sent: no ``m.relates_to`` at all (not part of
  a thread, not a reply, not an edit).
- A **comment** is a reply on one of my posts, at the ``Place`` that ``placing.py`` finds
  for it: a reply in the post's thread (``rel_type: m.thread``), or a rich reply
  (``m.in_reply_to`` alone) to the post or to one of its comments. A thread reply's
  parent is the comment named by ``m.in_reply_to`` unless ``is_falling_back`` is true
  (then it names no specific parent, only the thread's latest event for thread-unaware
  clients) or it names the post itself: such a comment is top-level; a rich reply's is
  the comment it answers (top-level when it answers the post). Its root is the top-level
  comment its chain starts from, as far as Fireside has seen the chain.
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
from typing import Any
from urllib.parse import quote

import msgspec

from app.domain import Person, RemoteComment, RemotePost
from app.networks.http import Malformed, field
from app.networks.matrix.reading import REPLIES, Kind, Read, moment, read

__all__ = ["moment"]  # re-exported: the time format of every Matrix value

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


def current(event: Read) -> tuple[dict, int | None]:
    """The event's current content and the time of the edit that made it (None: never
    edited). Only a well-formed edit of this event by its own sender counts: another one
    (a server bug in the bundle, a malformed edit) leaves the text as it was, as the
    pull, which skips a malformed edit, leaves it."""
    bundle = event.event.unsigned.get("m.relations")
    edit = bundle.get("m.replace") if isinstance(bundle, dict) else None
    if not isinstance(edit, dict):
        return event.event.content, None
    try:
        latest = read(edit)
    except Malformed:
        return event.event.content, None
    if (
        latest.kind is not Kind.EDIT
        or latest.target != event.event_id
        or latest.event.sender != event.event.sender
        or latest.new is None
    ):
        return event.event.content, None
    return latest.new, latest.event.ts


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
    event = read(obj)
    if event.kind is Kind.REDACTED:
        stamp = moment(event.event.ts)
        return RemotePost(join_id(room, event.event_id), "", "", "", stamp, stamp, deleted=True)
    if event.kind is not Kind.ROOT:
        raise Malformed("it is not a root message")
    content, edited = current(event)
    text = plain_text(content)
    return RemotePost(
        remote_id=join_id(room, event.event_id),
        title=title_of(text),
        body=text,
        url=post_url(room, event.event_id),
        created_at=moment(event.event.ts),
        updated_at=moment(edited if edited is not None else event.event.ts),
    )


class Place(msgspec.Struct, frozen=True):
    """Where a reply stands among my posts (``placing.py`` finds it): the post it is a
    comment on and the comment it answers (remote ids; None: top-level), and whether it
    is in the post's thread (answered in the thread) or a rich reply (answered with one)."""

    post: str
    parent: str | None
    threaded: bool


def thread_place(room: str, event: Read) -> Place:
    """The place a thread reply names itself: on the thread's root, under the event its
    ``m.in_reply_to`` names unless that is the root. Whether the root is a post of mine
    is for the caller to know."""
    if event.kind is not Kind.THREAD_REPLY or event.root is None:
        raise Malformed("it is not a reply in a thread")
    parent = event.reply_to if event.reply_to not in (None, event.root) else None
    return Place(join_id(room, event.root), join_id(room, parent) if parent else None, True)


def parse_comment(
    obj: Any,
    room: str,
    my_id: str,
    names: Mapping[str, str],
    roots: Mapping[str, str | None],
    *,
    place: Place | None = None,
) -> RemoteComment:
    """A reply as a comment at ``place`` (a thread reply without one: the place it names
    itself). ``roots`` maps the remote ids of comments already seen to their root (None:
    top-level)."""
    event = read(obj)
    if place is None:
        place = thread_place(room, event)
    elif event.kind not in REPLIES:
        raise Malformed("it is not a reply")
    parent = place.parent
    content, edited = current(event)
    return RemoteComment(
        remote_id=join_id(room, event.event_id),
        post_remote_id=place.post,
        parent_remote_id=parent,
        root_remote_id=(roots.get(parent) or parent) if parent else None,
        author=person(event.event.sender, names),
        body_html=body_html(content),
        created_at=moment(event.event.ts),
        edited_at=moment(edited) if edited is not None else None,
        version=edited if edited is not None else event.event.ts,
        is_mine=event.event.sender == my_id,
    )
