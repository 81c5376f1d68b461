"""Turning comment HTML into plain text and tagging questions and mentions."""

from __future__ import annotations

import html
import re

import nh3

_QUESTION_START = re.compile(
    r"^(who|what|when|where|why|how|will|would|can|could|should|is|are|do|does|did|any)\b",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


def html_to_text(body_html: str) -> str:
    """Plain text of a comment: tags dropped by nh3 (no regex parsing of HTML), entities decoded."""
    block_spaced = re.sub(r"<(/p|br\s*/?|/li|/div)>", " ", body_html, flags=re.IGNORECASE)
    return _SPACE.sub(" ", html.unescape(nh3.clean(block_spaced, tags=set()))).strip()


def is_question(text: str) -> bool:
    """A comment asks something when it has a question mark or opens like a question."""
    if "?" in text:
        return True
    return any(_QUESTION_START.match(s.strip()) for s in re.split(r"[.!\n]", text) if s.strip())


def mentions(text: str, name: str) -> bool:
    """True when the text @-mentions the person by first name or full name."""
    if not name.strip():
        return False
    first = re.escape(name.split(maxsplit=1)[0])
    full = re.escape(name)
    return re.search(rf"(?<![\w.])@(?:{full}|{first})\b", text, re.IGNORECASE) is not None
