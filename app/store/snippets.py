"""Saved replies (snippets), kept in this device's database, in name order."""

from __future__ import annotations

from app.domain.library import Snippet
from app.store.sql import Database
from app.timeutil import now_iso


def all_snippets(db: Database) -> list[Snippet]:
    rows = db.execute(
        "SELECT id, name, body, updated_at FROM snippets ORDER BY name COLLATE NOCASE, id"
    )
    return [Snippet(*row) for row in rows]


def save(db: Database, snippet_id: int | None, name: str, body: str) -> int:
    """Add a snippet (``snippet_id`` None) or change one; returns its id."""
    if snippet_id is None:
        cursor = db.execute(
            "INSERT INTO snippets(name, body, updated_at) VALUES (?, ?, ?)", [name, body, now_iso()]
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid
    db.execute(
        "UPDATE snippets SET name = ?, body = ?, updated_at = ? WHERE id = ?",
        [name, body, now_iso(), snippet_id],
    )
    return snippet_id


def delete(db: Database, snippet_id: int) -> None:
    db.execute("DELETE FROM snippets WHERE id = ?", [snippet_id])
