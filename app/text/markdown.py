"""Markdown to HTML for previews and for networks that take HTML (markdown-it-py, CommonMark)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from app.text.sanitize import DOCUMENT_TAGS, sanitize_html

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@functools.cache
def _md() -> MarkdownIt:
    """The renderer, made on first use (markdown-it is not needed for every start)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    return md.enable(["table", "strikethrough"])


def to_html(markdown_text: str) -> str:
    """Render Markdown; raw HTML in the source is escaped, the result is sanitised again."""
    return sanitize_html(_md().render(markdown_text), DOCUMENT_TAGS)
