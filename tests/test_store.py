"""The store: the writer thread and its transactions, read connections, ingesting comments,
the inbox views (keyset paging, counts), thread chains and replies, and query plans."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from itertools import product
from pathlib import Path

import pytest
import sqlite_utils
from fixtures.store_data import (
    ACCOUNT,
    ME,
    comment_id,
    ingest,
    open_store,
    post,
    remote,
    statements_of,
)

from app.domain import (
    NO_FILTER,
    Account,
    InboxFilter,
    InboxOrder,
    InboxRow,
    InboxView,
    Person,
    RemotePost,
    TriageState,
)
from app.domain.narrowing import sort_key
from app.store import Store, accounts, comments, triage


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path)
    yield store
    store.close()


def ids(rows: list[dict]) -> list[int]:
    return [r.id for r in rows]


# --- transactions and connections -----------------------------------------------------------


def test_run_sync_commits_and_reader_sees_it(store: Store) -> None:
    store.run_sync(ingest, [remote(1)])
    assert comments.view_count(store.reader(), InboxView.ALL) == 1


def test_close_closes_every_threads_reader_and_leaves_no_wal(tmp_path: Path) -> None:
    """The window's thread reads on its own connection; left open at exit, it kept the WAL
    file, and the next start took the database for one that had crashed."""
    store = open_store(tmp_path)
    store.run_sync(ingest, [remote(1)])
    assert comments.view_count(store.reader(), InboxView.ALL) == 1  # this thread's reader
    closing = threading.Thread(target=store.close)  # as Core.close: on a worker thread
    closing.start()
    closing.join()
    assert not (tmp_path / "fireside.db-wal").exists()


async def test_run_is_awaitable_and_runs_on_the_database_thread(store: Store) -> None:
    names = await store.run(lambda db: threading.current_thread().name)
    assert names.startswith("fireside-db")
    assert names != threading.current_thread().name


def test_an_error_rolls_back_the_whole_call(store: Store) -> None:
    def half_then_fail(db: sqlite_utils.Database) -> None:
        ingest(db, [remote(1), remote(2)])
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        store.run_sync(half_then_fail)
    assert comments.view_count(store.reader(), InboxView.ALL) == 0
    assert store.run_sync(ingest, [remote(3)]) == 1  # the writer is usable again


def test_a_failed_commit_is_rolled_back_and_the_writer_recovers(store: Store) -> None:
    """A deferred foreign key fails at COMMIT; the transaction must not stay open."""

    def orphan_version(db: sqlite_utils.Database) -> None:
        db.execute("PRAGMA defer_foreign_keys = ON")
        db.execute("INSERT INTO draft_versions(draft_id, title, body) VALUES (404, 't', 'b')")

    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store.run_sync(orphan_version)
    assert store.run_sync(lambda db: db.conn.in_transaction) is True  # its own BEGIN
    count = store.run_sync(lambda db: db.execute("SELECT COUNT(*) FROM draft_versions"))
    assert count.fetchone()[0] == 0


def test_reader_is_read_only(store: Store) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.reader().execute("DELETE FROM accounts")


def test_each_thread_gets_its_own_reader(store: Store) -> None:
    mine = store.reader()
    assert store.reader() is mine
    seen: list[sqlite_utils.Database] = []
    worker = threading.Thread(target=lambda: seen.append(store.reader()))
    worker.start()
    worker.join()
    assert seen[0] is not mine
    seen[0].conn.close()


@pytest.mark.parametrize("name", ["we?ird #dir %20x", "Zoë's data"])
def test_data_dir_with_uri_characters_opens_the_right_file(tmp_path: Path, name: str) -> None:
    directory = tmp_path / name
    directory.mkdir()
    store = open_store(directory)
    try:
        store.run_sync(ingest, [remote(1)])
        assert comments.view_count(store.reader(), InboxView.ALL) == 1
    finally:
        store.close()
    assert sorted(p.name for p in directory.iterdir()) == ["fireside.db"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


# --- ingesting --------------------------------------------------------------------------


def test_ingest_classifies_and_skips_comments_on_unknown_posts(store: Store) -> None:
    items = [
        remote(1, body="<p>How does the <b>reorg</b> change bonuses?</p>"),
        remote(2, body="<p>Thanks @Dana, great post.</p>"),
        remote(3, body="<p>Agreed.</p>"),
        remote(4, post_n=99),
    ]
    assert store.run_sync(ingest, items) == 3
    rows = {r["remote_id"]: r for r in store.reader().query("SELECT * FROM comments")}
    assert set(rows) == {"c1", "c2", "c3"}
    assert rows["c1"]["body_text"] == "How does the reorg change bonuses?"
    assert (rows["c1"]["is_question"], rows["c1"]["mentions_me"]) == (1, 0)
    assert (rows["c2"]["is_question"], rows["c2"]["mentions_me"]) == (0, 1)
    assert (rows["c3"]["is_question"], rows["c3"]["mentions_me"]) == (0, 0)


def test_reingest_updates_remote_fields_and_keeps_triage_state(store: Store) -> None:
    store.run_sync(ingest, [remote(1, body="<p>First words.</p>")])
    cid = comment_id(store.reader(), "c1")
    store.run_sync(triage.set_state, [cid], TriageState.SNOOZED, "2030-01-01T00:00:00Z")
    edited = remote(1, body="<p>Second words?</p>", edited="2024-05-02T00:00:00Z", version=2)
    store.run_sync(ingest, [edited])
    row = comments.get_comment(store.reader(), cid)
    assert row.body_text == "Second words?"
    assert (row.version, row.edited_at, row.is_question) == (2, "2024-05-02T00:00:00Z", 1)
    assert (row.triage_state, row.snoozed_until) == ("snoozed", "2030-01-01T00:00:00Z")
    count = store.reader().execute("SELECT COUNT(*) FROM comments").fetchone()[0]
    assert count == 1


def test_my_reply_marks_its_parent_answered(store: Store) -> None:
    store.run_sync(ingest, [remote(1), remote(2)])
    store.run_sync(ingest, [remote(3, parent="c1", mine=True)])
    db = store.reader()
    assert comments.get_comment(db, comment_id(db, "c1")).answered == 1
    assert comments.get_comment(db, comment_id(db, "c2")).answered == 0
    assert ids(comments.view_page(db, InboxView.NEEDS_REPLY)) == [comment_id(db, "c2")]


def test_a_deleted_reply_of_mine_does_not_answer(store: Store) -> None:
    store.run_sync(ingest, [remote(1), remote(2, parent="c1", mine=True, deleted=True)])
    db = store.reader()
    assert comments.get_comment(db, comment_id(db, "c1")).answered == 0


def test_ingest_updates_people(store: Store) -> None:
    store.run_sync(ingest, [remote(1)])
    promoted = Person("u1", "Person1 Surname", "Director", "Engineering", "Director")
    store.run_sync(ingest, [remote(2, author=promoted)])
    row = store.reader().execute("SELECT title, level FROM people WHERE remote_id = 'u1'")
    assert tuple(row.fetchone()) == ("Director", "Director")


def test_ingest_of_nothing_is_a_no_op(store: Store) -> None:
    assert store.run_sync(ingest, []) == 0


# --- views ------------------------------------------------------------------------------

#: Every combination of the flags the views look at, as (question, mention, answered, mine,
#: deleted, state) -> expected membership.
COMBOS = list(
    product(
        [False, True], [False, True], [False, True], [False, True], [False, True], list(TriageState)
    )
)


def expected_views(combo: tuple[bool, bool, bool, bool, bool, TriageState]) -> set[InboxView]:
    question, mention, answered, mine, deleted, state = combo
    if mine or deleted:
        return set()
    views = {InboxView.ALL}
    if state is TriageState.OPEN and not answered:
        views.add(InboxView.NEEDS_REPLY)
        if question:
            views.add(InboxView.QUESTIONS)
    if state is TriageState.OPEN and mention:
        views.add(InboxView.MENTIONS)
    if state is TriageState.SNOOZED:
        views.add(InboxView.SNOOZED)
    if state is TriageState.DONE or answered:
        views.add(InboxView.DONE)
    return views


@pytest.fixture
def every_combination(store: Store) -> dict[int, set[InboxView]]:
    """One comment per combination (two posts, shared timestamps for ties); id -> views."""

    def fill(db: sqlite_utils.Database) -> dict[int, set[InboxView]]:
        expected = {}
        for n, combo in enumerate(COMBOS, 1):
            question, mention, answered, mine, deleted, state = combo
            text = ("When is it?" if question else "Fine.") + (" @Dana" if mention else "")
            ingest(
                db,
                [
                    remote(
                        n,
                        post_n=1 + n % 2,
                        body=f"<p>{text}</p>",
                        mine=mine,
                        deleted=deleted,
                        minute=n // 3,
                    )
                ],
            )
            cid = comment_id(db, f"c{n}")
            db.execute(
                "UPDATE comments SET triage_state = ?, answered = ? WHERE id = ?",
                [str(state), int(answered), cid],
            )
            expected[cid] = expected_views(combo)
        # u1 shares the executive's id: a VIP by the directory (the others are engineers)
        vips = {r[0] for r in db.execute("SELECT id FROM comments WHERE author_tier > 0")}
        assert vips
        for cid in vips & {i for i, v in expected.items() if InboxView.NEEDS_REPLY in v}:
            expected[cid].add(InboxView.VIPS)
        return expected

    return store.run_sync(fill)


def all_pages(
    db: sqlite_utils.Database,
    view: InboxView,
    post_id: int | None = None,
    limit: int = 7,
    narrow: InboxFilter = NO_FILTER,
) -> list[InboxRow]:
    rows: list[InboxRow] = []
    order = narrow.order_in(view)
    while True:
        after = sort_key(rows[-1], order) if rows else None
        page = comments.view_page(db, view, post_id, after, limit, narrow=narrow)
        assert len(page) <= limit
        rows += page
        if len(page) < limit:
            return rows


@pytest.mark.parametrize("order", list(InboxOrder))
@pytest.mark.parametrize("view", list(InboxView))
def test_keyset_pages_cover_each_view_exactly_once_in_its_order(
    store: Store, every_combination: dict[int, set[InboxView]], view: InboxView, order: InboxOrder
) -> None:
    db = store.reader()
    rows = all_pages(db, view, narrow=InboxFilter(order=order))
    assert sorted(ids(rows)) == sorted(i for i, v in every_combination.items() if view in v)
    keys = [sort_key(r, order) for r in rows]  # ties on created_at broken by id
    assert keys == sorted(keys, reverse=order is not InboxOrder.LONGEST_WAITING)
    assert comments.view_count(db, view) == len(rows)


def test_view_counts_match_each_view_count(
    store: Store, every_combination: dict[int, set[InboxView]]
) -> None:
    db = store.reader()
    counts = comments.view_counts(db)
    assert counts == {v: comments.view_count(db, v) for v in InboxView}
    assert counts == {v: sum(v in s for s in every_combination.values()) for v in InboxView}


def test_a_view_narrowed_to_one_post(
    store: Store, every_combination: dict[int, set[InboxView]]
) -> None:
    db = store.reader()
    post_id = db.execute("SELECT id FROM posts WHERE remote_id = 'p2'").fetchone()[0]
    rows = all_pages(db, InboxView.ALL, post_id)
    assert rows and {r.post_title for r in rows} == {"Post 2"}
    assert comments.view_count(db, InboxView.ALL, post_id) == len(rows)
    assert len(rows) < comments.view_count(db, InboxView.ALL)


def test_view_counts_of_an_empty_store_are_zero(store: Store) -> None:
    assert comments.view_counts(store.reader()) == dict.fromkeys(InboxView, 0)


def test_none_view_means_all(store: Store, every_combination: dict) -> None:
    db = store.reader()
    assert comments.view_count(db, None) == comments.view_count(db, InboxView.ALL)


def test_list_rows_carry_what_the_inbox_shows(store: Store) -> None:
    body = "<p>" + "word " * 100 + "</p>"
    store.run_sync(ingest, [remote(1, body=body)])
    (row,) = comments.view_page(store.reader(), InboxView.ALL)
    assert len(row.snippet) == 240
    assert (row.author_name, row.post_title, row.network) == (
        "Person1 Surname",
        "Post 1",
        ACCOUNT.network,
    )


# --- one comment, its chain and its replies -----------------------------------------------


@pytest.fixture
def thread(store: Store) -> dict[str, int]:
    """c1 <- c2 <- c3 (mine) and c1 <- c4 (deleted), c1 <- c5; c9 replies to a missing c8."""
    store.run_sync(
        ingest,
        [
            remote(1),
            remote(2, parent="c1"),
            remote(3, parent="c2", root="c1", mine=True),
            remote(4, parent="c1", deleted=True),
            remote(5, parent="c1"),
            remote(9, parent="c8"),
        ],
    )
    db = store.reader()
    return {f"c{n}": comment_id(db, f"c{n}") for n in (1, 2, 3, 4, 5, 9)}


def test_get_comment_has_the_thread_pane_fields(store: Store, thread: dict[str, int]) -> None:
    row = comments.get_comment(store.reader(), thread["c2"])
    assert row.body_html == "<p>Comment number 2.</p>"
    assert (row.parent_remote_id, row.post_remote_id, row.post_url) == (
        "c1",
        "p1",
        "https://x.example/p1",
    )
    assert comments.get_comment(store.reader(), 10_000) is None


def test_thread_chain_runs_from_the_top_down(store: Store, thread: dict[str, int]) -> None:
    db = store.reader()
    assert ids(comments.thread_chain(db, thread["c3"])) == [
        thread["c1"],
        thread["c2"],
        thread["c3"],
    ]
    assert ids(comments.thread_chain(db, thread["c1"])) == [thread["c1"]]
    assert ids(comments.thread_chain(db, thread["c9"])) == [thread["c9"]]  # parent not synced
    assert comments.thread_chain(db, 10_000) == []


def test_thread_chain_survives_a_cycle(store: Store) -> None:
    store.run_sync(ingest, [remote(1, parent="c2"), remote(2, parent="c1")])
    db = store.reader()
    chain = comments.thread_chain(db, comment_id(db, "c1"))
    assert ids(chain) == [comment_id(db, "c2"), comment_id(db, "c1")]


def test_replies_to_lists_direct_replies_oldest_first(store: Store, thread: dict[str, int]) -> None:
    db = store.reader()
    assert ids(comments.replies_to(db, thread["c1"])) == [thread["c2"], thread["c5"]]
    (mine,) = comments.replies_to(db, thread["c2"])
    assert (mine.id, mine.is_mine) == (thread["c3"], 1)
    assert comments.replies_to(db, thread["c3"]) == []


def test_replies_stay_within_their_account(store: Store, thread: dict[str, int]) -> None:
    other = Account("other", "sandbox", "Other", "http://127.0.0.1:8")

    def second_account(db: sqlite_utils.Database) -> None:
        accounts.add_account(db, other)
        accounts.upsert_posts(db, "other", [post(1)])
        comments.ingest(db, "other", ME.name, [remote(7, parent="c1")])

    store.run_sync(second_account)
    assert thread["c5"] in ids(comments.replies_to(store.reader(), thread["c1"]))
    assert len(comments.replies_to(store.reader(), thread["c1"])) == 2


def test_mark_answered_moves_comments_out_of_needs_reply(
    store: Store, thread: dict[str, int]
) -> None:
    store.run_sync(comments.mark_answered, [thread["c1"], thread["c5"]])
    db = store.reader()
    left = ids(comments.view_page(db, InboxView.NEEDS_REPLY))
    assert left == [thread["c9"]]  # c2 was answered by my reply c3 already
    row = comments.get_comment(db, thread["c1"])
    assert row.answered == 1
    triaged = db.execute("SELECT triaged_at FROM comments WHERE id = ?", [thread["c1"]])
    assert triaged.fetchone()[0] is not None


# --- query plans: the benchmark's fixes stay fixed -----------------------------------------


def plan(db: sqlite_utils.Database, sql: str, params: list | None = None) -> str:
    return " | ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {sql}", params or []))


#: VIPs are counted by the tier index (tests/test_vip_store.py), not by the kept counts.
COUNTED_VIEWS = [v for v in InboxView if v is not InboxView.VIPS]


@pytest.mark.parametrize("view", COUNTED_VIEWS)
def test_every_view_count_is_an_index_only_scan(store: Store, view: InboxView) -> None:
    where, params = comments.view_filter(view)
    found = plan(store.reader(), f"SELECT COUNT(*) FROM comments c WHERE {where}", params)
    assert "COVERING INDEX ix_comments_inbox" in found


def test_view_counts_read_the_kept_counts_not_the_comments(store: Store) -> None:
    db = store.reader()
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        comments.view_counts(db)
        comments.view_count(db, InboxView.DONE)
    finally:
        db.conn.set_trace_callback(None)
    statements = [s for s in statements if "c.author_tier > 0" not in s]  # the VIPs apart
    assert statements and all("FROM comment_counts" in s for s in statements)
    assert all("SCAN c" in plan(db, s) for s in statements)  # a handful of rows, no index


@pytest.mark.parametrize("view", list(InboxView))
def test_view_pages_need_no_sort(store: Store, view: InboxView) -> None:
    where, params = comments.view_filter(view)
    sql = (
        f"SELECT {comments.LIST_COLUMNS} {comments.LIST_JOINS} WHERE {where} "
        "AND (c.created_at, c.id) < (?, ?) ORDER BY c.created_at DESC, c.id DESC LIMIT 100"
    )
    found = plan(store.reader(), sql, [*params, "2030-01-01", 1])
    assert "TEMP B-TREE" not in found and "SCAN c" not in found.replace("SCAN c USING", "")


def test_thread_lookups_use_indexes(store: Store) -> None:
    db = store.reader()
    parent = plan(db, "SELECT id FROM comments WHERE account_id = ? AND remote_id = ?", ["a", "b"])
    replies = plan(
        db,
        "SELECT id FROM comments c WHERE c.account_id = ? AND c.parent_remote_id = ?",
        ["a", "b"],
    )
    assert "ux_comments_remote" in parent
    assert "ix_comments_parent" in replies


@pytest.mark.parametrize("view", list(InboxView))
def test_a_count_for_one_post_reads_only_that_post(store: Store, view: InboxView) -> None:
    where, params = comments.view_filter(view, 7)
    sql = f"SELECT COUNT(*) FROM comments c INDEXED BY ix_comments_post WHERE {where}"
    assert "ix_comments_post (post_id=?)" in plan(store.reader(), sql, params)


# --- posts for the sidebar ------------------------------------------------------------------


def test_list_posts_counts_what_needs_a_reply_per_post(
    store: Store, every_combination: dict[int, set[InboxView]]
) -> None:
    newest = RemotePost(
        "p3", "Post 3", "", "https://x/p3", "2024-06-01T00:00:00Z", "2024-06-01T00:00:00Z"
    )
    store.run_sync(accounts.upsert_posts, ACCOUNT.id, [newest])  # no comments at all
    db = store.reader()
    listed = store.run_sync(accounts.list_posts)
    assert listed[0].title == "Post 3"
    assert sorted(p.title for p in listed) == ["Post 1", "Post 2", "Post 3"]
    counts = {p.id: p.open for p in listed}
    assert counts == {p.id: comments.view_count(db, InboxView.NEEDS_REPLY, p.id) for p in listed}
    assert sum(counts.values()) == comments.view_count(db, InboxView.NEEDS_REPLY) > 0
    assert 0 in counts.values()


def test_list_posts_hides_deleted_posts(store: Store) -> None:
    gone = RemotePost(
        "p9",
        "Gone",
        "",
        "https://x/p9",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00Z",
        deleted=True,
    )
    store.run_sync(accounts.upsert_posts, ACCOUNT.id, [gone])
    assert "Gone" not in [p.title for p in store.run_sync(accounts.list_posts)]


def test_list_posts_reads_the_kept_counts_not_the_comments(store: Store) -> None:
    db = store.reader()
    statements = statements_of(db, lambda: accounts.list_posts(db))
    (listing,) = [s for s in statements if "FROM posts" in s]
    found = plan(db, listing)
    assert "CORRELATED" not in found
    assert "post_counts" in listing and "comments" not in listing  # one look-up per post
    assert "SEARCH n USING INTEGER PRIMARY KEY" in found
