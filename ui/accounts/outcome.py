"""A sign-in's outcome as the Accounts dialog shows it: the Diagnosis in rich text (what is
the case in bold, what to do, the server's own words quieter), and the field the user
should fix first."""

from __future__ import annotations

import html
import re

from app.accounts import Diagnosis, Problem
from ui import theme
from ui.common.colours import Ink

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
#: Which field to put the keyboard in after a failed test: "url", "username", "password".
FIELD_TO_FIX = {
    Problem.UNREACHABLE: "url",
    Problem.TLS: "url",
    Problem.WRONG_SERVICE: "url",
    Problem.WRONG_PASSWORD: "password",
    Problem.PERMISSION: "username",
}


def rich(diagnosis: Diagnosis) -> str:
    """``✓ Signed in…`` or ``✗ What failed`` in colour, then the advice, then the detail."""
    mark, ink = ("✓", Ink.OK) if diagnosis.ok else ("✗", Ink.PROBLEM)
    color = theme.ink(ink).name()
    parts = [f'<span style="color:{color}"><b>{mark} {html.escape(diagnosis.summary)}</b></span>']
    if diagnosis.advice:
        parts.append(html.escape(diagnosis.advice))
    if diagnosis.detail:
        parts.append(f"<small>Details: {html.escape(first_sentence(diagnosis.detail))}</small>")
    return "<br>".join(parts)


def first_sentence(text: str) -> str:
    """The error's own first sentence (what happened); the rest repeats advice."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def plain_problem(text: str) -> str:
    """An error that is not a Diagnosis (the account vanished, the disk is full...)."""
    color = theme.ink(Ink.PROBLEM).name()
    return f'<span style="color:{color}"><b>✗</b> {html.escape(text)}</span>'


def note(text: str) -> str:
    return html.escape(text)
