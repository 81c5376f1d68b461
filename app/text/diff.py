"""Line differences between two texts, as the version history shows them."""

from __future__ import annotations

import difflib


def diff(old: str, new: str) -> list[str]:
    """Unified diff lines between two texts (for the history pane)."""
    return list(
        difflib.unified_diff(old.splitlines(), new.splitlines(), "version", "current", lineterm="")
    )
