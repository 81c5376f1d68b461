"""Personalising one batch reply for many people: {first_name}, {name}, {question}.

{question} quotes only the comment's question sentences (those ending in "?"), never its
other words; a comment without one gets its first sentence quoted and
``Personalised.no_question`` set, so the preview can flag it. Names and quoted words go
through the same display cleaning as every other place that shows remote text.

Some networks give no name for a commenter (LinkedIn shows a member id): then {first_name}
and {name} read the fallback word the person chose ("there"), or, without one, nothing,
with the greeting closed up around the gap ("Hi {first_name}, thanks" reads "Hi, thanks";
"{first_name}, thanks" reads "Thanks"); ``Personalised.no_name`` says so for the preview.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

import msgspec

from app.errors import UserError
from app.text.asking import questions_among
from app.text.remote_text import display_text

VARIABLES = ("first_name", "name", "question")
_FORMATTER = string.Formatter()


def holds_words(template: str, copies: Mapping[int, str]) -> bool:
    """Whether a reply being written holds anything to send: a template or an edited
    copy (by comment id) that is not blank."""
    return bool(template.strip()) or any(copy.strip() for copy in copies.values())


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
#: the end: "invoice.pdf" and "3.5" stay inside theirs; and at the ends no space follows
#: in Chinese, Japanese and Arabic (。, the fullwidth ! and ?, and ؟).
_SENTENCE = re.compile(r"\S.*?(?:[.!?…]+[\"'”’)\]]*(?=\s|$)|[。！？؟]+|$)")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (whitespace folded), in order."""
    flat = re.sub(r"\s+", " ", text).strip()
    return [s.strip() for s in _SENTENCE.findall(flat) if s.strip()]


def question_of(text: str) -> str | None:
    """The comment's question sentences (:func:`app.text.asking.questions_among`), or None
    when it asks nothing."""
    asked = questions_among(sentences(text))
    return " ".join(asked) if asked else None


def quote(text: str, limit: int = 280) -> str:
    """Words as a Markdown quote, shortened at a word boundary."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) > limit:
        flat = flat[:limit].rsplit(" ", 1)[0] + "…"
    return "> " + flat


class Personalised(msgspec.Struct, frozen=True):
    text: str
    #: The template quotes {question}, and the comment has no question sentence.
    no_question: bool
    #: The template names the person, and the network gave no name (the fallback stands).
    no_name: bool = False


#: Where a name the network did not give stood, until the text is closed up around it.
_GAP = "\x00"
#: A gap opening a line, with the comma after it: the next word takes the capital.
_OPENING_GAP = re.compile(r"^\x00[,;:]?[ \t]*(\w?)", re.MULTILINE)
_TRAILING_GAP = re.compile(r"[ \t]*\x00")
#: "Thanks, \x00!" leaves "Thanks,!": the comma goes.
_ORPHAN_COMMA = re.compile(r",(?=[!.?])")


def personalise(
    template: str, name: str | None, comment_text: str, fallback: str = ""
) -> Personalised:
    """The reply for one person; ``name`` None: their network gives no name, and
    ``fallback`` ("there", or "" for none) stands for it."""
    check_template(template)
    fields = {f for _, f, _, _ in _FORMATTER.parse(template)}
    if name is None:
        full = first = display_text(fallback).strip() or _GAP
    else:
        full = display_text(name)
        first = full.split(maxsplit=1)[0] if full.strip() else full
    clean = display_text(comment_text, limit=len(comment_text) + 1)
    asked = question_of(clean)
    opening = next(iter(sentences(clean)), "")
    text = template.format(first_name=first, name=full, question=quote(asked or opening))
    return Personalised(
        _closed_up(text) if _GAP in text else text,
        "question" in fields and asked is None,
        name is None and bool(fields & {"first_name", "name"}),
    )


def _closed_up(text: str) -> str:
    text = _OPENING_GAP.sub(lambda found: found[1].upper(), text)
    return _ORPHAN_COMMA.sub("", _TRAILING_GAP.sub("", text))
