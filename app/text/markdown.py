"""Markdown to HTML for previews and for networks that take HTML (markdown-it-py, CommonMark)."""

from __future__ import annotations

from markdown_it import MarkdownIt

from app.text.sanitize import DOCUMENT_TAGS, sanitize_html

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_md.enable(["table", "strikethrough"])


def to_html(markdown_text: str) -> str:
    """Render Markdown; raw HTML in the source is escaped, the result is sanitised again."""
    return sanitize_html(_md.render(markdown_text), DOCUMENT_TAGS)
