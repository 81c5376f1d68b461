"""What the executive has written before and may use again: saved replies (snippets) and
answers given to questions (the answer library)."""

from __future__ import annotations

import msgspec

#: The longest name a snippet may have (it is what people type to find it).
SNIPPET_NAME_CHARS = 80


class Snippet(msgspec.Struct, frozen=True):
    """A saved reply; its body takes the batch reply's variables ({first_name}...)."""

    id: int
    name: str
    body: str
    updated_at: str
    #: The id every device of a workspace knows it by (``id`` is this database's own).
    uid: str


class SnippetContent(msgspec.Struct, frozen=True):
    """What two devices of a workspace compare and share of a snippet: name and text."""

    name: str
    body: str


class PastAnswer(msgspec.Struct, frozen=True):
    """An answer given to a question, as a starting point for the same question later."""

    comment_id: int
    #: The question as it was asked (its text, shortened).
    question: str
    #: The reply as written (with its variables: it personalises again).
    answer: str
    given_at: str
    author_name: str
    network: str
    post_title: str
