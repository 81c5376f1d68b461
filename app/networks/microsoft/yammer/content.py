"""What Fireside sends to Viva Engage, and how a message's text is kept.

Yammer v1 takes a message as plain text (``body``): the editor's Markdown becomes the
text a person would read, links kept as "text (address)" since plain text has no
anchors. Received messages are stored as HTML made from ``body.plain``, escaped, one
paragraph per blank-line-separated block, so nothing a sender wrote is ever read as
markup.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from app.errors import Rejected
from app.text.markdown import to_html

#: No documented limit; the web app takes long posts. Fireside's own bound (UNCONFIRMED).
MAX_CHARS = 10_000
_BLOCKS = frozenset({"p", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr"})


class _PlainText(HTMLParser):
    """The text of rendered Markdown: blocks on lines of their own, links with addresses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: list[str | None] = []
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href.append(dict(attrs).get("href"))
            self._link_text = []
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            href = self._href.pop()
            text = "".join(self._link_text).strip()
            if href and href != text and not href.startswith("mailto:"):
                self.parts.append(f" ({href})")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._href:
            self._link_text.append(data)


def as_text(body: str, text_format: str) -> str:
    """The body as Viva Engage's plain text; Rejected for a format it cannot take."""
    if text_format == "text":
        text = body
    elif text_format in ("markdown", "html"):
        parser = _PlainText()
        parser.feed(to_html(body) if text_format == "markdown" else body)
        parser.close()
        text = "".join(parser.parts)
    else:
        raise Rejected(f"Viva Engage takes Markdown or plain text, not {text_format!r}.")
    text = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()
    if not text:
        raise Rejected("Viva Engage refuses an empty message.")
    if len(text) > MAX_CHARS:
        raise Rejected(
            f"The message is {len(text):,} characters; Fireside sends at most "
            f"{MAX_CHARS:,} to Viva Engage. Shorten it."
        )
    return text


def as_html(plain: str) -> str:
    """Stored HTML for a message's plain text."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", plain) if b.strip()]
    return "".join("<p>" + html.escape(b).replace("\n", "<br>") + "</p>" for b in blocks)
