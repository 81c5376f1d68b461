"""Markdown to HTML for previews and for networks that take HTML (markdown-it-py, CommonMark).

A draft's pictures (``app.text.image_refs``) show in the preview by their internal
address (``preview_html``); a network gets them only by the address it gave each upload
(``to_html`` with ``images``), and otherwise not at all."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.text.image_refs import with_image_sources
from app.text.sanitize import DOCUMENT_TAGS, sanitize_draft_html, sanitize_html

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@functools.cache
def _md() -> MarkdownIt:
    """The renderer, made on first use (markdown-it is not needed for every start)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    return md.enable(["table", "strikethrough"])


def to_html(markdown_text: str, images: Mapping[int, str] | None = None) -> str:
    """Render Markdown; raw HTML in the source is escaped, the result is sanitised again.
    ``images`` (draft image id -> the address a network shows the upload by) keeps those
    pictures; every other image is left out."""
    rendered = _md().render(markdown_text)
    if not images:
        return sanitize_html(rendered, DOCUMENT_TAGS)
    return with_image_sources(sanitize_draft_html(rendered), images)


def preview_html(markdown_text: str) -> str:
    """The draft as the preview shows it: its own pictures by their internal address."""
    return sanitize_draft_html(_md().render(markdown_text))
