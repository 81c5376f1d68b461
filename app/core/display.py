"""Remote words as every list shows them: each text field of a row (author, their title
and department, the post's title, the snippet) through ``app.text.sanitize.display_text``,
the cleaning the thread pane uses, so a right-to-left override or a zero-width character
cannot make a row read differently from the conversation it opens.

A row whose fields are already clean (nearly all of them) is returned as it is: a new
frozen row costs more than the cleaning, and lists are read in thousands. The use cases
call these on the store's reading thread, with the read, not on the UI thread."""

from __future__ import annotations

from typing import TypeVar

from msgspec.structs import replace

from app.domain import InboxRow, Post, SearchResults, TitleHit
from app.text.remote_text import display_text

Row = TypeVar("Row", bound=InboxRow)
#: The longest snippet a row is given (the store reads 240 characters of the text).
SNIPPET_CHARS = 240


def shown_row(row: Row) -> Row:
    name, title, department, post_title = (
        display_text(row.author_name),
        display_text(row.author_title),
        display_text(row.author_department),
        display_text(row.post_title),
    )
    snippet = display_text(row.snippet, SNIPPET_CHARS + 1)
    if (name, title, department, post_title, snippet) == (
        row.author_name,
        row.author_title,
        row.author_department,
        row.post_title,
        row.snippet,
    ):
        return row
    return replace(
        row,
        author_name=name,
        author_title=title,
        author_department=department,
        post_title=post_title,
        snippet=snippet,
    )


def shown_rows(rows: list[Row]) -> list[Row]:
    return [shown_row(r) for r in rows]


def shown_post(post: Post) -> Post:
    title = display_text(post.title)
    return post if title == post.title else replace(post, title=title)


def shown_posts(posts: list[Post]) -> list[Post]:
    return [shown_post(p) for p in posts]


def shown_results(found: SearchResults) -> SearchResults:
    return SearchResults(
        tuple(shown_rows(list(found.comments))),
        tuple(TitleHit(h.id, display_text(h.title)) for h in found.posts),
        found.drafts,
    )
