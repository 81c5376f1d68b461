"""Personalising one batch reply for many people: {first_name}, {name}, {question}."""

from __future__ import annotations

import re
import string

from app.errors import UserError

VARIABLES = ("first_name", "name", "question")
_FORMATTER = string.Formatter()


def check_template(template: str) -> None:
    """Raise UserError naming any unknown or malformed {variable}."""
    try:
        fields = [f for _, f, _, _ in _FORMATTER.parse(template) if f is not None]
    except ValueError as exc:
        raise UserError(
            f"The reply template has an unmatched brace: {exc}. "
            "Write {{ or }} for a literal brace."
        ) from exc
    unknown = sorted({f for f in fields if f not in VARIABLES})
    if unknown:
        raise UserError(
            f"Unknown variable {', '.join('{' + u + '}' for u in unknown)}; "
            f"use {', '.join('{' + v + '}' for v in VARIABLES)}."
        )


def quote(text: str, limit: int = 280) -> str:
    """The commenter's words as a Markdown quote, shortened at a word boundary."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) > limit:
        flat = flat[:limit].rsplit(" ", 1)[0] + "…"
    return "> " + flat


def personalise(template: str, name: str, comment_text: str) -> str:
    check_template(template)
    first = name.split(maxsplit=1)[0] if name.strip() else name
    return template.format(first_name=first, name=name, question=quote(comment_text))
