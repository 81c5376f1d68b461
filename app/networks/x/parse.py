"""X API v2 objects as Fireside's values: posts (Tweet objects) and their authors (User
objects from ``includes.users``), per the data dictionary
(docs.x.com/x-api/fundamentals/data-dictionary). A reply's parent is the post it
``referenced_tweets`` as ``replied_to``; its thread is its ``conversation_id`` (the id of
the post that started it)."""

from __future__ import annotations

import html
from typing import Any

from app.domain import Person, RemoteComment, RemotePost
from app.networks.http import Malformed, field

#: What Fireside asks X to return with each post and author.
TWEET_FIELDS = "created_at,author_id,conversation_id,referenced_tweets,edit_history_tweet_ids"
USER_FIELDS = "name,username,description"


def people(body: dict) -> dict[str, Person]:
    """The authors in ``includes.users``, by id (the bio stands in for a title)."""
    users = (body.get("includes") or {}).get("users") or []
    if not isinstance(users, list):
        raise Malformed("includes.users is not a list")
    found = {}
    for user in users:
        if not isinstance(user, dict):
            raise Malformed("a user is not an object")
        ident = field(user, "id")
        found[ident] = Person(
            ident, field(user, "name"), title=str(user.get("description") or "")[:120]
        )
    return found


def parent_of(tweet: dict) -> str | None:
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") == "replied_to":
            return field(ref, "id")
    return None


def comment(tweet: dict, authors: dict[str, Person], me: str) -> RemoteComment:
    if not isinstance(tweet, dict):
        raise Malformed("a post is not an object")
    ident = field(tweet, "id")
    conversation = field(tweet, "conversation_id")
    author_id = field(tweet, "author_id")
    parent = parent_of(tweet)
    edits = tweet.get("edit_history_tweet_ids") or [ident]
    return RemoteComment(
        remote_id=ident,
        post_remote_id=conversation,
        parent_remote_id=None if parent == conversation else parent,
        root_remote_id=None if parent == conversation else parent,
        author=authors.get(author_id) or Person(author_id, author_id),
        body_html=f"<p>{html.escape(html.unescape(field(tweet, 'text')))}</p>",
        created_at=field(tweet, "created_at"),
        edited_at=None,
        version=len(edits) if isinstance(edits, list) else 1,
        is_mine=author_id == me,
    )


def post(tweet: dict, username: str) -> RemotePost:
    if not isinstance(tweet, dict):
        raise Malformed("a post is not an object")
    ident = field(tweet, "id")
    text = html.unescape(field(tweet, "text"))
    created = field(tweet, "created_at")
    return RemotePost(
        ident, text[:80], text, f"https://x.com/{username}/status/{ident}", created, created
    )


def data_list(body: Any) -> list[Any]:
    """``data`` of a list answer (absent when nothing matched)."""
    if not isinstance(body, dict):
        raise Malformed("the answer is not an object")
    data = body.get("data") or []
    if not isinstance(data, list):
        raise Malformed("data is not a list")
    return data


def next_token(body: dict) -> str | None:
    token = (body.get("meta") or {}).get("next_token")
    return token if isinstance(token, str) and token else None
