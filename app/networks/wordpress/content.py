"""What Fireside sends as a post's or comment's content, with its idempotency key inside.

WordPress takes HTML. Markdown from the editor becomes HTML through the app's own renderer
(``app.text.markdown.to_html``, sanitised); HTML is sanitised with the same allow-list;
plain text is escaped into paragraphs.

WordPress has no idempotency key, so the outbox key travels invisibly in the content as an
HTML comment, ``<!-- fireside:KEY -->``, placed inside the last element so WordPress's
auto-paragraphs add no empty paragraph for it. It survives WordPress's own filtering:
kses keeps HTML comments even for users without ``unfiltered_html`` (checked against a real
WordPress 6.1 for a subscriber's comment and an author's post, see
tests/integration/test_wordpress_site.py), and readers never see it. A key is found
again with the REST ``search`` parameter, which matches the raw content (``search_term``),
and confirmed by ``carries`` (search is a substring match).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence

from app.domain import UploadedImage
from app.errors import Rejected
from app.text.markdown import to_html
from app.text.sanitize import DOCUMENT_TAGS, sanitize_html

_SAFE_KEY = re.compile(r"[0-9A-Za-z]{1,64}")
_LAST_CLOSING_TAG = re.compile(r"(</[a-zA-Z][a-zA-Z0-9]*>\s*)$")


def as_html(body: str, text_format: str, images: Sequence[UploadedImage] = ()) -> str:
    """The body as sanitised HTML; Rejected for a format WordPress cannot take. The
    draft's pictures in ``images`` (uploaded to the media library) show by their
    ``source_url``; any other picture is left out."""
    if text_format == "markdown":
        return to_html(body, {image.image_id: image.url for image in images})
    if text_format == "html":
        return sanitize_html(body, DOCUMENT_TAGS)
    if text_format == "text":
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    raise Rejected(f"WordPress takes Markdown, HTML or plain text, not {text_format!r}.")


def token(key: str) -> str:
    """The key as it appears in content: itself when it is plain letters and digits (the
    outbox's keys are), else a digest, so nothing can close the HTML comment early."""
    return key if _SAFE_KEY.fullmatch(key) else hashlib.sha256(key.encode()).hexdigest()[:32]


def search_term(key: str) -> str:
    return f"fireside:{token(key)}"


def with_key(content_html: str, key: str) -> str:
    """The HTML with the key's marker inside its last element (or after it)."""
    marker = f"<!-- {search_term(key)} -->"
    if _LAST_CLOSING_TAG.search(content_html):
        return _LAST_CLOSING_TAG.sub(lambda m: marker + m.group(1), content_html, count=1)
    return content_html + marker


def carries(content: str, key: str) -> bool:
    """Does this content (raw or rendered) carry exactly this key's marker?"""
    return re.search(re.escape(search_term(key)) + r"(?![0-9A-Za-z])", content) is not None
