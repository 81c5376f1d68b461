"""A text's length as a network counts it against its limits (``Capabilities.text_counting``).

Most networks count code points. X counts with twitter-text's version 3 weighting: a
URL is 23 whatever its length, most characters of Latin, Cyrillic and other alphabets
(code points up to U+10FF and a few punctuation ranges) weigh 1, everything else (CJK,
most symbols) weighs 2, and an emoji sequence weighs 2 however many code points it
takes (docs.x.com/fundamentals/counting-characters). ``twitter-text-parser`` carries
twitter-text's own v3 configuration and URL rules; tests check it against twitter-text's
conformance examples. It is imported on the first X count: building its URL rules takes
longer than the rest of the window's imports together.
"""

from __future__ import annotations

CHARACTERS = "characters"
X = "x"


def measured(text: str, counting: str = CHARACTERS) -> int:
    if counting == X:
        from twitter_text import parse_tweet

        return int(parse_tweet(text).weightedLength)
    return len(text)
