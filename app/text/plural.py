"""A number with its noun, as people read it: "1 comment", "1,234 comments", "2 people".

The one place Fireside chooses between a singular and a plural, for the window and the
terminal alike.
"""

from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` with thousands separators and ``one`` when it is 1, else ``many`` (by default
    ``one`` with an "s"): count(2, "reply", "replies") is "2 replies"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def nouns(one: str) -> str:
    """The plural of a regular noun: "channel" → "channels", "community" → "communities"."""
    if one.endswith("y") and one[-2:-1] not in ("a", "e", "i", "o", "u"):
        return one[:-1] + "ies"
    return one + "s"
