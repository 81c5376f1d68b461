"""Markdown formatting as the editor's toolbar and keys apply it: bold, italic, a link, a
heading, a bulleted or numbered list, on the selection (or the word or line at the
cursor). Each returns one :class:`Edit`, a replacement of one span, so the text box can
apply it as one step of its undo; applying a format twice takes it off again.
"""

from __future__ import annotations

import re

import msgspec

_WORD = re.compile(r"\w+")
_NUMBERED = re.compile(r"^\d+\. ")
_LIST = re.compile(r"^(?:[-*+] |\d+\. )")
_HEADING = re.compile(r"^#{1,6} ")


class Edit(msgspec.Struct, frozen=True):
    """Replace ``text[start:end]`` with ``replacement``; then select
    ``select_start..select_end`` (positions in the new text)."""

    start: int
    end: int
    replacement: str
    select_start: int
    select_end: int


def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The selection, or the word at the cursor when nothing is selected."""
    if start != end:
        return start, end
    for match in _WORD.finditer(text):
        if match.start() <= start <= match.end():
            return match.start(), match.end()
    return start, end


def wrap(text: str, start: int, end: int, marker: str) -> Edit:
    """Put ``marker`` on both sides of the selection ("**" bold, "_" italic), or take it
    off when it is there already."""
    start, end = _word_span(text, start, end)
    size = len(marker)
    if text[max(0, start - size) : start] == marker and text[end : end + size] == marker:
        inner = text[start:end]
        return Edit(start - size, end + size, inner, start - size, end - size)
    inner = text[start:end]
    if len(inner) >= 2 * size and inner.startswith(marker) and inner.endswith(marker):
        bare = inner[size:-size]
        return Edit(start, end, bare, start, start + len(bare))
    return Edit(start, end, f"{marker}{inner}{marker}", start + size, end + size)


def link(text: str, start: int, end: int, url: str) -> Edit:
    """The selection (or the word at the cursor) as a link to ``url``; with nothing to
    link, the address itself is the link's text."""
    start, end = _word_span(text, start, end)
    label = text[start:end] or url
    replacement = f"[{label}]({url})"
    return Edit(start, end, replacement, start + 1, start + 1 + len(label))


def _line_span(text: str, start: int, end: int) -> tuple[int, int]:
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return first, len(text) if last == -1 else last


def prefix_lines(text: str, start: int, end: int, prefix: str) -> Edit:
    """Start every line of the selection with ``prefix`` ("## " heading, "- " list,
    "1. " numbered 1, 2, 3...), replacing a marker of the same family (a bulleted list
    becomes a numbered one); take it off when every line has it already."""
    first, last = _line_span(text, start, end)
    lines = text[first:last].split("\n")
    same = _NUMBERED if prefix == "1. " else re.compile("^" + re.escape(prefix))
    family = _HEADING if prefix.startswith("#") else _LIST
    if all(same.match(line) for line in lines):
        changed = [same.sub("", line, count=1) for line in lines]
    else:
        bare = [family.sub("", line, count=1) for line in lines]
        changed = [
            (f"{n}. " if prefix == "1. " else prefix) + line for n, line in enumerate(bare, 1)
        ]
    replacement = "\n".join(changed)
    return Edit(first, last, replacement, first, first + len(replacement))
