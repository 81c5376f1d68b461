"""A text's length as a network counts it against its limits (``Capabilities.text_counting``).

Most networks count code points. X counts with twitter-text's version 3 configuration
(twitter/twitter-text ``config/v3.json``; docs.x.com/fundamentals/counting-characters):
after NFC normalisation a link weighs 23 whatever its length, code points in four ranges
(Latin, Cyrillic and other alphabets up to U+10FF, and some general punctuation) weigh 1,
every other code point (CJK, most symbols) weighs 2, and an emoji sequence weighs 2
however many code points it takes. Tests check this against twitter-text's conformance
examples.

Mastodon counts what a person sees (docs.joinmastodon.org/user/posting, "Text"; the
server's ``StatusLengthValidator``): every link with its scheme counts 23 characters, a
mention of a remote account ``@user@host`` counts only as ``@user``, and the rest counts
in grapheme clusters (an emoji sequence is one).

Links are found by ``app.text.links``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import regex

from app.text.counting import CHARACTERS, MASTODON, X
from app.text.links import ANY_WEB, WITH_SCHEME, links

__all__ = ["CHARACTERS", "MASTODON", "X", "mastodon_length", "measured", "x_length"]

#: What a link counts on Mastodon, whatever its length.
MASTODON_LINK = 23
#: A mention as Mastodon's ``Account::MENTION_RE`` finds it; group 1 is the local part.
_MENTION = regex.compile(
    r"(?<![=/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\w.-]+\w+)?", regex.IGNORECASE
)
_GRAPHEME = regex.compile(r"\X")

# twitter-text's v3 configuration: weights are in hundredths of a character.
_SCALE = 100
_DEFAULT_WEIGHT = 200
_LIGHT_WEIGHT = 100
_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_X_LINK = 23 * _SCALE
#: A grapheme cluster that is an emoji: it holds a pictograph (which includes © and ®), a
#: regional indicator (flags), a request for emoji presentation (U+FE0F) or a keycap
#: (U+20E3); digits, ``#`` and ``*`` alone are text.
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\uFE0F|\u20E3")


def measured(text: str, counting: str = CHARACTERS) -> int:
    if counting == X:
        return x_length(text)
    if counting == MASTODON:
        return mastodon_length(text)
    return len(text)


def x_length(text: str) -> int:
    """twitter-text's weighted length: links 23 each, the rest weighed by v3's ranges."""
    normal = unicodedata.normalize("NFC", text)
    return _with_links(normal, ANY_WEB, _X_LINK, _x_weight) // _SCALE


def mastodon_length(text: str) -> int:
    """Links 23 each, remote mentions by their local part, the rest in grapheme clusters."""
    return _with_links(text, WITH_SCHEME, MASTODON_LINK, _mastodon_rest)


def _with_links(
    text: str, schemes: frozenset[str], per_link: int, rest: Callable[[str], int]
) -> int:
    """``per_link`` for each link of ``schemes`` plus ``rest`` of the text between them."""
    counted, start = 0, 0
    for link in links(text, schemes):
        counted += rest(text[start : link.start]) + per_link
        start = link.end
    return counted + rest(text[start:])


def _x_weight(text: str) -> int:
    return sum(
        _DEFAULT_WEIGHT if _EMOJI.search(cluster) else sum(map(_code_point_weight, cluster))
        for cluster in _GRAPHEME.findall(text)
    )


def _code_point_weight(character: str) -> int:
    point = ord(character)
    light = any(low <= point <= high for low, high in _LIGHT_RANGES)
    return _LIGHT_WEIGHT if light else _DEFAULT_WEIGHT


def _mastodon_rest(text: str) -> int:
    local = _MENTION.sub(lambda mention: f"@{mention[1]}", text)
    return len(_GRAPHEME.findall(local))
