"""Saved replies (snippets): listed, added, changed and deleted from the window; inserted
into the reply composer, where their variables personalise like any batch reply.

They live in this device's database; in a workspace each sync shares them with the
other devices (``app.core.snippet_sharing``). Every change is published as
``SnippetsChanged``, so the lists showing them (and the workspace's sync) hear of it.
"""

from __future__ import annotations

from app import events as ev
from app.domain.library import SNIPPET_NAME_CHARS, Snippet
from app.errors import UserError
from app.store import Store, snippets
from app.text.templates import check_template


class Snippets:
    def __init__(self, store: Store, events: ev.Events) -> None:
        self._store = store
        self._events = events

    async def all(self) -> list[Snippet]:
        """Every snippet, by name."""
        return await self._store.read(snippets.all_snippets)

    async def save(self, snippet_id: int | None, name: str, body: str) -> int:
        """Add (``snippet_id`` None) or change a snippet; UserError saying what to fix when
        the name is missing or too long, the text empty, or a {variable} unknown."""
        name = " ".join(name.split())
        if not name:
            raise UserError("Give the snippet a name: it is what you type to find it.")
        if len(name) > SNIPPET_NAME_CHARS:
            raise UserError(f"Keep the name under {SNIPPET_NAME_CHARS} characters.")
        if not body.strip():
            raise UserError("Write the snippet's text first.")
        check_template(body)
        saved = await self._store.run(snippets.save, snippet_id, name, body)
        self._events.emit(ev.SnippetsChanged())
        return saved

    async def delete(self, snippet_id: int) -> None:
        await self._store.run(snippets.delete, snippet_id)
        self._events.emit(ev.SnippetsChanged())
