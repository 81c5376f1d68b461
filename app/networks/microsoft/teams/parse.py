"""Graph ``chatMessage`` objects (resources/chatmessage.md) to checked values.

A message has ``id``, ``replyToId`` (its top-level message, or null), ``messageType``
("message"; system events are "systemEventMessage" or "unknownFutureValue" and carry no
author), ``from.user`` {id, displayName}, ``body`` {contentType: text|html, content},
``createdDateTime``, ``lastModifiedDateTime``, ``lastEditedDateTime``, ``deletedDateTime``
(a soft-deleted message stays listed with it set and an empty body) and ``webUrl``. With
``$expand=replies`` a top-level message carries ``replies`` and, past 1000 of them,
``replies@odata.nextLink``.

``read`` says what one listed object is: a message, a system event (not a comment, not
an error: skipped silently) or malformed (skipped with a sentence, its id if readable).
"""

from __future__ import annotations

import html
import reprlib
from typing import Any

import msgspec

from app.domain import Person
from app.domain.network import SOMEONE_IN_TEAMS
from app.networks.http import Malformed
from app.networks.http import field as typed
from app.text.sanitize import COMMENT_TAGS, sanitize_html
from app.timeutil import parse

_SYSTEM = frozenset({"systemEventMessage", "unknownFutureValue", "chatEvent"})


class ChatMessage(msgspec.Struct, frozen=True):
    id: str
    reply_to: str | None
    author: Person
    body_html: str  # as sent: "text" bodies escaped into HTML, "html" as it is
    created_at: str
    modified_at: str
    edited_at: str | None
    deleted: bool
    web_url: str
    replies: tuple[Any, ...] = ()  # raw, read with ``read`` in turn
    more_replies: str | None = None  # replies@odata.nextLink
    mentioned: frozenset[str] | None = frozenset()  # user ids in ``mentions``; None: unreadable
    subject: str = ""  # a post's title


class Skipped(msgspec.Struct, frozen=True):
    sentence: str
    id: str | None


class SystemEvent:
    """A system message (member added, channel renamed...): not anyone's comment."""


SYSTEM_EVENT = SystemEvent()


def _time(obj: dict, name: str, optional: bool = False) -> str | None:
    value = typed(obj, name, optional=optional)
    if value is None:
        return None
    try:
        parse(value)
    except ValueError:
        raise Malformed(f"field {name!r} is {reprlib.repr(value)}, not a time") from None
    return value


def _id(obj: dict, name: str, optional: bool = False) -> str | None:
    value = typed(obj, name, optional=optional)
    if value is not None and (not value or "|" in value or len(value) > 200):
        raise Malformed(f"field {name!r} is {reprlib.repr(value)}")
    return value


def parse_message(obj: Any) -> ChatMessage | SystemEvent:
    if not isinstance(obj, dict):
        raise Malformed(f"message is {reprlib.repr(obj)}")
    if obj.get("messageType") in _SYSTEM:
        return SYSTEM_EVENT
    sender = obj.get("from")
    user = sender.get("user") if isinstance(sender, dict) else None
    if not isinstance(user, dict):
        raise Malformed(f"field 'from' is {reprlib.repr(sender)}")
    body = obj.get("body")
    if not isinstance(body, dict):
        raise Malformed(f"field 'body' is {reprlib.repr(body)}")
    content = typed(body, "content", optional=True) or ""
    kind = typed(body, "contentType", optional=True) or "text"
    replies = obj.get("replies", [])
    if not isinstance(replies, list):
        raise Malformed(f"field 'replies' is {reprlib.repr(replies)}")
    user_id = str(_id(user, "id"))
    name = (typed(user, "displayName", optional=True) or "").strip()
    created = str(_time(obj, "createdDateTime"))
    return ChatMessage(
        id=str(_id(obj, "id")),
        reply_to=_id(obj, "replyToId", optional=True),
        author=Person(user_id, name or SOMEONE_IN_TEAMS),
        body_html=content if kind == "html" else _escaped(content),
        created_at=created,
        modified_at=_time(obj, "lastModifiedDateTime", optional=True) or created,
        edited_at=_time(obj, "lastEditedDateTime", optional=True),
        deleted=_time(obj, "deletedDateTime", optional=True) is not None,
        web_url=typed(obj, "webUrl", optional=True) or "",
        replies=tuple(replies),
        more_replies=typed(obj, "replies@odata.nextLink", optional=True),
        mentioned=_mentioned(obj.get("mentions")),
        subject=(typed(obj, "subject", optional=True) or "").strip(),
    )


def _mentioned(mentions: Any) -> frozenset[str] | None:
    """The user ids a message mentions (a mention of no user, such as of a channel or an
    app, names none); None when an entry or the list cannot be read."""
    if mentions is None:
        return frozenset()
    if not isinstance(mentions, list):
        return None
    ids = set()
    for mention in mentions:
        mentioned = mention.get("mentioned") if isinstance(mention, dict) else None
        if not isinstance(mentioned, dict):
            return None
        user = mentioned.get("user")
        if user is None:
            continue
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            return None
        ids.add(user["id"])
    return frozenset(ids)


def read(obj: Any, service: str) -> ChatMessage | SystemEvent | Skipped:
    """One listed object, whatever it turns out to be."""
    try:
        return parse_message(obj)
    except Malformed as exc:
        ident = obj.get("id") if isinstance(obj, dict) else None
        readable = isinstance(ident, str) and 0 < len(ident) <= 200
        shown = ident if readable else reprlib.repr(ident)
        return Skipped(
            f"{service}: message {shown} is malformed and was skipped: {exc}.",
            ident if readable else None,
        )


def _escaped(text: str) -> str:
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>" if text else ""


def stored_html(body_html: str) -> str:
    """What Fireside keeps of a message body: sanitised like every network's HTML
    (mentions keep their text, images and hosted content go)."""
    return sanitize_html(body_html, COMMENT_TAGS)
