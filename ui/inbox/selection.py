""" "Every comment in this view" (Ctrl+A) without loading the view into the list.

Selecting the whole view records the view's query (view, post) and a snapshot bound: the
highest comment id in the store at that moment. The list shows the rows it has loaded as
selected; the comments acted on are read, off the UI thread, as the view's rows with ids
up to the bound, so comments that arrive afterwards (a sync) are never swept up unseen.
The functions here run on the store's reading thread (``core.store.read``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from app.domain import InboxView
from app.store.comments import view_filter


@dataclass(frozen=True)
class WholeView:
    """The whole of one view (optionally one post) as it was when selected."""

    view: InboxView
    post_id: int | None
    max_id: int  # comments with higher ids arrived later and are not part of it
    count: int
    generation: int  # the list model's generation it was selected in


def _where(view: InboxView, post_id: int | None, max_id: int) -> tuple[str, str, list]:
    where, params = view_filter(view, post_id)
    # One post has hundreds of comments, one triage state up to every one: say which
    # index narrows best (see ``comments.view_count``).
    source = "comments c" if post_id is None else "comments c INDEXED BY ix_comments_post"
    return source, f"{where} AND c.id <= ?", [*params, max_id]


def snapshot(db: sqlite_utils.Database, view: InboxView, post_id: int | None) -> tuple[int, int]:
    """(max_id, count): the bound for "the whole view, now" and how many it holds."""
    max_id = db.execute("SELECT COALESCE(MAX(id), 0) FROM comments").fetchone()[0]
    source, where, params = _where(view, post_id, max_id)
    count = db.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params).fetchone()[0]
    return max_id, count


def whole_view_ids(db: sqlite_utils.Database, whole: WholeView) -> list[int]:
    """The ids of the whole view (still in it, up to the bound), newest first."""
    source, where, params = _where(whole.view, whole.post_id, whole.max_id)
    sql = f"SELECT c.id FROM {source} WHERE {where} ORDER BY c.created_at DESC, c.id DESC"
    return [r[0] for r in db.execute(sql, params).fetchall()]
