"""Words for screen readers that several features share."""

from __future__ import annotations


def cell(header: str, value: str) -> str:
    """A table cell's accessible text: its column and its value ("Tries: 2", "User:
    none"), so a number or an address is never read out on its own, and an empty cell is
    never nameless."""
    shown = " ".join(value.split())
    return f"{header}: {shown or 'none'}"
