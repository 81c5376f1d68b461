"""Remote words as every list shows them: each text field of a row (author, their title
and department, the post's title, the snippet) through ``app.text.sanitize.display_text``,
the cleaning the thread pane uses, so a right-to-left override or a zero-width character
cannot make a row read differently from the conversation it opens."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from app.domain import InboxRow, Post, SearchResults, TitleHit
from app.text.sanitize import display_text

Row = TypeVar("Row", bound=InboxRow)
#: The longest snippet a row is given (the store reads 240 characters of the text).
SNIPPET_CHARS = 240


def shown_row(row: Row) -> Row:
    return replace(
        row,
        author_name=display_text(row.author_name),
        author_title=display_text(row.author_title),
        author_department=display_text(row.author_department),
        post_title=display_text(row.post_title),
        snippet=display_text(row.snippet, SNIPPET_CHARS + 1),
    )


def shown_rows(rows: list[Row]) -> list[Row]:
    return [shown_row(r) for r in rows]


def shown_post(post: Post) -> Post:
    return replace(post, title=display_text(post.title))


def shown_results(found: SearchResults) -> SearchResults:
    return SearchResults(
        tuple(shown_rows(list(found.comments))),
        tuple(TitleHit(h.id, display_text(h.title)) for h in found.posts),
        found.drafts,
    )
