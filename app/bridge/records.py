"""A confirmed bridged thread as the store keeps it: one post, its comments and authors.

Ids are made from what the page shows and does not change: the post's address, the
author and the text. Importing the same thread again (a day later, with new comments)
therefore updates the comments already there and adds only the new ones; times, which
pages show relative to the moment of copying, do not take part. A comment's own address,
when an exported file gave one, is its id, so a reply can open it directly.
"""

from __future__ import annotations

import hashlib
import html
from urllib.parse import urlsplit, urlunsplit

from app.domain import Person, RemoteComment, RemotePost
from app.domain.bridge import BridgeImport, ParsedComment
from app.errors import UserError
from app.timeutil import now_iso


def post_address(url: str) -> str:
    """The post's address as its id: https only, no fragment, no tracking query."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UserError("Give the post's address as copied from the browser (https://...).")
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", "", ""))


def post_of(request: BridgeImport) -> RemotePost:
    address = post_address(request.post_url)
    first = request.thread.comments[0].posted_at if request.thread.comments else now_iso()
    title = request.post_title.strip() or f"{request.site} post"
    return RemotePost(address, title, "", address, first, now_iso())


def comments_of(request: BridgeImport) -> list[RemoteComment]:
    address = post_address(request.post_url)
    ids = [_comment_id(address, c) for c in request.thread.comments]
    return [
        RemoteComment(
            remote_id=ids[n],
            post_remote_id=address,
            parent_remote_id=None if c.reply_to is None else ids[c.reply_to],
            root_remote_id=None if c.reply_to is None else ids[c.reply_to],
            author=_person(c),
            body_html=as_html(c.text),
            created_at=c.posted_at,
            edited_at=None,
            version=1,
            is_mine=c.is_mine,
        )
        for n, c in enumerate(request.thread.comments)
    ]


def _comment_id(post: str, comment: ParsedComment) -> str:
    if comment.url.startswith(("https://", "http://")):
        return comment.url
    digest = hashlib.sha256(
        "\x1f".join((post, comment.author.casefold(), " ".join(comment.text.split()))).encode()
    ).hexdigest()
    return f"bridge:{digest[:32]}"


def _person(comment: ParsedComment) -> Person:
    ident = comment.handle or comment.author
    return Person(f"bridge:{ident.casefold()}", comment.author, title=comment.headline)


def as_html(text: str) -> str:
    """Plain pasted text as the store's HTML: paragraphs and line breaks kept."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.splitlines()) + "</p>"
        for p in paragraphs
    )
