"""Full-text search (FTS5) over comments, posts and drafts."""

from __future__ import annotations

import re

import sqlite_utils

from app.store.comments import LIST_COLUMNS, LIST_JOINS

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """User text to a safe FTS5 query: every word must appear, the last one as a prefix."""
    words = _WORD.findall(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search_comments(db: sqlite_utils.Database, text: str, limit: int = 200) -> list[dict]:
    query = fts_query(text)
    if query is None:
        return []
    return list(
        db.query(
            f"""SELECT {LIST_COLUMNS} {LIST_JOINS}
        JOIN (SELECT rowid, rank FROM comments_fts WHERE comments_fts MATCH ?
              ORDER BY rank LIMIT ?) hit ON hit.rowid = c.id
        WHERE c.deleted = 0 ORDER BY hit.rank""",
            [query, limit],
        )
    )


def search_posts(db: sqlite_utils.Database, text: str, limit: int = 50) -> list[dict]:
    query = fts_query(text)
    return (
        []
        if query is None
        else list(db["posts"].search(query, limit=limit, columns=["id", "title"]))
    )


def search_drafts(db: sqlite_utils.Database, text: str, limit: int = 50) -> list[dict]:
    query = fts_query(text)
    return (
        []
        if query is None
        else list(db["drafts"].search(query, limit=limit, columns=["id", "title"]))
    )
