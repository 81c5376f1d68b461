"""The X emulator's own count of a post's length, written from X's documented rule and
sharing no code with the app's counter (``app.text.length``), so the emulator's 280 check
can catch the app counting wrong.

The rule (docs.x.com/fundamentals/counting-characters, and twitter-text's
``config/v3.json`` it points to): the text is NFC-normalised; every URL counts 23 (it is
sent as a t.co link); every emoji counts 2, however many code points (ZWJ sequences,
skin tones, flags, keycaps); every other code point counts 1 inside the v3 ranges
U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F and U+2032-U+2037, and 2 outside them (CJK
among them). Over 280 is too long.

Where the app uses ``regex`` grapheme clusters and linkify-it-py, this uses the ``emoji``
package (the Unicode emoji sequences) and its own URL pattern: ``http(s)://`` links, and
links without a scheme whose host ends in a public suffix, as tldextract's bundled copy of
the Public Suffix List says (read offline); a host with a label longer than DNS allows is
no link.
"""

from __future__ import annotations

import re
import unicodedata

import emoji
import tldextract

MAX_WEIGHTED_LENGTH = 280
URL_WEIGHT = 23
#: config/v3.json's ranges of weight 100 (one character); the default weight is 200.
ONE = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

#: RFC 1035: a label is at most 63 octets.
_MAX_LABEL = 63
_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
_URL = re.compile(
    r"(?<![\w@#$/.-])(?P<scheme>https?://)?"
    r"(?P<host>(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,})"
    r"(?::\d{1,5})?(?:/[^\s]*)?",
    re.IGNORECASE,
)
#: What ends a sentence rather than a URL (twitter-text leaves it out of the link).
_TRAILING = ".,:;!?'\""


def weighted_length(text: str) -> int:
    normal = unicodedata.normalize("NFC", text)
    length, start = 0, 0
    for url_start, url_end in urls(normal):
        length += _rest(normal[start:url_start]) + URL_WEIGHT
        start = url_end
    return length + _rest(normal[start:])


def urls(text: str) -> list[tuple[int, int]]:
    """Where the URLs are, as ``(start, end)``."""
    found = []
    for match in _URL.finditer(text):
        if not match["scheme"] and not _SUFFIXES(match["host"]).suffix:
            continue  # "e.g" or "file.txt": no public suffix, no link
        if any(_dns_length(label) > _MAX_LABEL for label in match["host"].split(".")):
            continue  # no host DNS could hold: plain text
        end = match.end()
        while end > match.start() and (
            text[end - 1] in _TRAILING
            or (text[end - 1] == ")" and text.count("(", match.start(), end) == 0)
        ):
            end -= 1
        found.append((match.start(), end))
    return found


def _dns_length(label: str) -> int:
    """A host label's length as DNS holds it: ASCII as is, others as "xn--" + punycode
    (RFC 3492)."""
    return len(label) if label.isascii() else 4 + len(label.encode("punycode"))


def _rest(text: str) -> int:
    weight, start = 0, 0
    for found in emoji.emoji_list(text):
        weight += _points(text[start : found["match_start"]]) + 2
        start = found["match_end"]
    return weight + _points(text[start:])


def _points(text: str) -> int:
    return sum(1 if any(lo <= ord(c) <= hi for lo, hi in ONE) else 2 for c in text)
