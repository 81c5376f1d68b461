"""Comments: ingesting pulled pages, the inbox views, thread chains.

Pulled comments are remote input: ``ingest`` stores each one it can make storable (text
with lone surrogates or NULs is repaired, timestamps are normalised to UTC "...Z") and
skips, with a message in ``errors``, one it cannot (wrong types, a version beyond 64 bits,
a time that is no time). One bad comment never fails the page, which would stop the sync
at that page for good.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, timedelta

import msgspec
import msgspec.structs

from app.domain import (
    NO_FILTER,
    Comment,
    InboxFilter,
    InboxOrder,
    InboxRow,
    InboxView,
    Person,
    RemoteComment,
    SortKey,
    Thread,
)
from app.store.accounts import upsert_people
from app.store.sql import Database
from app.text.remote_text import display_text, storable_text
from app.timeutil import iso, now, now_iso, parse

log = logging.getLogger(__name__)

_SQLITE_INTEGERS = range(-(2**63), 2**63)
_ID_CHARS = 1_000  # a longer remote id is not an id
#: Ids per statement: far below SQLite's limit on bound variables.
_CHUNK = 500


class Unstorable(ValueError):
    """A pulled comment that cannot be stored as it is (the message says why)."""


#: Every view shows only other people's comments that still exist.
_BASE_WHERE = "c.is_mine = 0 AND c.deleted = 0"
#: What each view adds to the base condition. Only triage_state, answered, is_question and
#: mentions_me may appear here: those are the key of ``comment_counts``, where the counts
#: come from. The sparse views' conditions are also those of their partial indexes
#: (``ix_view_*``, schema v6), written the same way so the planner can use them.
_VIEW_WHERE: dict[InboxView, str] = {
    InboxView.NEEDS_REPLY: "c.answered = 0 AND c.triage_state = 'open'",
    # Not a key of ``comment_counts``: counted on its own (``_COUNTED_APART``).
    InboxView.VIPS: "c.answered = 0 AND c.triage_state = 'open' AND c.author_tier > 0",
    InboxView.QUESTIONS: "c.is_question = 1 AND c.answered = 0 AND c.triage_state = 'open'",
    InboxView.MENTIONS: "c.mentions_me = 1 AND c.triage_state = 'open'",
    InboxView.SNOOZED: "c.triage_state = 'snoozed'",
    InboxView.DONE: "(c.triage_state = 'done' OR c.answered = 1)",
    InboxView.ALL: "1",
}

LIST_COLUMNS = """c.id, c.created_at, c.triage_state, c.snoozed_until, c.is_question,
    c.answered, c.edited_at, substr(c.body_text, 1, 240) AS snippet,
    p.name AS author_name, p.title AS author_title, p.department AS author_department,
    po.title AS post_title, a.network AS network, a.name AS account_name,
    (SELECT COUNT(*) > 1 FROM accounts a2 WHERE a2.network = a.network) AS network_shared,
    EXISTS (SELECT 1 FROM reply_drafts d WHERE d.comment_id = c.id) AS reply_draft,
    c.author_tier"""

_JOINS = """JOIN people p ON p.id = c.author_id
    JOIN posts po ON po.id = c.post_id JOIN accounts a ON a.id = c.account_id"""
LIST_JOINS = f"FROM comments c {_JOINS}"
#: ``LIST_JOINS`` reading comments in id order only: "the comments after this id" (new
#: since a look) are a few at the end, where a state's index would be walked whole.
LIST_JOINS_BY_ID = f"FROM comments c NOT INDEXED {_JOINS}"


def list_joins_by(index: str) -> str:
    """``LIST_JOINS`` walking the comments by ``index`` (the planner has no statistics)."""
    return f"FROM comments c INDEXED BY {index} {_JOINS}"


#: Views whose count is not kept in ``comment_counts`` (it has no tier): counted by index.
_COUNTED_APART = (InboxView.VIPS,)
#: The partial index (schema v6) holding exactly a sparse view's comments, by time: the
#: planner, which has no statistics, would walk a triage state's index and filter instead.
_VIEW_INDEX = {
    InboxView.NEEDS_REPLY: "ix_view_needs_reply",
    InboxView.QUESTIONS: "ix_view_questions",
    InboxView.MENTIONS: "ix_view_mentions",
}
#: Needs reply's comments by (tier, time): serves "VIPs first" and the VIPs view.
_TIER_INDEX = "ix_view_needs_reply_tier"
_TIER_INDEXED = (InboxView.NEEDS_REPLY, InboxView.VIPS)
#: Every VIP's comments by (tier, time), whatever their state: a tier filter elsewhere.
_VIP_INDEX = "ix_comments_vip"
#: ORDER BY and the keyset condition ("after the row with this key") of each order.
_ORDER_BY = {
    InboxOrder.NEWEST: "c.created_at DESC, c.id DESC",
    InboxOrder.VIP_FIRST: "c.author_tier DESC, c.created_at DESC, c.id DESC",
    InboxOrder.LONGEST_WAITING: "c.created_at ASC, c.id ASC",
}
_AFTER = {
    InboxOrder.NEWEST: "(c.created_at, c.id) < (?, ?)",
    InboxOrder.VIP_FIRST: "(c.author_tier, c.created_at, c.id) < (?, ?, ?)",
    InboxOrder.LONGEST_WAITING: "(c.created_at, c.id) > (?, ?)",
}


def view_filter(
    view: InboxView | None, post_id: int | None = None, narrow: InboxFilter = NO_FILTER
) -> tuple[str, list[object]]:
    """SQL condition and parameters for a view, optionally narrowed to one post and by the
    person's filters (the network's condition needs the accounts joined as ``a``)."""
    where = f"{_BASE_WHERE} AND {_VIEW_WHERE[view or InboxView.ALL]}"
    params: list[object] = []
    if post_id is not None:
        where += " AND c.post_id = ?"
        params.append(post_id)
    if narrow.network is not None:  # by post: ix_comments_inbox holds post_id, so counts
        where += (  # stay within the index
            " AND c.post_id IN (SELECT po.id FROM posts po JOIN accounts na"
            " ON na.id = po.account_id WHERE na.network = ?)"
        )
        params.append(narrow.network)
    if narrow.min_tier:  # "> 0" as written in the VIP index's condition, so it applies
        where += " AND c.author_tier > 0 AND c.author_tier >= ?"
        params.append(int(narrow.min_tier))
    if narrow.newer_than_days is not None:
        where += " AND c.created_at >= ?"
        params.append(iso(now() - timedelta(days=narrow.newer_than_days)))
    if narrow.waiting_over_days is not None:
        where += " AND c.created_at < ?"
        params.append(iso(now() - timedelta(days=narrow.waiting_over_days)))
    return where, params


def _after(order: InboxOrder, key: SortKey) -> list[object]:
    tier, created_at, comment_id = key
    return (
        [tier, created_at, comment_id]
        if order is InboxOrder.VIP_FIRST
        else [created_at, comment_id]
    )


def _text(value: object, what: str, limit: int | None = None) -> str:
    if not isinstance(value, str):
        raise Unstorable(f"{what} is a {type(value).__name__}, not text")
    if limit is not None and len(value) > limit:
        raise Unstorable(f"{what} is {len(value):,} characters long")
    return storable_text(value)


def _maybe_text(value: object, what: str, limit: int | None = None) -> str | None:
    return None if value is None else _text(value, what, limit)


def _moment(value: object, what: str) -> str:
    """A timestamp as UTC "YYYY-MM-DDTHH:MM:SSZ" (the form every query sorts on)."""
    text = _text(value, what, limit=100)
    try:
        moment = parse(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return iso(moment)
    except (ValueError, OverflowError):
        raise Unstorable(f"{what} {display_text(text, 40)!r} is not a date and time") from None


def _maybe_moment(value: object, what: str) -> str | None:
    return None if value is None else _moment(value, what)


def storable(comment: RemoteComment) -> RemoteComment:
    """The comment as the database can hold it, or Unstorable saying why not."""
    if not isinstance(comment, RemoteComment) or not isinstance(comment.author, Person):
        raise Unstorable("it is not a comment with an author")
    c, a = comment, comment.author
    if not isinstance(c.version, int) or isinstance(c.version, bool):
        raise Unstorable(f"its version is a {type(c.version).__name__}, not a number")
    if c.version not in _SQLITE_INTEGERS:
        raise Unstorable("its version number is out of range")
    if not isinstance(c.deleted, bool) or not isinstance(c.is_mine, bool):
        raise Unstorable("its deleted or is_mine flag is not true or false")
    author = Person(
        remote_id=_text(a.remote_id, "its author's id", limit=_ID_CHARS),
        name=_text(a.name, "its author's name"),
        title=_text(a.title or "", "its author's title"),
        department=_text(a.department or "", "its author's department"),
        level=_text(a.level or "", "its author's level"),
    )
    return msgspec.structs.replace(
        c,
        remote_id=_text(c.remote_id, "its id", limit=_ID_CHARS),
        post_remote_id=_text(c.post_remote_id, "its post id", limit=_ID_CHARS),
        parent_remote_id=_maybe_text(c.parent_remote_id, "its parent id", _ID_CHARS),
        root_remote_id=_maybe_text(c.root_remote_id, "its root id", _ID_CHARS),
        author=author,
        body_html=_text(c.body_html, "its text"),
        created_at=_moment(c.created_at, "its creation time"),
        edited_at=_maybe_moment(c.edited_at, "its edit time"),
    )


def _storable_only(comments: list[RemoteComment], errors: list[str] | None) -> list[RemoteComment]:
    kept = []
    for comment in comments:
        try:
            kept.append(storable(comment))
        except Unstorable as exc:
            ident = getattr(comment, "remote_id", None)
            shown = display_text(ident, 80) if isinstance(ident, str) and ident else "(no id)"
            message = f"Comment {shown} could not be stored and was skipped: {exc}."
            log.warning("%s", message)
            if errors is not None:
                errors.append(message)
    return kept


class PreparedComment(msgspec.Struct, frozen=True):
    """A storable comment with its plain text and tags worked out (no database needed)."""

    comment: RemoteComment
    text: str
    is_question: bool
    mentions_me: bool


def prepare(
    comments: list[RemoteComment], my_name: str, errors: list[str] | None = None
) -> list[PreparedComment]:
    """The CPU-heavy half of ingesting (HTML to text, classification), kept out of the
    database transaction so the writer thread is free for autosaves meanwhile. A comment
    that cannot be stored is skipped with a sentence appended to ``errors``.

    The classifier (nh3 and an HTML tokenizer) loads with the first sync, not on the way
    to the window's first painted inbox."""
    from app.text.asking import is_question
    from app.text.classify import html_to_text, mentions

    prepared = []
    for c in _storable_only(comments, errors):
        text = html_to_text(c.body_html)
        prepared.append(PreparedComment(c, text, is_question(text), mentions(text, my_name)))
    return prepared


def ingest(
    db: Database,
    account_id: str,
    my_name: str,
    comments: list[RemoteComment],
    errors: list[str] | None = None,
) -> int:
    """Insert or update pulled comments (remote fields only; triage state kept); return count.

    A comment that cannot be stored is skipped and a sentence saying which and why is
    appended to ``errors`` (pass the page's error list so the sync reports it)."""
    return store_prepared(db, account_id, prepare(comments, my_name, errors))


def store_prepared(db: Database, account_id: str, prepared: list[PreparedComment]) -> int:
    """The database half of ingesting: one upsert of the page, authors first."""
    if not prepared:
        return 0
    authors = {p.comment.author.remote_id: p.comment.author for p in prepared}
    upsert_people(db, account_id, list(authors.values()))
    posts = dict(
        db.execute("SELECT remote_id, id FROM posts WHERE account_id = ?", [account_id]).fetchall()
    )
    people = dict(
        db.execute("SELECT remote_id, id FROM people WHERE account_id = ?", [account_id]).fetchall()
    )
    rows = [
        (
            account_id,
            p.comment.remote_id,
            posts[p.comment.post_remote_id],
            p.comment.parent_remote_id,
            p.comment.root_remote_id,
            people[p.comment.author.remote_id],
            p.comment.body_html,
            p.text,
            p.comment.created_at,
            p.comment.edited_at,
            p.comment.version,
            int(p.comment.deleted),
            int(p.comment.is_mine),
            int(p.is_question),
            int(p.mentions_me),
        )
        for p in prepared
        if p.comment.post_remote_id in posts
    ]
    db.conn.executemany(
        """
        INSERT INTO comments(account_id, remote_id, post_id, parent_remote_id, root_remote_id,
            author_id, body_html, body_text, created_at, edited_at, version, deleted, is_mine,
            is_question, mentions_me)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(account_id, remote_id) DO UPDATE SET
            body_html = excluded.body_html, body_text = excluded.body_text,
            edited_at = excluded.edited_at, version = excluded.version,
            deleted = excluded.deleted, is_question = excluded.is_question,
            mentions_me = excluded.mentions_me""",
        rows,
    )
    mine_parents = [
        (account_id, p.comment.parent_remote_id)
        for p in prepared
        if p.comment.is_mine and p.comment.parent_remote_id and not p.comment.deleted
    ]
    db.conn.executemany(
        "UPDATE comments SET answered = 1 WHERE account_id = ? AND remote_id = ?", mine_parents
    )
    return len(rows)


def mark_missing_deleted(
    db: Database,
    account_id: str,
    post_remote_ids: tuple[str, ...],
    present_remote_ids: list[str],
) -> int:
    """After a full re-scan of these posts: every comment on them not in ``present`` is
    gone from the network (deleted, trashed or unapproved); returns how many were marked."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS rescan_present(remote_id TEXT PRIMARY KEY)")
    db.execute("DELETE FROM rescan_present")
    db.conn.executemany(
        "INSERT OR IGNORE INTO rescan_present(remote_id) VALUES (?)",
        [(r,) for r in present_remote_ids],
    )
    marks = ",".join("?" * len(post_remote_ids))
    cursor = db.execute(
        f"""UPDATE comments SET deleted = 1
            WHERE account_id = ? AND deleted = 0
              AND post_id IN (SELECT id FROM posts WHERE account_id = ?
                              AND remote_id IN ({marks}))
              AND remote_id NOT IN (SELECT remote_id FROM rescan_present)""",
        [account_id, account_id, *post_remote_ids],
    )
    db.execute("DELETE FROM rescan_present")
    return cursor.rowcount


def view_page(
    db: Database,
    view: InboxView | None,
    post_id: int | None = None,
    after: SortKey | None = None,
    limit: int = 200,
    *,
    narrow: InboxFilter = NO_FILTER,
) -> list[InboxRow]:
    """One page of a view in its order (``narrow.order_in``), narrowed by ``narrow``,
    continuing after the row whose key (``app.domain.narrowing.sort_key``) is ``after``."""
    order = narrow.order_in(view)
    where, params = view_filter(view, post_id, narrow)
    if after is not None:
        where += f" AND {_AFTER[order]}"
        params += _after(order, after)
    source = _source(post_id, view, narrow)
    if narrow.narrows():  # the page's ids first (a filter may need a sort), then its rows
        sql = (
            f"SELECT {LIST_COLUMNS} {LIST_JOINS} WHERE c.id IN (SELECT c.id FROM {source} "
            f"WHERE {where} ORDER BY {_ORDER_BY[order]} LIMIT ?) ORDER BY {_ORDER_BY[order]}"
        )
    else:
        sql = (
            f"SELECT {LIST_COLUMNS} FROM {source} {_JOINS} WHERE {where} "
            f"ORDER BY {_ORDER_BY[order]} LIMIT ?"
        )
    return [InboxRow.from_row(r) for r in db.execute(sql, [*params, limit])]


def rows_by_id(db: Database, ids: list[int]) -> list[InboxRow]:
    """List rows for these comments, in the order given (missing or deleted ones dropped)."""
    found: dict[int, InboxRow] = {}
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        sql = f"SELECT {LIST_COLUMNS} {LIST_JOINS} WHERE c.id IN ({marks}) AND c.deleted = 0"
        found.update((r["id"], InboxRow.from_row(r)) for r in db.execute(sql, part))
    return [found[i] for i in ids if i in found]


def _bounded(
    view: InboxView, post_id: int | None, max_id: int, narrow: InboxFilter
) -> tuple[str, str, list[object]]:
    where, params = view_filter(view, post_id, narrow)
    return _source(post_id, view, narrow), f"{where} AND c.id <= ?", [*params, max_id]


def _source(
    post_id: int | None, view: InboxView | None = None, narrow: InboxFilter = NO_FILTER
) -> str:
    """Which index narrows best. One post has hundreds of comments, VIPs' comments a few
    thousand, a triage state hundreds of thousands: without statistics the planner cannot
    know. A filter that keeps few rows (a tier, a recent age) reads those few and sorts
    them; otherwise the index in the view's order is walked and the filters skip rows."""
    if post_id is not None:
        return "comments c INDEXED BY ix_comments_post"
    order = narrow.order_in(view)
    tiered = view in _TIER_INDEXED
    if narrow.min_tier:  # the VIP index covers the network's post too
        few = tiered and narrow.network is None
        return f"comments c INDEXED BY {_TIER_INDEX if few else _VIP_INDEX}"
    index = _VIEW_INDEX.get(view) if view is not None else None
    if narrow.newer_than_days is not None:
        return f"comments c INDEXED BY {index or 'ix_comments_created'}"
    if tiered and (order is InboxOrder.VIP_FIRST or view is InboxView.VIPS):
        return f"comments c INDEXED BY {_TIER_INDEX}"
    return "comments c" if index is None else f"comments c INDEXED BY {index}"


def view_snapshot(
    db: Database, view: InboxView, post_id: int | None, narrow: InboxFilter = NO_FILTER
) -> tuple[int, int]:
    """(max_id, count): the bound for "the whole view, now" (comments with higher ids
    arrive later and are not part of it) and how many the view holds up to it."""
    max_id: int = db.execute("SELECT COALESCE(MAX(id), 0) FROM comments").fetchone()[0]
    source, where, params = _bounded(view, post_id, max_id, narrow)
    count: int = db.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params).fetchone()[0]
    return max_id, count


def view_ids(
    db: Database, view: InboxView, post_id: int | None, max_id: int, narrow: InboxFilter = NO_FILTER
) -> list[int]:
    """The ids of a view still in it, up to the bound ``view_snapshot`` gave, in its order."""
    source, where, params = _bounded(view, post_id, max_id, narrow)
    sql = f"SELECT c.id FROM {source} WHERE {where} ORDER BY {_ORDER_BY[narrow.order_in(view)]}"
    return [r[0] for r in db.execute(sql, params).fetchall()]


def view_count(
    db: Database,
    view: InboxView | None,
    post_id: int | None = None,
    narrow: InboxFilter = NO_FILTER,
) -> int:
    """How many comments a view holds; across every post from ``comment_counts`` (kept by
    triggers, schema v6: a handful of rows however big the store), within one post, a view
    counted apart or a narrowed view by its index."""
    if post_id is None and view not in _COUNTED_APART and not narrow.narrows():
        where = _VIEW_WHERE[view or InboxView.ALL]
        total = db.execute(f"SELECT SUM(c.n) FROM comment_counts c WHERE {where}").fetchone()[0]
        return int(total or 0)
    where, params = view_filter(view, post_id, narrow)
    source = _source(post_id, view, narrow)
    if post_id is None and narrow.network is not None and not narrow.min_tier:
        source = "comments c INDEXED BY ix_comments_inbox"  # it covers the post too
    sql = f"SELECT COUNT(*) FROM {source} WHERE {where}"
    count: int = db.execute(sql, params).fetchone()[0]
    return count


def posts_of(db: Database, comment_ids: list[int]) -> frozenset[int]:
    """The posts these comments are on."""
    found: set[int] = set()
    for start in range(0, len(comment_ids), _CHUNK):  # stay under SQLite's variable limit
        chunk = comment_ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT DISTINCT post_id FROM comments WHERE id IN ({marks})"
        found.update(row[0] for row in db.execute(sql, chunk))
    return frozenset(found)


def any_in_themes(db: Database, comment_ids: list[int]) -> bool:
    """Whether any of these comments is a question in a theme (it has a sentence vector,
    ``app.store.vectors``): triaging one may change the Themes."""
    found = db.execute(
        "SELECT EXISTS(SELECT 1 FROM comment_vectors WHERE comment_id IN "
        "(SELECT value FROM json_each(?)))",
        [json.dumps(comment_ids)],
    ).fetchone()[0]
    return bool(found)


def view_counts(db: Database) -> dict[InboxView, int]:
    """Counts for every view, from ``comment_counts``: one row per (state, flags) group of
    the counted comments, kept by triggers; the view conditions apply to the groups,
    weighted by their size. The views counted apart read their index."""
    kept = [v for v in _VIEW_WHERE if v not in _COUNTED_APART]
    parts = ", ".join(f"SUM(CASE WHEN {_VIEW_WHERE[v]} THEN c.n ELSE 0 END)" for v in kept)
    row = db.execute(f"SELECT {parts} FROM comment_counts c").fetchone()
    counts = {view: int(n or 0) for view, n in zip(kept, row, strict=True)}
    counts.update((view, view_count(db, view)) for view in _COUNTED_APART)
    return {view: counts[view] for view in _VIEW_WHERE}


def get_comments(db: Database, comment_ids: list[int]) -> list[Comment]:
    """Whole comments (with post and author details) for these ids, in the order given."""
    rows: dict[int, Comment] = {}
    for start in range(0, len(comment_ids), _CHUNK):  # stay under SQLite's variable limit
        chunk = comment_ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(
            f"""SELECT {LIST_COLUMNS}, c.body_html, c.body_text, c.remote_id,
        c.parent_remote_id, c.root_remote_id, c.account_id, c.post_id, c.version, c.is_mine,
        c.deleted, p.level AS author_level, po.remote_id AS post_remote_id, po.body AS post_body,
        po.url AS post_url {LIST_JOINS} WHERE c.id IN ({marks})""",
            chunk,
        ):
            rows[row["id"]] = Comment.from_row(row)
    return [rows[i] for i in comment_ids if i in rows]


def get_comment(db: Database, comment_id: int) -> Comment | None:
    found = get_comments(db, [comment_id])
    return found[0] if found else None


def thread_chain(db: Database, comment_id: int) -> list[Comment]:
    """The comment's ancestors from the top-level comment down to the comment itself."""
    chain: list[Comment] = []
    current = get_comment(db, comment_id)
    seen: set[int] = set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        chain.append(current)
        parent = current.parent_remote_id
        if not parent:
            break
        row = db.execute(
            "SELECT id FROM comments WHERE account_id = ? AND remote_id = ?",
            [current.account_id, parent],
        ).fetchone()
        current = get_comment(db, row[0]) if row else None
    return list(reversed(chain))


def replies_to(db: Database, comment_id: int) -> list[Comment]:
    """Direct replies already stored locally (mine included), oldest first."""
    ids = [
        r[0]
        for r in db.execute(
            """SELECT c.id FROM comments c
        WHERE c.deleted = 0 AND c.account_id = (SELECT account_id FROM comments WHERE id = :id)
          AND c.parent_remote_id = (SELECT remote_id FROM comments WHERE id = :id)
        ORDER BY c.created_at, c.id""",
            {"id": comment_id},
        ).fetchall()
    ]
    return get_comments(db, ids)


def thread(db: Database, comment_id: int) -> Thread:
    """What the thread pane shows: the chain down to the comment and the replies under it."""
    return Thread(tuple(thread_chain(db, comment_id)), tuple(replies_to(db, comment_id)))


def mark_answered(db: Database, comment_ids: list[int]) -> None:
    db.conn.executemany(
        "UPDATE comments SET answered = 1, triaged_at = ? WHERE id = ?",
        [(now_iso(), i) for i in comment_ids],
    )
