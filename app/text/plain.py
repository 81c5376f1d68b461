"""Markdown as the text another network takes: plain text (Mastodon) or a markup of
its own (Slack's mrkdwn, ``app.networks.slack.mrkdwn``).

The editor writes Markdown; a network without formatting should get what a person would
have typed there: paragraphs apart, list items on their own lines with their bullets or
numbers, a link's address beside its words, code as it is, emphasis marks dropped, a
draft's own pictures left out (``app.text.image_refs``). Built on markdown-it-py's token
stream (the same parser as ``app.text.markdown``), so what counts
as a link or a list is CommonMark's. :func:`render` lays out the blocks and hands each
line's inline tokens to an ``Inline`` renderer; :func:`to_plain_text` is it with
:func:`plain_inline`.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.text.image_refs import is_internal

#: inline(children) -> the text of one paragraph, heading or list item
Inline = Callable[[list[Token]], str]

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_md.enable(["strikethrough"])


def to_plain_text(markdown_text: str) -> str:
    """The text a person would type for this Markdown (see the module's docstring)."""
    return render(markdown_text, plain_inline)


def render(
    markdown_text: str,
    inline: Inline,
    code: Callable[[str], str] = lambda text: text,
    raw: Callable[[str], str] = lambda text: text,
) -> str:
    """The blocks of ``markdown_text`` laid out as text, each line's inline tokens by
    ``inline``, code blocks by ``code``; Markdown that lays out as nothing (a lone ">")
    is kept as typed, through ``raw``."""
    blocks: list[tuple[str, int | None]] = []  # (text, the outermost list it is in)
    prefixes: list[str] = []  # one per open list: "-" or the next number
    item_prefix = ""
    lists = 0
    for token in _md.parse(markdown_text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists += not prefixes
            mark = "-" if token.type == "bullet_list_open" else str(token.attrGet("start") or 1)
            prefixes.append(mark)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            prefixes.pop()
        elif token.type == "list_item_open":
            mark = prefixes[-1]
            item_prefix = "  " * (len(prefixes) - 1) + (f"{mark}." if mark != "-" else "-") + " "
            if mark != "-":
                prefixes[-1] = str(int(mark) + 1)
        elif token.type == "inline":
            group = lists if prefixes else None
            blocks.append((item_prefix + inline(token.children or []), group))
            item_prefix = ""
        elif token.type in ("fence", "code_block"):
            blocks.append((code(token.content.rstrip("\n")), None))
        elif token.type == "hr":
            blocks.append(("---", None))
    return _joined(blocks) or raw(markdown_text.strip())


def _joined(blocks: list[tuple[str, int | None]]) -> str:
    """Paragraphs apart by a blank line; the items of one list on consecutive lines."""
    lines: list[str] = []
    previous: int | None = None
    for text, group in blocks:
        if lines and (group is None or group != previous):
            lines.append("")
        lines.append(text)
        previous = group
    return "\n".join(lines).strip()


def plain_inline(children: list[Token]) -> str:
    """Words as typed: marks dropped, a link's address in brackets after its words."""
    parts: list[str] = []
    href: list[str] = []
    start: list[int] = []
    for child in children:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link_open":
            href.append(str(child.attrGet("href") or ""))
            start.append(len(parts))
        elif child.type == "link_close" and href:
            address, began = href.pop(), start.pop()
            words = "".join(parts[began:])
            if address and address not in (words, f"mailto:{words}"):
                parts.append(f" ({address})")
        elif child.type == "image" and not is_internal(child.attrGet("src")):
            parts.append(f"{child.content} ({child.attrGet('src')})".strip())
    return "".join(parts)


def first_words(markdown_text: str, count: int) -> str:
    """The first ``count`` words of the text as plain text on one line, with "…" when
    there is more."""
    words = to_plain_text(markdown_text).split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")
