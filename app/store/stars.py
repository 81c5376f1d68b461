"""Starred people (until VIPs come with the triage issue): star or unstar the author of a
comment, and the new comments starred people wrote after a given one, for announcing."""

from __future__ import annotations

from app.domain import InboxRow, InboxView
from app.store.comments import LIST_COLUMNS, LIST_JOINS, view_filter
from app.store.sql import Database

#: At most this many new comments are announced at once (a burst says "and N more").
ANNOUNCE_LIMIT = 20


def star_author(db: Database, comment_id: int, starred: bool) -> str:
    """Star (or unstar) whoever wrote ``comment_id``; returns their name ("" if the
    comment is unknown)."""
    row = db.execute(
        "SELECT p.id, p.name FROM comments c JOIN people p ON p.id = c.author_id WHERE c.id = ?",
        [comment_id],
    ).fetchone()
    if row is None:
        return ""
    db.execute("UPDATE people SET starred = ? WHERE id = ?", [int(starred), row[0]])
    return str(row[1])


def newest_comment_id(db: Database) -> int:
    found: int = db.execute("SELECT COALESCE(MAX(id), 0) FROM comments").fetchone()[0]
    return found


def starred_after(db: Database, after_id: int) -> list[InboxRow]:
    """Comments newer than ``after_id`` by starred people that need a reply, oldest first."""
    where, params = view_filter(InboxView.NEEDS_REPLY, None)
    sql = (
        f"SELECT {LIST_COLUMNS} {LIST_JOINS} WHERE {where} AND c.id > ? AND p.starred = 1 "
        "ORDER BY c.id LIMIT ?"
    )
    return [InboxRow.from_row(r) for r in db.query(sql, [*params, after_id, ANNOUNCE_LIMIT])]
