"""Where the links in a text are, as the networks find them for counting.

``linkify-it-py`` (the markdown-it-py family's port of linkify-it) finds links with or
without a scheme (those without one on an IANA top-level domain), as twitter-text does closely
enough for counting. A host whose label is longer than DNS allows (63 characters once
punycode-encoded) is no link to twitter-text either, so it is left out here too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import msgspec
from linkify_it import LinkifyIt
from linkify_it.tlds import TLDS

#: Web links with a scheme, as Mastodon counts them.
WITH_SCHEME = frozenset({"http:", "https:"})
#: Web links also without a scheme (``example.com/page``), as X counts them.
ANY_WEB = WITH_SCHEME | {""}

#: Scheme-less links on any IANA top-level domain (``example.bar``), as twitter-text's own
#: list allows, not only linkify-it's short default list.
_FINDER = LinkifyIt(options={"fuzzy_email": False}).tlds(
    [tld.lower() for tld in TLDS], keep_old=True
)


class Link(msgspec.Struct, frozen=True):
    """A link's place in the text: ``text[start:end]``."""

    start: int
    end: int


def links(text: str, schemes: frozenset[str]) -> list[Link]:
    """The links in ``text`` whose scheme is one of ``schemes`` ("" for none), in order."""
    found = _FINDER.match(text) or []
    return [
        Link(match.index, match.last_index)
        for match in found
        if match.schema in schemes and _valid_host(match.url)
    ]


def _valid_host(url: str) -> bool:
    """Every label of the host encodes to punycode within DNS's 63 characters (the
    ``idna`` codec refuses a longer one)."""
    try:
        for label in (urlsplit(url).hostname or "").split("."):
            if label:
                label.encode("idna")
    except UnicodeError:
        return False
    return True
