"""Kept counts (schema v5): ``comment_counts`` and ``post_counts`` are maintained by
triggers, so every view's count and every post's open count must equal what counting the
comments says, after any mix of what the app does to comments: pulls (new, edited,
deleted, undeleted), my replies, triage and its undo, answering, removal. Also: the sparse
views' first pages read their partial indexes, and an unchanged text is not re-indexed."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.store_data import ACCOUNT, MY_NAME, ingest, open_store, remote

from app.accounts import removal
from app.domain import InboxFilter, InboxOrder, InboxView, TriageState
from app.domain.narrowing import sort_key
from app.store import Store, comments, triage
from app.store.sql import Database

POSTS = 3
BODIES = (
    "<p>Plain remark about the plan.</p>",
    "<p>Will the bonus change this year?</p>",  # a question
    f"<p>Thanks @{MY_NAME}, very clear.</p>",  # a mention
    f"<p>@{MY_NAME}, when does it start?</p>",  # both
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path, posts=POSTS)
    yield store
    store.close()


def counted_now(db: Database) -> tuple[dict[tuple, int], dict[int, int]]:
    """What the triggers should have kept, counted from the comments themselves."""
    groups = {
        tuple(r[:4]): r[4]
        for r in db.execute(
            """SELECT ifnull(triage_state, ''), ifnull(answered, -1), ifnull(is_question, -1),
                      ifnull(mentions_me, -1), COUNT(*)
               FROM comments WHERE is_mine = 0 AND deleted = 0 GROUP BY 1, 2, 3, 4"""
        )
    }
    posts = dict(
        db.execute(
            """SELECT post_id, COUNT(*) FROM comments WHERE is_mine = 0 AND deleted = 0
               AND answered = 0 AND triage_state = 'open' GROUP BY post_id"""
        ).fetchall()
    )
    return groups, posts


def kept(db: Database) -> tuple[dict[tuple, int], dict[int, int]]:
    groups = {tuple(r[:4]): r[4] for r in db.execute("SELECT * FROM comment_counts WHERE n <> 0")}
    posts = dict(db.execute("SELECT post_id, open FROM post_counts WHERE open <> 0").fetchall())
    return groups, posts


def counted_views(db: Database) -> dict[InboxView, int]:
    """Each view counted the slow way, over the comments."""
    counts = {}
    for view in InboxView:
        where, params = comments.view_filter(view)
        counts[view] = db.execute(f"SELECT COUNT(*) FROM comments c WHERE {where}", params)
        counts[view] = counts[view].fetchone()[0]
    return counts


def pick(store: Store, rng: random.Random) -> int:
    """A comment of someone else's that is stored now."""
    ids = [r[0] for r in store.reader().execute("SELECT id FROM comments WHERE is_mine = 0")]
    return rng.choice(sorted(ids))


def delete_comment(db: Database, comment: int) -> None:
    db.execute("DELETE FROM triage_log")  # it may name the comment; undo is not the point
    db.execute("UPDATE outbox SET comment_id = NULL WHERE comment_id = ?", [comment])
    db.execute("DELETE FROM comments WHERE id = ?", [comment])


def assert_counts_match(store: Store) -> None:
    db = store.reader()
    assert kept(db) == counted_now(db)
    assert comments.view_counts(db) == counted_views(db)
    assert {v: comments.view_count(db, v) for v in InboxView} == counted_views(db)


def test_kept_counts_follow_every_change_the_app_makes(store: Store) -> None:
    rng = random.Random(20250601)
    actions = ["pull", "repull", "triage", "answer", "reply", "undo", "delete"]
    made, seen, groups = 0, set(), set()
    for step in range(60):
        action = rng.choice(actions)
        seen.add(action)
        if action == "pull" or made < 5:
            batch = [
                remote(made + k, post_n=rng.randint(1, POSTS), body=rng.choice(BODIES))
                for k in range(1, 6)
            ]
            made += len(batch)
            store.run_sync(ingest, batch)
        elif action == "repull":  # edits, deletions and undeletions from the network
            n = rng.randint(1, made)
            store.run_sync(
                ingest,
                [
                    remote(
                        n,
                        post_n=1 + n % POSTS,
                        body=rng.choice(BODIES),
                        deleted=rng.random() < 0.4,
                        version=2,
                    )
                ],
            )
        elif action == "triage":
            ids = [pick(store, rng) for _ in range(rng.randint(1, 4))]
            state = rng.choice(list(TriageState))
            until = "2031-01-01T00:00:00Z" if state is TriageState.SNOOZED else None
            store.run_sync(triage.set_state, sorted(set(ids)), state, until)
        elif action == "answer":
            store.run_sync(comments.mark_answered, [pick(store, rng)])
        elif action == "reply":  # my reply, pulled: its parent becomes answered
            parent = f"c{rng.randint(1, made)}"
            store.run_sync(ingest, [remote(10_000 + step, parent=parent, mine=True)])
        elif action == "undo":
            store.run_sync(triage.undo_last)
        else:  # a row removed (a later "repull" of it stores it again)
            store.run_sync(delete_comment, pick(store, rng))
        assert_counts_match(store)
        groups.update(kept(store.reader())[0])
    assert seen == set(actions)
    assert {g[0] for g in groups} >= {"open", "done", "snoozed"}  # every state was counted
    assert {g[1:] for g in groups} >= {(0, 1, 1), (1, 0, 0)}  # answered, questions, mentions
    store.run_sync(removal.delete_account_data, ACCOUNT.id)
    assert_counts_match(store)
    assert comments.view_count(store.reader(), InboxView.ALL) == 0


@pytest.mark.parametrize(
    ("view", "order", "index"),
    [
        (InboxView.NEEDS_REPLY, None, "ix_view_needs_reply_tier"),  # VIPs first
        (InboxView.NEEDS_REPLY, InboxOrder.NEWEST, "ix_view_needs_reply"),
        (InboxView.NEEDS_REPLY, InboxOrder.LONGEST_WAITING, "ix_view_needs_reply"),
        (InboxView.VIPS, None, "ix_view_needs_reply_tier"),
        (InboxView.QUESTIONS, None, "ix_view_questions"),
        (InboxView.QUESTIONS, InboxOrder.LONGEST_WAITING, "ix_view_questions"),
        (InboxView.MENTIONS, None, "ix_view_mentions"),
    ],
)
def test_sparse_views_page_through_their_partial_index(
    store: Store, view: InboxView, order: InboxOrder | None, index: str
) -> None:
    store.run_sync(ingest, [remote(n, body=BODIES[3]) for n in range(1, 4)])
    store.run_sync(lambda db: db.execute("UPDATE people SET vip_tier = 2"))
    db = store.reader()
    narrow = InboxFilter(order=order)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        first = comments.view_page(db, view, limit=2, narrow=narrow)
        after = sort_key(first[-1], narrow.order_in(view))
        comments.view_page(db, view, after=after, limit=2, narrow=narrow)
    finally:
        db.conn.set_trace_callback(None)
    assert len(statements) == 2
    for sql in statements:
        plan = " | ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert re.search(rf"INDEX {index}\b(?!_)", plan) and "TEMP B-TREE" not in plan


def test_an_unchanged_text_is_not_indexed_again(store: Store) -> None:
    store.run_sync(ingest, [remote(1, body=BODIES[1])])
    fired: list[str] = []

    def pull_again(db: Database) -> None:
        db.conn.set_trace_callback(fired.append)
        try:
            ingest(db, [remote(1, body=BODIES[1])])  # the same comment, pulled again
        finally:
            db.conn.set_trace_callback(None)

    store.run_sync(pull_again)
    assert fired and not [s for s in fired if "comments_fts_au" in s]
    store.run_sync(ingest, [remote(1, body=BODIES[0], version=2)])  # edited: re-indexed
    assert comments.view_count(store.reader(), InboxView.QUESTIONS) == 0
