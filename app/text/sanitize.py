"""Allow-list sanitising of untrusted comment HTML with nh3 before anything displays it.

Kept: basic formatting, lists, quotes, code, and links whose scheme is http, https or
mailto. Dropped: scripts, styles, event handlers, iframes, forms and every image (no
remote request may be made by showing a comment). Links get rel=noopener noreferrer.
"""

from __future__ import annotations

import nh3

COMMENT_TAGS = frozenset(
    {
        "p",
        "br",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "s",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "span",
    }
)
#: Our own Markdown output may also use headings, rules and tables.
DOCUMENT_TAGS = COMMENT_TAGS | {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(untrusted: str, tags: frozenset[str] = COMMENT_TAGS) -> str:
    return nh3.clean(
        untrusted,
        tags=set(tags),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        url_relative="deny",  # "//evil.example" and "/path" have no safe meaning here
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def is_openable_link(url: str) -> bool:
    """Only these links may be handed to the system browser."""
    scheme, sep, _ = url.partition(":")
    return bool(sep) and scheme.lower() in ALLOWED_SCHEMES
