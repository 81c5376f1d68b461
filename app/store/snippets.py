"""Saved replies (snippets), kept in this device's database, in name order. Each has the
row id this database gave it and a ``uid`` every device of a workspace knows it by."""

from __future__ import annotations

import secrets
import sqlite3

from app.domain.library import Snippet, SnippetContent
from app.store.sql import Database
from app.timeutil import now_iso


def all_snippets(db: Database) -> list[Snippet]:
    rows = db.execute(
        "SELECT id, name, body, updated_at, uid FROM snippets ORDER BY name COLLATE NOCASE, id"
    )
    return [Snippet(*row) for row in rows]


def save(db: Database, snippet_id: int | None, name: str, body: str) -> int:
    """Add a snippet (``snippet_id`` None) or change one; returns its id. A snippet that
    went meanwhile (deleted on another device of the workspace) is kept again, as a new
    one: the words just typed are not lost."""
    if snippet_id is not None:
        changed = db.execute(
            "UPDATE snippets SET name = ?, body = ?, updated_at = ? WHERE id = ?",
            [name, body, now_iso(), snippet_id],
        )
        if changed.rowcount:
            return snippet_id
    return _insert(db, secrets.token_hex(8), name, body)


def delete(db: Database, snippet_id: int) -> None:
    db.execute("DELETE FROM snippets WHERE id = ?", [snippet_id])


def put_shared(db: Database, uid: str, content: SnippetContent, was: Snippet | None) -> bool:
    """A snippet as the workspace holds it, made here (``was`` None) or written over what
    it held when read (``was``); False, changing nothing, when it changed here meanwhile."""
    if was is None:
        try:
            _insert(db, uid, content.name, content.body)
        except sqlite3.IntegrityError:  # made here meanwhile, under that id
            return False
        return True
    changed = db.execute(
        "UPDATE snippets SET name = ?, body = ?, updated_at = ? "
        "WHERE uid = ? AND name = ? AND body = ?",
        [content.name, content.body, now_iso(), uid, was.name, was.body],
    )
    return changed.rowcount > 0


def delete_shared(db: Database, was: Snippet) -> bool:
    """Deleted on another device: gone here too, unless it changed here since ``was``."""
    gone = db.execute(
        "DELETE FROM snippets WHERE uid = ? AND name = ? AND body = ?",
        [was.uid, was.name, was.body],
    )
    return gone.rowcount > 0


def adopt_uid(db: Database, uid: str, shared_uid: str) -> None:
    """This device's snippet is the workspace's ``shared_uid`` (the same name and text,
    kept on both devices before they shared): it takes that id."""
    db.execute("UPDATE snippets SET uid = ? WHERE uid = ?", [shared_uid, uid])


def _insert(db: Database, uid: str, name: str, body: str) -> int:
    cursor = db.execute(
        "INSERT INTO snippets(name, body, updated_at, uid) VALUES (?, ?, ?, ?)",
        [name, body, now_iso(), uid],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid
