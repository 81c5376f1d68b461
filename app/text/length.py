"""A text's length as a network counts it against its limits (``Capabilities.text_counting``).

Most networks count code points. X counts with twitter-text's version 3 weighting: a
URL is 23 whatever its length, most characters of Latin, Cyrillic and other alphabets
(code points up to U+10FF and a few punctuation ranges) weigh 1, everything else (CJK,
most symbols) weighs 2, and an emoji sequence weighs 2 however many code points it
takes (docs.x.com/fundamentals/counting-characters). ``twitter-text-parser`` carries
twitter-text's own v3 configuration and URL rules; tests check it against twitter-text's
conformance examples.

Mastodon counts what a person sees (docs.joinmastodon.org/user/posting, "Text"; the
server's ``StatusLengthValidator``): every link with its scheme counts 23 characters
(found by the same twitter-text URL rules, without scheme-less links), a mention of a
remote account ``@user@host`` counts only as ``@user``, and the rest counts in grapheme
clusters (an emoji sequence is one).
"""

from __future__ import annotations

import regex
from twitter_text import parse_tweet
from twitter_text.extract_urls import extract_urls_with_indices

CHARACTERS = "characters"
X = "x"
MASTODON = "mastodon"

#: What a link counts on Mastodon, whatever its length.
MASTODON_LINK = 23
#: A mention as Mastodon's ``Account::MENTION_RE`` finds it; group 1 is the local part.
_MENTION = regex.compile(
    r"(?<![=/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\w.-]+\w+)?", regex.IGNORECASE
)
_GRAPHEME = regex.compile(r"\X")


def measured(text: str, counting: str = CHARACTERS) -> int:
    if counting == X:
        return int(parse_tweet(text).weightedLength)
    if counting == MASTODON:
        return mastodon_length(text)
    return len(text)


def mastodon_length(text: str) -> int:
    """Links 23 each, remote mentions by their local part, the rest in grapheme clusters."""
    links = extract_urls_with_indices(text, extract_urls_without_protocol=False)
    counted, start = 0, 0
    for link in links:
        low, high = link["indices"]
        counted += _rest_length(text[start:low]) + MASTODON_LINK
        start = high
    return counted + _rest_length(text[start:])


def _rest_length(text: str) -> int:
    local = _MENTION.sub(lambda mention: f"@{mention[1]}", text)
    return len(_GRAPHEME.findall(local))
