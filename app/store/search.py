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
#: Matches are ranked among this many newest ones, so a common word costs no more than a
#: rare one (FTS5 walks its doclists newest first for ``ORDER BY rowid DESC`` and stops).
#: A search of common words that few comments hold together reads its doclists until the
#: window is full, and each match in it is checked and sized. At 1M comments the worst
#: benchmark search ("how does this change") took 9.9 ms of CPU with 1,000, 7.2 with 500:
#: on a busy two-core machine that is 20+ ms against 15 of wall-clock time. The 200 rows
#: shown are still the shortest of the newest 500 that match.
RANK_WINDOW = 500


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
    """The best ``limit`` of the newest ``RANK_WINDOW`` matches: the shortest comments first
    (the fewest words besides the ones searched for), the newest first among equals.

    Not bm25: FTS5's bm25 first counts every comment in the store that holds each word
    searched (its IDF), however small the window; at a million comments that was 20 ms of
    the 25 for "th". Every word of a search must appear, and comments are a few dozen words
    long, so each nearly always appears once per match; bm25's order is then its length
    normalisation alone, shortest first, and FTS5 keeps each comment's length in words
    (``comments_fts_docsize``). Deleted comments are dropped inside the window (through
    the small ``ix_comments_deleted``), so they never use up the ``limit``.
    """
    query = fts_query(text)
    if query is None:
        return []
    return [
        InboxRow.from_row(r)
        for r in db.execute(
            f"""SELECT {LIST_COLUMNS} {LIST_JOINS}
        JOIN (SELECT w.rowid AS hit_id, d.sz AS hit_size
              FROM (SELECT f.rowid FROM comments_fts f WHERE comments_fts MATCH ?
                    AND NOT EXISTS (SELECT 1 FROM comments gone INDEXED BY ix_comments_deleted
                                    WHERE gone.id = f.rowid AND gone.deleted IS NOT 0)
                    ORDER BY f.rowid DESC LIMIT ?) w
              JOIN comments_fts_docsize d ON d.id = w.rowid
              ORDER BY d.sz, w.rowid DESC LIMIT ?) hit ON hit.hit_id = c.id
        ORDER BY hit.hit_size, c.id DESC""",
            [query, RANK_WINDOW, limit],
        )
    ]


def search_posts(db: Database, text: str, limit: int = 50) -> list[TitleHit]:
    """Posts whose title or text match, best first; deleted posts are left out."""
    return _titles(db, "posts", text, limit, "t.deleted = 0")


def search_drafts(db: Database, text: str, limit: int = 50) -> list[TitleHit]:
    """Drafts whose title or text match, best first; deleted drafts are left out."""
    return _titles(db, "drafts", text, limit, "t.deleted_at IS NULL")


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
