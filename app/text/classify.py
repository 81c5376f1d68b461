"""Turning comment HTML into plain text, and telling whom a comment mentions (whether it
asks something: ``app.text.asking``)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

from app.text.remote_text import storable_text

_SPACE = re.compile(r"\s+")
#: Elements whose content is not text a person wrote (nh3 drops it the same way).
_NOT_TEXT = frozenset({"script", "style"})
#: Up to this many tags nh3 is fast; beyond, its time grows with the cube of the nesting
#: depth (4,000 nested quotes: 0.2 s; 50,000: minutes on the database thread).
_NH3_TAGS = 1_000
#: Elements that end a word: their text must not run into the next element's.
_BREAKS = frozenset(
    {"p", "br", "li", "div", "tr", "td", "th", "blockquote", "pre", "hr", "table", "ul", "ol"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer"}
)


class _TextOf(HTMLParser):
    """Collects the text of an HTML fragment with many tags. HTMLParser is a tokenizer that
    builds no tree, so its time grows linearly with the input whatever the nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0  # depth inside script, style...

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _NOT_TEXT:
            self.hidden += 1
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_TEXT:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(body_html: str) -> str:
    """Plain text of a comment: tags dropped (by nh3, or by a tokenizer when there are too
    many for nh3), script and style content too, entities decoded (``&#0;`` and lone
    surrogates included: the result is ``storable_text``)."""
    body = storable_text(body_html)
    if body.count("<") <= _NH3_TAGS:
        spaced = re.sub(r"<(/p|br\s*/?|/li|/div)>", " ", body, flags=re.IGNORECASE)
        text = html.unescape(nh3.clean(spaced, tags=set()))
    else:
        parser = _TextOf()
        parser.feed(body)
        parser.close()
        text = "".join(parser.parts)
    return _SPACE.sub(" ", storable_text(text)).strip()


def mentions(text: str, name: str) -> bool:
    """True when the text @-mentions the person by first name or full name."""
    if not name.strip():
        return False
    first = re.escape(name.split(maxsplit=1)[0])
    full = re.escape(name)
    return re.search(rf"(?<![\w.])@(?:{full}|{first})\b", text, re.IGNORECASE) is not None
