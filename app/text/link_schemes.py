"""Which link schemes Fireside keeps in HTML and hands to the system browser.

Its own module so that the thread pane's browser can check a link without loading the
HTML sanitiser (``app.text.sanitize``) on the way to the first painted inbox.
"""

from __future__ import annotations

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


def is_openable_link(url: str) -> bool:
    """Only these links may be handed to the system browser."""
    scheme, sep, _ = url.partition(":")
    return bool(sep) and scheme.lower() in ALLOWED_SCHEMES
