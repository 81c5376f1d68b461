"""Counting nouns in sentences: "1 comment", "1,234 comments"."""

from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` with thousands separators and the noun in the right number (``many`` for an
    irregular plural; else ``one`` + "s")."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
