"""HTML for the thread pane: the post (an excerpt), each parent, the comment, its replies.

Every piece of remote text is escaped, and every piece of remote HTML goes through
``sanitize_html``; colours come from the palette so every scheme reads well (4.5:1 or more).
"""

from __future__ import annotations

import html

from PySide6.QtGui import QColor, QPalette

from app.domain import Comment
from app.text import plural, timefmt
from app.text.remote_text import display_text
from ui.common.contrast import ratio
from ui.theme import mix, quiet_text

EXCERPT_CHARS = 320


def _mix(a: QColor, b: QColor, share_of_b: float) -> str:
    return mix(a, b, share_of_b).name()


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    return flat[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"


class ThreadRenderer:
    def __init__(self, palette: QPalette) -> None:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        self.card = _mix(base, text, 0.05)
        self.focus = _mix(base, palette.color(QPalette.ColorRole.Highlight), 0.14)
        #: Quieter text (the post's summary, names' details), readable on every background
        #: here: worked out for the one closest to the text's own colour.
        closest = min((base, QColor(self.card), QColor(self.focus)), key=lambda b: ratio(text, b))
        self.dim = quiet_text(text, closest).name()

    def page(self, chain: tuple[Comment, ...], replies: tuple[Comment, ...]) -> str:
        """The post, then one card (a table) per comment of the chain, the comment opened
        last among them, then its replies."""
        comment = chain[-1]
        parts = [self._post(comment)]
        parts += [self._card(parent, self.card) for parent in chain[:-1]]
        parts.append(self._card(comment, self.focus))
        if replies:
            parts.append(
                f"<p style='color:{self.dim}; margin:14px 0 0 0'>"
                f"{plural.count(len(replies), 'reply', 'replies')}</p>"
            )
            parts += [self._card(reply, self.card, indent=24) for reply in replies]
        return "".join(parts)

    def _post(self, comment: Comment) -> str:
        excerpt = html.escape(display_text(_excerpt(comment.post_body or ""), 400))
        title = html.escape(display_text(comment.post_title or ""))
        return (
            f"<p style='color:{self.dim}; margin:0'>On your post</p>"
            f"<h3 style='margin:2px 0 4px 0'>{title}</h3>"
            f"<p style='color:{self.dim}; margin:0 0 6px 0'>{excerpt}</p>"
        )

    def _card(self, row: Comment, background: str, indent: int = 0) -> str:
        name = "You" if row.is_mine else display_text(row.author_name)
        about = " · ".join(display_text(p) for p in (row.author_title, row.author_department) if p)
        when = timefmt.exact(row.created_at)
        edited = " · edited" if row.edited_at else ""
        return (
            f"<table width='100%' cellspacing='0' cellpadding='10' "
            f"style='margin-top:10px; margin-left:{indent}px; background-color:{background}'>"
            f"<tr><td><p style='margin:0 0 4px 0'><b>{html.escape(name)}</b>"
            f"<span style='color:{self.dim}'>&nbsp;&nbsp;{html.escape(about)}"
            f"&nbsp;&nbsp;·&nbsp;&nbsp;{html.escape(when)}{edited}</span></p>"
            f"{_body(row.body_html or '')}</td></tr></table>"
        )


def _body(untrusted: str) -> str:
    """A comment's HTML, cleaned for display. The sanitiser (nh3 and an HTML parser) loads
    with the first comment shown, not on the way to the first painted inbox."""
    from app.text.sanitize import comment_for_display

    return comment_for_display(untrusted)
