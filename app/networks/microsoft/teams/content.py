"""What Fireside sends to Teams: HTML made from the editor's Markdown, with a real mention.

Teams channel threads have two levels, so a reply to a comment goes to the comment's
top-level message and names the commenter with a Graph mention: ``<at id="0">Name</at>``
in the HTML body and, for that id, an entry in ``mentions`` with the person's user id
(chatmessage-post, "Example 3: @mentions"). The mention leads the reply.
"""

from __future__ import annotations

import html
from typing import Any

from app.domain import Person
from app.errors import Rejected
from app.text.markdown import to_html
from app.text.sanitize import DOCUMENT_TAGS, sanitize_html

#: Teams refuses a message over about 28 KB; this many bytes of HTML is the bound kept.
MAX_HTML_BYTES = 28_000
#: What the editor offers; the HTML made from it is checked against MAX_HTML_BYTES.
MAX_CHARS = 10_000


def as_html(body: str, text_format: str) -> str:
    if text_format == "markdown":
        rendered = to_html(body)
    elif text_format == "html":
        rendered = sanitize_html(body, DOCUMENT_TAGS)
    elif text_format == "text":
        rendered = "".join(
            f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in body.split("\n\n") if p
        )
    else:
        raise Rejected(f"Teams takes Markdown, HTML or plain text, not {text_format!r}.")
    if not rendered.strip():
        raise Rejected("Teams refuses an empty message.")
    return rendered


def message_body(body: str, text_format: str, mention: Person | None = None) -> dict[str, Any]:
    """The JSON of a new message or reply (and of an edit), mentioning ``mention``."""
    rendered = as_html(body, text_format)
    fields: dict[str, Any] = {"body": {"contentType": "html", "content": rendered}}
    if mention is not None:
        tag = f'<at id="0">{html.escape(mention.name)}</at>'
        fields["body"]["content"] = f"<p>{tag}</p>{rendered}"
        fields["mentions"] = [
            {
                "id": 0,
                "mentionText": mention.name,
                "mentioned": {
                    "user": {
                        "id": mention.remote_id,
                        "displayName": mention.name,
                        "userIdentityType": "aadUser",
                    }
                },
            }
        ]
    size = len(fields["body"]["content"].encode("utf-8", "surrogatepass"))
    if size > MAX_HTML_BYTES:
        raise Rejected(
            f"The message is {size:,} bytes as HTML; Teams takes about {MAX_HTML_BYTES:,}. "
            "Shorten it."
        )
    return fields
