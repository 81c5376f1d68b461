"""Where a reply to a bridged comment is pasted: the comment's own address when Fireside
has one, else the post's address with a text fragment (``#:~:text=``, WICG Scroll to Text
Fragment, in Chrome, Edge and Safari) that scrolls the browser to the comment and
highlights its first words; a browser without it opens the post."""

from __future__ import annotations

from urllib.parse import quote

_WORDS = 8


def comment_link(post_url: str, comment_remote_id: str, comment_text: str) -> str:
    if comment_remote_id.startswith(("https://", "http://")):
        return comment_remote_id
    words = comment_text.split()[:_WORDS]
    base = post_url.split("#", 1)[0]
    if not words:
        return base
    # '-', '&' and ',' mean something inside a text directive: quote them too.
    start = quote(" ".join(words), safe="").replace("-", "%2D")
    return f"{base}#:~:text={start}"
