"""Personalising one batch reply for many people: {first_name}, {name}, {question}.

{question} quotes only the comment's question sentences (those ending in "?"), never its
other words; a comment without one gets its first sentence quoted and
``Personalised.no_question`` set, so the preview can flag it. Names and quoted words go
through the same display cleaning as every other place that shows remote text.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from app.errors import UserError
from app.text.sanitize import display_text

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


#: A sentence ends at ., !, ? or … (and any closing quotes or brackets) before a space or
#: the end: "invoice.pdf" and "3.5" stay inside theirs.
_SENTENCE = re.compile(r"\S.*?(?:[.!?…]+[\"'”’)\]]*(?=\s|$)|$)")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (whitespace folded), in order."""
    flat = re.sub(r"\s+", " ", text).strip()
    return [s.strip() for s in _SENTENCE.findall(flat) if s.strip()]


def is_question_sentence(sentence: str) -> bool:
    return sentence.rstrip("\"'”’)] ").endswith("?")


def question_of(text: str) -> str | None:
    """The comment's question sentences, or None when it asks nothing in so many words."""
    asked = [s for s in sentences(text) if is_question_sentence(s)]
    return " ".join(asked) if asked else None


def quote(text: str, limit: int = 280) -> str:
    """Words as a Markdown quote, shortened at a word boundary."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) > limit:
        flat = flat[:limit].rsplit(" ", 1)[0] + "…"
    return "> " + flat


@dataclass(frozen=True)
class Personalised:
    text: str
    #: The template quotes {question}, and the comment has no question sentence.
    no_question: bool


def personalise(template: str, name: str, comment_text: str) -> Personalised:
    check_template(template)
    name = display_text(name)
    first = name.split(maxsplit=1)[0] if name.strip() else name
    clean = display_text(comment_text, limit=len(comment_text) + 1)
    asked = question_of(clean)
    wants_question = any(f == "question" for _, f, _, _ in _FORMATTER.parse(template))
    opening = next(iter(sentences(clean)), "")
    text = template.format(first_name=first, name=name, question=quote(asked or opening))
    return Personalised(text, wants_question and asked is None)
