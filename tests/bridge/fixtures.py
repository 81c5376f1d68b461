"""The pasted comment threads of tests/fixtures/bridge and how to score a reading of one.

``dev/`` holds the layouts the parser was written against (LinkedIn, X, Facebook,
YouTube, a Discourse forum); ``unseen/`` holds layouts written before the parser was
first run on them (Reddit, Hacker News, Instagram, Mastodon's web UI, GitHub issues),
kept to measure how it copes with pages nobody tuned it for. Each ``NAME.txt`` is the
page's text as a browser copies it; ``NAME.expected.json`` says when it was copied
(``now``), whose it is (``me``) and the comments a person sees on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.domain.bridge import ParsedComment

ROOT = Path(__file__).parent.parent / "fixtures" / "bridge"


@dataclass(frozen=True)
class Fixture:
    name: str
    text: str
    now: datetime
    me: str
    expected: list[dict]


def load(group: str) -> list[Fixture]:
    fixtures = []
    for path in sorted((ROOT / group).glob("*.txt")):
        spec = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        fixtures.append(
            Fixture(
                path.stem,
                path.read_text(encoding="utf-8"),
                datetime.fromisoformat(spec["now"].replace("Z", "+00:00")),
                spec["me"],
                spec["comments"],
            )
        )
    return fixtures


def matches(comment: ParsedComment, wanted: dict) -> bool:
    """Author, text and time as a person reads them on the page (every field given)."""
    got = {
        "author": comment.author,
        "text": comment.text,
        "posted_at": comment.posted_at,
        "headline": comment.headline,
        "handle": comment.handle,
        "is_mine": comment.is_mine,
        "reply_to": comment.reply_to,
        "cut_short": comment.cut_short,
    }
    return all(got[key] == value for key, value in wanted.items())


def score(parsed: tuple[ParsedComment, ...], expected: list[dict]) -> tuple[int, int]:
    """(comments read right, comments read that the page does not have)."""
    right = sum(any(matches(c, w) for c in parsed) for w in expected)
    spurious = sum(not any(c.text == w["text"] for w in expected) for c in parsed)
    return right, spurious
