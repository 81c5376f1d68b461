"""Mastodon's entities (``entities/Status.md``, ``Account.md``) as Fireside's values.

A status is read with ``app.networks.http.field`` checks; one that is not a status raises
``Malformed`` and is skipped by whoever reads a listing (the pull names it). Placing a
comment needs its thread: ``Placement`` says which post of mine it is under and which
top-level comment it belongs to (None for a top-level comment itself).
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from app.domain import Person, RemoteComment, RemotePost
from app.networks.http import Malformed, field
from app.text.classify import html_to_text

#: A post's title: its first words, as the sidebar shows posts.
TITLE_CHARS = 80


class Status(msgspec.Struct, frozen=True):
    id: str
    author: Person
    acct: str
    content: str  # HTML, as the server rendered it
    created_at: str
    edited_at: str | None
    in_reply_to_id: str | None
    url: str


class Placement(msgspec.Struct, frozen=True):
    post_id: str
    top_level_id: str | None


def read_status(raw: object) -> Status:
    if not isinstance(raw, dict):
        raise Malformed("a status that is not an object")
    account = field(raw, "account", dict)
    name = field(account, "display_name", str, optional=True) or field(account, "username")
    reply_to = raw.get("in_reply_to_id")
    if reply_to is not None and not isinstance(reply_to, str):
        raise Malformed(f"status {raw.get('id')!r} has an in_reply_to_id that is not text")
    return Status(
        id=field(raw, "id"),
        author=Person(remote_id=field(account, "id"), name=name),
        acct=field(account, "acct"),
        content=field(raw, "content"),
        created_at=field(raw, "created_at"),
        edited_at=field(raw, "edited_at", str, optional=True),
        in_reply_to_id=reply_to,
        url=field(raw, "url", str, optional=True) or field(raw, "uri"),
    )


def as_post(status: Status) -> RemotePost:
    text = html_to_text(status.content)
    title = text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"
    return RemotePost(
        remote_id=status.id,
        title=title,
        body=status.content,
        url=status.url,
        created_at=status.created_at,
        updated_at=status.edited_at or status.created_at,
    )


def as_comment(status: Status, where: Placement, me: str) -> RemoteComment:
    parent = status.in_reply_to_id
    return RemoteComment(
        remote_id=status.id,
        post_remote_id=where.post_id,
        parent_remote_id=None if parent == where.post_id else parent,
        root_remote_id=where.top_level_id,
        author=status.author,
        body_html=status.content,
        created_at=status.created_at,
        edited_at=status.edited_at,
        version=_version(status.edited_at),
        is_mine=status.author.remote_id == me,
    )


def _version(edited_at: str | None) -> int:
    """Each edit is a new version: its time in seconds (0 for never edited)."""
    if not edited_at:
        return 0
    try:
        return int(datetime.fromisoformat(edited_at.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 1


def place_all(post_id: str, statuses: list[Status]) -> dict[str, Placement]:
    """The placement of every status under ``post_id`` (its context's descendants)."""
    parent_of = {s.id: s.in_reply_to_id for s in statuses}
    placed: dict[str, Placement] = {}
    for status in statuses:
        top, step = status.id, 0
        while parent_of.get(top) not in (post_id, None) and step < len(statuses):
            top, step = str(parent_of[top]), step + 1
        if parent_of.get(top) == post_id:
            placed[status.id] = Placement(post_id, None if top == status.id else top)
    return placed


#: Mastodon's own default when a server says nothing (``max_characters``).
DEFAULT_MAX_CHARS = 500


def max_characters(instance: object) -> int:
    """``configuration.statuses.max_characters`` of ``GET /api/v2/instance``, or 500."""
    node: object = instance
    for key in ("configuration", "statuses", "max_characters"):
        node = node.get(key) if isinstance(node, dict) else None
    usable = isinstance(node, int) and not isinstance(node, bool) and node > 0
    return node if usable else DEFAULT_MAX_CHARS  # type: ignore[return-value]
