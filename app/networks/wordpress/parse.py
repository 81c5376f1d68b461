"""WordPress REST objects (users, posts, comments) to Fireside's value types.

Each parser takes one decoded JSON object and returns a value or raises ``Malformed``
(one object does not have the documented shape; the caller skips it and says so).
``parse_comments`` is the one path for a list of comments, wherever it comes from (the
pull, the pre-send check's replies, the look-up of a write): each malformed comment is
skipped with one sentence, the others go on, so none of them can disagree about one.

- Ids are integers in WordPress and strings in Fireside ("42").
- Times: ``date_gmt``/``modified_gmt`` are UTC without a zone ("2024-05-01T09:00:00");
  Fireside's are "...Z".
- People: a registered commenter is their user id; a guest (user id 0) is
  ``guest:<digest of the name>``, so the same name is the same person. The REST API shows
  guests' email addresses only in the edit context, which Fireside never asks comments for.
- A comment's ``version`` is a CRC-32 of its rendered content: comments have no modified
  date, and an edit changes the content. ``edited_at`` stays None for the same reason.
- A comment is ``deleted`` when its status is anything but "approved" (held for moderation,
  spam, trash): it is no longer public, whichever happened.
- WordPress threads by ``parent`` only; ``with_roots`` fills in each comment's top-level
  ancestor as far as the comments at hand show the chain (a re-scan always has all of it),
  otherwise the nearest ancestor known.
"""

from __future__ import annotations

import hashlib
import reprlib
import zlib
from typing import Any, NamedTuple

import msgspec
import msgspec.structs

from app.domain import Person, RemoteComment, RemotePost
from app.domain.network import ANONYMOUS
from app.networks.http import Malformed, field
from app.networks.wordpress.cursor import epoch
from app.text.classify import html_to_text


def _object(obj: Any, what: str) -> dict:
    if not isinstance(obj, dict):
        raise Malformed(f"{what} is {reprlib.repr(obj)}")
    return obj


#: WordPress ids are unsigned 64-bit; Fireside names at most 19 digits (``network._wp_id``).
_ID_DIGITS = 19


def _id(obj: dict, name: str = "id") -> str:
    value = field(obj, name, int)
    if value < 0 or len(str(value)) > _ID_DIGITS:
        raise Malformed(f"field {name!r} is {reprlib.repr(value)}")
    return str(value)


def _utc(obj: dict, name: str) -> str:
    """A ``*_gmt`` field as "...Z"; Malformed when it is not a date and time."""
    value = field(obj, name)
    try:
        epoch(value + "Z")
    except (ValueError, OverflowError):
        raise Malformed(f"field {name!r} is {reprlib.repr(value)}, not a time") from None
    return value + "Z"


def _rendered(obj: dict, name: str) -> str:
    return field(_object(obj.get(name), f"field {name!r}"), "rendered")


def parse_person(obj: Any) -> Person:
    """A user (``/wp/v2/users/me``)."""
    user = _object(obj, "user")
    return Person(remote_id=_id(user), name=field(user, "name"))


def parse_post(obj: Any) -> RemotePost:
    """A post; title and body are the text of their rendered HTML (Fireside sends titles
    HTML-escaped, so "Q3 <plan>" comes back as it was typed)."""
    post = _object(obj, "post")
    updated = _utc(post, "modified_gmt")
    return RemotePost(
        remote_id=_id(post),
        title=html_to_text(_rendered(post, "title")),
        body=html_to_text(_rendered(post, "content")),
        url=field(post, "link"),
        created_at=updated if post.get("date_gmt") is None else _utc(post, "date_gmt"),
        updated_at=updated,
        deleted=field(post, "status") == "trash",
    )


def comment_author(comment: dict) -> Person:
    """The comment's author: a registered user by id, a guest by a digest of the name."""
    user_id = _id(comment, "author")
    name = (field(comment, "author_name", optional=True) or "").strip()
    if user_id != "0":
        return Person(remote_id=user_id, name=name or f"User {user_id}")
    digest = hashlib.sha256(name.casefold().encode("utf-8", "surrogatepass")).hexdigest()
    return Person(remote_id=f"guest:{digest[:16]}", name=name or ANONYMOUS)


def version_of(content_html: str) -> int:
    """A stable number that changes when the content does (CRC-32, non-negative)."""
    return zlib.crc32(content_html.encode("utf-8", "surrogatepass"))


def parse_comment(obj: Any, my_id: str) -> RemoteComment:
    comment = _object(obj, "comment")
    author = comment_author(comment)
    body = _rendered(comment, "content")
    parent = _id(comment, "parent")
    return RemoteComment(
        remote_id=_id(comment),
        post_remote_id=_id(comment, "post"),
        parent_remote_id=None if parent == "0" else parent,
        root_remote_id=None if parent == "0" else parent,
        author=author,
        body_html=body,
        created_at=_utc(comment, "date_gmt"),
        edited_at=None,
        version=version_of(body),
        deleted=field(comment, "status") != "approved",
        is_mine=author.remote_id == my_id,
    )


def readable_id(value: Any) -> int | None:
    """``value`` as a WordPress id, or None when it is not one Fireside can name."""
    if type(value) is int and value >= 0 and len(str(value)) <= _ID_DIGITS:
        return value
    return None


class Skip(NamedTuple):
    """A malformed comment skipped: its sentence, and its id when that much is readable."""

    sentence: str
    id: int | None


def parse_comments(items: list, my_id: str, service: str) -> tuple[list[RemoteComment], list[Skip]]:
    """The well-formed comments among ``items``, and each malformed one skipped."""
    comments, skips = [], []
    for item in items:
        try:
            comments.append(parse_comment(item, my_id))
        except Malformed as exc:
            ident = item.get("id") if isinstance(item, dict) else None
            shown = reprlib.repr(ident) if ident is not None else "(no id)"
            sentence = f"{service}: comment {shown} is malformed and was skipped: {exc}."
            skips.append(Skip(sentence, readable_id(ident)))
    return comments, skips


def with_roots(comments: list[RemoteComment]) -> list[RemoteComment]:
    """The comments with ``root_remote_id`` walked up through the parents at hand."""
    parents = {c.remote_id: c.parent_remote_id for c in comments}
    rooted = []
    for comment in comments:
        root, seen = comment.parent_remote_id, {comment.remote_id}
        while root is not None and parents.get(root) is not None and root not in seen:
            seen.add(root)
            root = parents[root]
        rooted.append(msgspec.structs.replace(comment, root_remote_id=root))
    return rooted
