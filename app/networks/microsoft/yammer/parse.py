"""Yammer v1 answers to Fireside's values: messages, the people and communities in their
``references``, and whether older pages remain.

A message list (``messages/sent``, ``in_thread``, ``in_group``, and the answer to a
post) is ``{"messages": [...], "references": [...], "meta": {...}}`` (learn.microsoft.com
/rest/api/yammer/messagesjson). Each message names its sender, thread and parent by
numeric id; ``references`` carries the objects those ids name, a user with
``full_name``, ``job_title`` and (on users) ``department``, which become the ``Person``
the inbox shows. A reference may lack the title or department; it is then empty, never
an error.

One message that does not have the documented shape is skipped with a sentence (its id
when readable); the rest of the page goes on. A page that is not an object with a list of
messages is a BadResponse for the whole request.

Times: ``created_at`` is ``"2013/06/25 18:14:45 +0000"``; Fireside's are ``"...Z"``.
"""

from __future__ import annotations

import reprlib
from datetime import UTC, datetime
from typing import Any

import msgspec

from app.domain import Person
from app.networks.http import Malformed
from app.networks.http import field as typed

_TIME_FORMAT = "%Y/%m/%d %H:%M:%S %z"
_ID_DIGITS = 20


class Message(msgspec.Struct, frozen=True):
    """One Yammer message, checked: ids as digit strings, the time in UTC."""

    id: str
    thread_id: str
    replied_to_id: str | None
    sender_id: str
    group_id: str | None
    created_at: str
    plain: str
    web_url: str

    @property
    def starts_thread(self) -> bool:
        return self.replied_to_id is None or self.id == self.thread_id


class Skip(msgspec.Struct, frozen=True):
    """A malformed message: the sentence that says so, its id and thread when readable."""

    sentence: str
    id: str | None
    thread_id: str | None = None


class Feed(msgspec.Struct, frozen=True):
    """One page of messages with what its references name."""

    messages: list[Message]
    skipped: list[Skip]
    people: dict[str, Person] = msgspec.field(default_factory=dict)
    communities: dict[str, str] = msgspec.field(default_factory=dict)
    older_available: bool = False


def _id(obj: dict, name: str, optional: bool = False) -> str | None:
    value = obj.get(name)
    if value is None and optional:
        return None
    if type(value) is not int or value < 0 or len(str(value)) > _ID_DIGITS:
        raise Malformed(f"field {name!r} is {reprlib.repr(value)}")
    return str(value)


def utc(stamp: Any) -> str:
    """A Yammer time as "...Z"; Malformed when it is not one."""
    if not isinstance(stamp, str):
        raise Malformed(f"created_at is {reprlib.repr(stamp)}")
    try:
        moment = datetime.strptime(stamp, _TIME_FORMAT)
    except ValueError:
        raise Malformed(f"created_at is {reprlib.repr(stamp)}, not a time") from None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_message(obj: Any) -> Message:
    if not isinstance(obj, dict):
        raise Malformed(f"message is {reprlib.repr(obj)}")
    body = obj.get("body")
    if not isinstance(body, dict):
        raise Malformed(f"field 'body' is {reprlib.repr(body)}")
    replied_to = _id(obj, "replied_to_id", optional=True)
    return Message(
        id=str(_id(obj, "id")),
        thread_id=str(_id(obj, "thread_id")),
        replied_to_id=replied_to,
        sender_id=str(_id(obj, "sender_id")),
        group_id=_id(obj, "group_id", optional=True),
        created_at=utc(obj.get("created_at")),
        plain=typed(body, "plain"),
        web_url=typed(obj, "web_url", optional=True) or "",
    )


def parse_person(obj: Any) -> Person:
    """A user object (``users/current.json``) or a user reference."""
    if not isinstance(obj, dict):
        raise Malformed(f"user is {reprlib.repr(obj)}")
    user_id = str(_id(obj, "id"))
    name = typed(obj, "full_name", optional=True) or typed(obj, "name", optional=True) or ""
    return Person(
        remote_id=user_id,
        name=name.strip() or f"User {user_id}",
        title=(typed(obj, "job_title", optional=True) or "").strip(),
        department=(typed(obj, "department", optional=True) or "").strip(),
    )


def parse_communities(data: Any) -> list[tuple[str, str]]:
    """(id, name) of each community in a list of groups (``groups/for_user``); a malformed
    entry is left out, an answer that is no list is Malformed."""
    if not isinstance(data, list):
        raise Malformed("the answer is not a list of communities")
    found = []
    for group in data:
        try:
            if isinstance(group, dict):
                name = typed(group, "full_name", optional=True) or typed(group, "name")
                found.append((str(_id(group, "id")), name))
        except Malformed:
            continue
    return found


def _references(refs: Any) -> tuple[dict[str, Person], dict[str, str]]:
    """People and communities by id; a malformed reference is left out (its messages
    then show "User <id>"), never the page."""
    people: dict[str, Person] = {}
    communities: dict[str, str] = {}
    for ref in refs if isinstance(refs, list) else []:
        if not isinstance(ref, dict):
            continue
        try:
            if ref.get("type") == "user":
                person = parse_person(ref)
                people[person.remote_id] = person
            elif ref.get("type") == "group":
                name = typed(ref, "full_name", optional=True) or typed(ref, "name")
                communities[str(_id(ref, "id"))] = name
        except Malformed:
            continue
    return people, communities


def parse_feed(data: Any, service: str) -> Feed:
    """A message list; Malformed when it is not one at all."""
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise Malformed("the answer has no list of messages")
    messages: list[Message] = []
    skipped: list[Skip] = []
    for item in data["messages"]:
        try:
            messages.append(parse_message(item))
        except Malformed as exc:
            ident, thread = (_readable(item, n) for n in ("id", "thread_id"))
            shown = ident or reprlib.repr(item.get("id") if isinstance(item, dict) else item)
            sentence = f"{service}: message {shown} is malformed and was skipped: {exc}."
            skipped.append(Skip(sentence, ident, thread))
    people, communities = _references(data.get("references"))
    meta = data.get("meta")
    older = isinstance(meta, dict) and meta.get("older_available") is True
    return Feed(messages, skipped, people, communities, older)


def _readable(item: Any, name: str) -> str | None:
    """An id field of a malformed message, when it is one."""
    try:
        return _id(item, name) if isinstance(item, dict) else None
    except Malformed:
        return None


def sender(feed: Feed, message: Message) -> Person:
    """Who wrote ``message``, from the page's references."""
    return feed.people.get(message.sender_id) or Person(
        message.sender_id, f"User {message.sender_id}"
    )
