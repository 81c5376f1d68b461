"""What Fireside sends to Matrix: ``m.room.message`` content for posts, replies and edits.

The editor writes Markdown. A message carries it as the plain ``body`` (what Element and
other clients send too: readable as it is) plus ``format: org.matrix.custom.html`` and a
``formatted_body`` rendered by ``app.text.markdown`` (CommonMark, raw HTML escaped, then
sanitised with the allow-list). Plain text ("text") goes as ``body`` alone. Lone
surrogates and NULs, which no JSON encoder sends, are replaced first.

A reply to a comment is written the way the comment was: in the post's thread, a thread
reply to the post with ``m.in_reply_to`` naming that comment and ``is_falling_back:
false``; outside any thread (a rich reply, Element's plain "Reply"), a rich reply with
``m.in_reply_to`` alone. Either mentions the comment's author (``m.mentions``) so they
are notified. An edit is an ``m.replace`` event whose
``m.new_content`` is the new message; its own body is the usual "* " fallback. No reply
fallback quote is sent (removed from the spec in Matrix 1.13).

Size: the homeserver refuses any event over 65,536 bytes of canonical JSON (the whole
event: ids, hashes, signatures, prev/auth events, about 1-2 KB), and the text is in the
event twice (``body`` and ``formatted_body``; an edit doubles it again with its fallback).
``MAX_CONTENT_BYTES`` = 60,000 leaves more than 5 KB for the envelope. The editor's limit,
``MAX_CHARS`` = 10,000 characters, keeps ordinary text under it: at worst 3 bytes of UTF-8
per character, twice. Heavier Markdown (every character a tag) is caught exactly, before
sending, by measuring the content: Rejected, and nothing leaves.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from app.domain import UploadedImage
from app.errors import Rejected
from app.networks.matrix.events import HTML_FORMAT
from app.text.image_refs import with_image_urls
from app.text.markdown import to_html
from app.text.remote_text import storable_text

#: The formats ``message`` accepts (the editor's Markdown, or plain text). What Matrix
#: shows is another thing: the connector's ``Capabilities.text_formats``.
TEXT_FORMATS = ("markdown", "text")
MAX_CHARS = 10_000
MAX_CONTENT_BYTES = 60_000


def message(text: str, text_format: str, images: Sequence[UploadedImage] = ()) -> dict:
    """The ``m.text`` content for the editor's text. The draft's pictures in ``images``
    (uploaded to the content repository) show as ``<img src="mxc://...">`` in the
    formatted body (the spec's allowed HTML: ``img`` with an ``mxc://`` ``src``) and as
    Markdown images of that URI in the plain body; any other picture is left out."""
    if text_format not in TEXT_FORMATS:
        raise Rejected(
            f"Matrix messages are written in {' or '.join(TEXT_FORMATS)}, not {text_format!r}."
        )
    text = storable_text(text)  # no lone surrogate or NUL reaches the JSON encoder
    uris = {image.image_id: image.url for image in images}
    content: dict = {"msgtype": "m.text", "body": with_image_urls(text, uris)}
    if text_format == "markdown":
        content["format"] = HTML_FORMAT
        content["formatted_body"] = to_html(text, uris).strip()
    return content


def post(title: str, text: str, text_format: str, images: Sequence[UploadedImage] = ()) -> dict:
    """A new post. Matrix messages have no title: one given anyway leads in bold."""
    if title.strip():
        if text_format == "markdown":
            text = f"**{title.strip()}**\n\n{text}"
        else:
            text = f"{title.strip()}\n\n{text}"
    return checked({**message(text, text_format, images), "m.mentions": {}})


def reply(root: str, comment: str, author: str | None, text: str, text_format: str) -> dict:
    """A reply to ``comment`` in the thread of the post ``root`` (event ids)."""
    relates = {
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": False,
        "m.in_reply_to": {"event_id": comment},
    }
    mentions = {"user_ids": [author]} if author else {}
    return checked({**message(text, text_format), "m.relates_to": relates, "m.mentions": mentions})


def rich_reply(comment: str, author: str | None, text: str, text_format: str) -> dict:
    """A reply to the event ``comment`` outside any thread (``m.in_reply_to`` alone)."""
    relates = {"m.in_reply_to": {"event_id": comment}}
    mentions = {"user_ids": [author]} if author else {}
    return checked({**message(text, text_format), "m.relates_to": relates, "m.mentions": mentions})


def edit(target: str, text: str, text_format: str) -> dict:
    """An edit replacing the text of the event ``target``."""
    new = {**message(text, text_format), "m.mentions": {}}
    fallback = {"msgtype": "m.text", "body": "* " + new["body"]}
    if "formatted_body" in new:
        fallback |= {"format": HTML_FORMAT, "formatted_body": "* " + new["formatted_body"]}
    return checked(
        {
            **fallback,
            "m.new_content": new,
            "m.relates_to": {"rel_type": "m.replace", "event_id": target},
        }
    )


def checked(content: dict) -> dict:
    """The content, or Rejected (nothing sent) when it is too large for an event."""
    size = len(json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_CONTENT_BYTES:
        raise Rejected(
            f"This message is {size:,} bytes once formatted for Matrix; a Matrix message "
            f"can hold about {MAX_CONTENT_BYTES:,}. Shorten it (or use less formatting)."
        )
    return content
