"""A reply's text as an editor shows it: after people edited it on two devices offline,
every head's text under who wrote it and when (``app.workspace.conflicts``), so whoever
opens it next picks or merges them (the For approval page and the Shared inbox both use
this)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPlainTextEdit

from app.workspace.conflicts import NOTICE, Head, both_texts
from app.workspace.model import Reply

CONFLICT = NOTICE


def editable_text(reply: Reply | None, name: Callable[[str], str]) -> str:
    """The text to put in the editor (``name`` turns a device id into who it is)."""
    if reply is None:
        return ""
    if not reply.in_conflict:
        return reply.text
    return both_texts([Head(name(h.by), h.at, h.text) for h in reply.heads])


def show(editor: QPlainTextEdit, reply: Reply | None, name: Callable[[str], str]) -> None:
    editor.setPlainText(editable_text(reply, name))
