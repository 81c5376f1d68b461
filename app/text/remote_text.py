"""Remote plain text made safe to store and show: ``storable_text`` for SQLite and any
UTF-8 encoder, ``display_text`` for one line on screen (a name, a title, a row's words).

Kept apart from ``app.text.sanitize`` (HTML), whose parser and nh3 the inbox's rows do
not need: the way to the first painted inbox loads only this.
"""

from __future__ import annotations

import re

#: Explicit bidirectional formatting (embeddings, overrides, isolates): U+202E turns
#: "moc.evil" into "live.com" on screen. Implicit marks (LRM, RLM) are harmless and kept.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Invisible characters with no meaning in a comment (ZWJ and ZWNJ are kept: emoji, Persian).
INVISIBLE = "\u200b\u2060\ufeff\u180e"
#: Removes both, for ``str.translate``.
HIDDEN = str.maketrans(dict.fromkeys(BIDI_CONTROLS + INVISIBLE))
_SURROGATES = re.compile("[\ud800-\udfff]")


def storable_text(text: str) -> str:
    """``text`` as SQLite and any UTF-8 encoder take it: lone surrogates (which JSON can
    carry as "\\ud800") become U+FFFD, NUL characters (which cut SQL functions short) go."""
    if text.isascii():
        return text.replace("\x00", "")
    return _SURROGATES.sub("\ufffd", text).replace("\x00", "")


def display_text(text: str, limit: int = 300) -> str:
    """One remote string for display: no bidi controls or invisible characters, at most
    ``limit`` characters. Escape it before putting it into HTML."""
    clean = storable_text(text)
    if not clean.isascii():  # the hidden characters are none of ASCII's: most text skips this
        clean = clean.translate(HIDDEN)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
