"""Allow-list sanitising of untrusted comment HTML with nh3 before anything displays it.

Kept: basic formatting, lists, quotes, code, and links whose scheme is http, https or
mailto. Dropped: scripts, styles, event handlers, iframes, forms and every image (no
remote request may be made by showing a comment). Links get rel=noopener noreferrer.

``sanitize_html`` only cleans (its output may also be sent to a network).
``sanitize_draft_html`` is for the person's own drafts: the same, plus ``img`` whose
address is exactly a draft picture's internal one (``fireside-image:<id>``, kept in the
local database); any other image address, and the internal scheme anywhere else, is
dropped. Nothing a network sends is ever cleaned with it.
``comment_for_display`` goes further, for the reader's eyes and the event loop: it drops
bidirectional overrides and invisible characters; reads at most ``_TAG_BUDGET`` tags
(html5ever's time grows with the cube of the nesting depth); shows at most
``COMMENT_DISPLAY_CHARS`` characters (a line counts as one) and then says so; flattens
nesting deeper than ``_MAX_DEPTH``; breaks endless words (Qt lays one out in quadratic
time); and writes a link's real host after it unless the link text names exactly that
host, so "https://paypal.com" pointing elsewhere, or a look-alike host, is visible.
For one line of remote plain text (a name, a title) ``app.text.remote_text.display_text`` does
the same, and ``storable_text`` there makes any remote string safe for SQLite and UTF-8.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from app.text.image_refs import IMAGE_SCHEME, INTERNAL_SRC
from app.text.link_schemes import ALLOWED_SCHEMES, is_openable_link
from app.text.remote_text import HIDDEN, storable_text

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


#: A draft's own HTML may also show its pictures, by their internal address only.
DRAFT_TAGS = DOCUMENT_TAGS | {"img"}
_DRAFT_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title"}}


def sanitize_draft_html(own: str) -> str:
    """HTML rendered from the person's own draft, cleaned like any other, except that an
    ``img`` may keep a ``src`` that is exactly an internal draft-picture address."""
    return nh3.clean(
        own,
        tags=set(DRAFT_TAGS),
        attributes=_DRAFT_ATTRIBUTES,
        attribute_filter=_internal_images_only,
        url_schemes=ALLOWED_SCHEMES | {IMAGE_SCHEME},
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _internal_images_only(tag: str, attribute: str, value: str) -> str | None:
    """nh3's last word on each attribute: an image's address must be an internal one, and
    the internal scheme is good for nothing but an image's address."""
    if tag == "img" and attribute == "src":
        return value if INTERNAL_SRC.fullmatch(value) else None
    if value.strip().lower().startswith(IMAGE_SCHEME + ":"):
        return None
    return value


#: How much of one comment the thread pane shows; longer comments end with a notice.
COMMENT_DISPLAY_CHARS = 20_000
#: More markup than this, or more tags than that, is not even parsed for display.
_RAW_DISPLAY_CHARS = 200_000
_TAG_BUDGET = 1_000
#: Longest run without a break opportunity; a zero-width space is put after each.
_LONG_RUN = 64
_BREAK = "\u200b"
_SPACE = re.compile(r"[ \t\n\r\f\v]+|[^ \t\n\r\f\v]+")
_BLOCKS = frozenset({"p", "br", "li", "ul", "ol", "blockquote", "pre"})
_VOID = frozenset({"br"})
#: Deeper nesting is flattened: thousands of nested quotes or lists only cost layout.
_MAX_DEPTH = 24
_MAILBOX = re.compile(r"[^\s<>\"'@]+@[^\s<>\"'@/?#]+")


def _host(href: str) -> str:
    """The host part of a link as written (lower case), for mailto the mail domain."""
    try:
        parts = urlsplit(href)
        if parts.scheme.lower() == "mailto":
            host = parts.path.partition("?")[0].rpartition("@")[2]
        else:
            host = parts.hostname or ""
    except ValueError:
        return ""
    return host.strip().lower().rstrip(".")


def link_host(href: str) -> str:
    """The host a link really goes to in ASCII (a look-alike Unicode host as punycode, as
    the browser will resolve it), for mailto the mail domain; "" when there is none."""
    host = _host(href)
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return ".".join(
            label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
            for label in host.split(".")
        )


def _named_hosts(text: str) -> set[str]:
    """Hosts that link text claims to go to ("https://x.example/a", "x.example", "a@x.example")."""
    hosts = set()
    for token in text.translate(HIDDEN).split():
        word = token.strip("()[]<>{}\"'.,;:!?")
        if "://" in word or word.lower().startswith("mailto:"):
            hosts.add(_host(word) or word.lower())
        elif "@" in word:
            hosts.add(word.rpartition("@")[2].lower())
        elif "." in word:
            hosts.add(word.partition("/")[0].lower())
    return hosts


def _note_for(href: str, text: str) -> str:
    """ " [real.host]" after a link, unless its text names exactly that host and no other."""
    host = link_host(href)
    if not host:
        return ""
    named = _named_hosts(text)
    if named and named == {host}:
        return ""
    return f" [{html.escape(host)}]"


class _DisplayShaper(HTMLParser):
    """Rewrites nh3's (already clean) output: limits text, breaks endless words, notes hosts."""

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.room = limit
        self.full = False
        self.run = 0
        self.link: tuple[str, list[str]] | None = None
        self.dropped: dict[str, int] = {}  # tags not opened (too deep), by name

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.full or tag not in COMMENT_TAGS:
            return
        if len(self.open) >= _MAX_DEPTH and tag not in _VOID:
            self.dropped[tag] = self.dropped.get(tag, 0) + 1
            return
        if tag in _BLOCKS:  # a line costs layout like a character does
            self.run = 0
            if self.room <= 0:
                self.full = True
                return
            self.room -= 1
        if tag == "a":
            self._open_link(dict(attrs).get("href") or "")
            return
        self.out.append(f"<{tag}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def _open_link(self, href: str) -> None:
        address = href[len("mailto:") :].partition("?")[0]
        if href.lower().startswith("mailto:") and not _MAILBOX.fullmatch(address):
            href = ""  # "mailto:<b>ceo@x</b>" is no address, only a way to inject markup
        if href and is_openable_link(href):
            self.out.append(f'<a href="{html.escape(href)}" rel="noopener noreferrer">')
        else:
            self.out.append("<a>")
            href = ""
        self.open.append("a")
        self.link = (href, [])

    def handle_endtag(self, tag: str) -> None:
        if self.dropped.get(tag):
            self.dropped[tag] -= 1
            return
        if self.full or tag not in self.open:
            return
        if tag in _BLOCKS:
            self.run = 0
        while self.open:
            closed = self.open.pop()
            self._close(closed)
            if closed == tag:
                break

    def _close(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if tag == "a" and self.link is not None:
            href, text = self.link
            self.link = None
            if href:
                self.out.append(_note_for(href, "".join(text)))

    def handle_data(self, data: str) -> None:
        if self.full:
            return
        if len(data) > self.room:
            data, self.full = data[: self.room], True
        self.room -= len(data)
        if self.link is not None:
            self.link[1].append(data)
        self.out.append(html.escape(self._breakable(data), quote=False))

    def _breakable(self, data: str) -> str:
        pieces = []
        for match in _SPACE.finditer(data):
            word = match.group()
            if word[0] in " \t\n\r\f\v":
                self.run = 0
                pieces.append(word)
                continue
            while self.run + len(word) > _LONG_RUN:
                cut = _LONG_RUN - self.run
                pieces += [word[:cut], _BREAK]
                word, self.run = word[cut:], 0
            pieces.append(word)
            self.run += len(word)
        return "".join(pieces)

    def finish(self, cut_at_tags: bool, cut_at_chars: bool) -> str:
        """Close what is open and, when the comment was cut, say why: too many tags
        (``_TAG_BUDGET``) or too many characters (the display limit)."""
        while self.open:
            self._close(self.open.pop())
        if cut_at_tags and not self.full:
            self.out.append(
                "<p><i>… This comment has more formatting than Fireside shows "
                f"({_TAG_BUDGET:,} tags); the rest is not displayed.</i></p>"
            )
        elif self.full or cut_at_chars:
            self.out.append(
                "<p><i>… This comment is longer than Fireside shows "
                f"({COMMENT_DISPLAY_CHARS:,} characters); the rest is not displayed.</i></p>"
            )
        return "".join(self.out)


def _first_tags(raw: str, budget: int) -> str:
    """``raw`` with at most ``budget`` tags (cut before the next one): nh3 (html5ever)
    needs time that grows with the cube of the nesting depth (4,000 nested quotes: 0.2 s;
    50,000: minutes)."""
    at = -1
    for _ in range(budget + 1):
        at = raw.find("<", at + 1)
        if at < 0:
            return raw
    return raw[:at]


def comment_for_display(untrusted: str, limit: int = COMMENT_DISPLAY_CHARS) -> str:
    """Untrusted comment HTML made safe and readable for the thread pane (see the module)."""
    head = untrusted[:_RAW_DISPLAY_CHARS]
    raw = _first_tags(head, _TAG_BUDGET)
    clean = sanitize_html(storable_text(raw).translate(HIDDEN))
    shaper = _DisplayShaper(limit)
    for start in range(0, len(clean), 65_536):
        shaper.feed(clean[start : start + 65_536])
        if shaper.full:
            break
    shaper.close()
    return shaper.finish(cut_at_tags=len(raw) < len(head), cut_at_chars=len(head) < len(untrusted))
