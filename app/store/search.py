"""Full-text search (FTS5) over comments, posts and drafts."""

from __future__ import annotations

import re

from app.domain import InboxRow, SearchResults, TitleHit
from app.store.comments import LIST_COLUMNS, LIST_JOINS
from app.store.sql import Database

_WORD = re.compile(r"\w+", re.UNICODE)


#: A last word shorter than this is matched whole, not as a prefix: "t*" matches nearly
#: every comment, costs hundreds of milliseconds and helps nobody.
MIN_PREFIX = 2
#: Relevance is ranked among this many newest matches, so a common word stays fast (bm25
#: is computed per match). Rare words have fewer matches and are ranked over all of them.
RANK_WINDOW = 2000


def fts_query(text: str) -> str | None:
    """User text to a safe FTS5 query: every word must appear, the last one as a prefix."""
    words = _WORD.findall(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    if len(words[-1]) >= MIN_PREFIX:
        quoted[-1] += "*"
    return " ".join(quoted)


def search_comments(db: Database, text: str, limit: int = 200) -> list[InboxRow]:
    """Best matches first, among the newest ``RANK_WINDOW`` matches (FTS5 walks its doclists
    newest-first for ``ORDER BY rowid DESC`` and stops early; bm25 runs on those only).
    Deleted comments are dropped inside the window, so they never use up the ``limit``."""
    query = fts_query(text)
    if query is None:
        return []
    return [
        InboxRow.from_row(r)
        for r in db.query(
            f"""SELECT {LIST_COLUMNS} {LIST_JOINS}
        JOIN (SELECT rowid, rank FROM (
                SELECT f.rowid, f.rank FROM comments_fts f JOIN comments live
                  ON live.id = f.rowid AND live.deleted = 0
                WHERE comments_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?)
              ORDER BY rank LIMIT ?) hit ON hit.rowid = c.id
        ORDER BY hit.rank""",
            [query, RANK_WINDOW, limit],
        )
    ]


def search_posts(db: Database, text: str, limit: int = 50) -> list[TitleHit]:
    """Posts whose title or text match, best first; deleted posts are left out."""
    return _titles(db, "posts", text, limit, "t.deleted = 0")


def search_drafts(db: Database, text: str, limit: int = 50) -> list[TitleHit]:
    return _titles(db, "drafts", text, limit)


def search_everything(db: Database, text: str, hits: int) -> SearchResults:
    """Comments matching ``text``, and up to ``hits`` posts and drafts."""
    return SearchResults(
        tuple(search_comments(db, text)),
        tuple(search_posts(db, text, limit=hits)),
        tuple(search_drafts(db, text, limit=hits)),
    )


def _titles(db: Database, table: str, text: str, limit: int, where: str = "1") -> list[TitleHit]:
    """Rows of ``table`` (posts or drafts) matching in its FTS5 index, best first."""
    query = fts_query(text)
    if query is None:
        return []
    found = db.execute(
        f"""SELECT t.id, t.title FROM {table}_fts f JOIN {table} t ON t.rowid = f.rowid
        WHERE {table}_fts MATCH ? AND {where} ORDER BY f.rank LIMIT ?""",
        [query, limit],
    )
    return [TitleHit(row[0], row[1] or "") for row in found]
