"""The relationship ledger and the coverage scorecard in the store, against a small store
whose numbers are worked out by hand here: answer times kept by triggers (my reply
pulled, an outbox send) and filled in by the migration, people linked across accounts by
identity or by name (a guess), notes, the people waiting longest, and every group of the
scorecard."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from fixtures.store_data import (
    ACCOUNT,
    MY_NAME,
    at,
    comment_id,
    ingest,
    open_store,
    post,
    remote,
)

from app.domain import Account, InboxView, Person, VipTier
from app.domain.ledger import LinkKind, PersonLedger
from app.store import Store, accounts, comments, coverage, ledger
from app.store.db import migrate
from app.store.migrations import MIGRATIONS, _ledger_notes_and_answer_times
from app.store.sql import Database

KEPT = Path(__file__).parent / "fixtures" / "schemas"
#: The same network at the same address: the same id there is the same person.
TWIN = Account("twin", ACCOUNT.network, "Sandbox again", ACCOUNT.base_url)
#: Another network: only a shared e-mail id, or the name, links people there.
OTHER = Account("other", "matrix", "Matrix", "https://matrix.example")
QUESTION = "<p>When does the new plan start?</p>"
REMARK = "<p>Nice plan.</p>"
NOW = at(60 * 24)  # Thursday 2 May 2024, 09:00 UTC; its week starts Monday 29 April
WEEK_BEFORE = -60 * 24 * 3  # minute of Sunday 28 April: the week before


def who(n: int, name: str | None = None, remote_id: str | None = None) -> Person:
    return Person(remote_id or f"p{n}", name or f"Person{n} Surname", "Engineer")


def _seed(db: Database) -> None:
    """Five questions and a remark in two weeks; three answered by my replies."""
    ingest(
        db,
        [
            remote(1, body=QUESTION, author=who(1), minute=0),
            remote(101, parent="c1", mine=True, minute=30),  # 30 min
            remote(2, body=QUESTION, author=who(2), minute=10),
            remote(102, parent="c2", mine=True, minute=130),  # 2 h
            remote(3, body=QUESTION, author=who(3), minute=20),  # waiting
            remote(4, body=QUESTION, author=who(2), minute=40, post_n=2),
            remote(104, parent="c4", mine=True, minute=100, post_n=2),  # 1 h
            remote(5, body=REMARK, author=who(1), minute=50),  # waiting, not a question
            remote(6, body=QUESTION, author=who(4), minute=WEEK_BEFORE),  # waiting
        ],
    )
    db.execute("UPDATE people SET vip_tier = ? WHERE remote_id = 'p1'", [int(VipTier.TOP)])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    opened.run_sync(_seed)
    yield opened
    opened.close()


def test_my_pulled_reply_sets_the_answer_time(store: Store) -> None:
    db = store.reader()
    rows = db.execute("SELECT remote_id, answered, answered_at FROM comments WHERE is_mine = 0")
    found = {r[0]: (r[1], r[2]) for r in rows}
    assert found["c1"] == (1, at(30))
    assert found["c2"] == (1, at(130))
    assert found["c3"] == (0, None)


def test_a_later_reply_keeps_the_first_answer_time(store: Store) -> None:
    store.run_sync(ingest, [remote(105, parent="c1", mine=True, minute=500)])
    answered_at = (
        store.reader()
        .execute("SELECT answered_at FROM comments WHERE remote_id = 'c1'")
        .fetchone()[0]
    )
    assert answered_at == at(30)


def _send(db: Database, comment: int, sent_at: str) -> None:
    db.execute(
        """INSERT INTO outbox(kind, account_id, idempotency_key, state, comment_id, body,
           created_at) VALUES ('reply', ?, 'key-1', 'sending', ?, 'Soon.', ?)""",
        [ACCOUNT.id, comment, sent_at],
    )
    db.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ? WHERE comment_id = ?", [sent_at, comment]
    )
    comments.mark_answered(db, [comment])


def test_a_reply_sent_from_the_outbox_sets_the_answer_time(store: Store) -> None:
    c3 = comment_id(store.reader(), "c3")
    store.run_sync(_send, c3, at(80))
    row = store.reader().execute("SELECT answered, answered_at FROM comments WHERE id = ?", [c3])
    assert tuple(row.fetchone()) == (1, at(80))


def test_the_migration_fills_in_answer_times_already_stored(tmp_path: Path) -> None:
    """On the kept database of the version before it (written as that version stored
    comments: today's code would touch tables it did not have), each answered comment
    gets the time of my first reply under it."""
    before = MIGRATIONS.index(_ledger_notes_and_answer_times)  # the version before it
    path = tmp_path / "old.db"
    shutil.copyfile(KEPT / f"v{before}.db", path)
    conn = sqlite3.connect(path, isolation_level=None)
    replied = dict(
        conn.execute(
            """SELECT c.id, MIN(r.created_at) FROM comments c JOIN comments r
               ON r.account_id = c.account_id AND r.parent_remote_id = c.remote_id
               WHERE c.answered = 1 AND r.is_mine = 1 AND r.deleted = 0 GROUP BY c.id"""
        ).fetchall()
    )
    assert replied  # the kept database has answered comments with my replies
    migrate(conn)
    for comment, first_reply in replied.items():
        row = conn.execute("SELECT answered_at FROM comments WHERE id = ?", [comment]).fetchone()
        assert row == (first_reply,)
    conn.close()


def test_people_are_linked_by_identity_and_by_name_as_a_guess(store: Store) -> None:
    def more_accounts(db: Database) -> None:
        for account in (TWIN, OTHER):
            accounts.add_account(db, account)
            accounts.upsert_people(db, account.id, [])
        accounts.upsert_people(db, TWIN.id, [who(1)])  # same id, same network and address
        accounts.upsert_people(db, OTHER.id, [who(9, "person1  SURNAME")])  # same name only
        accounts.upsert_people(db, OTHER.id, [who(8, "Someone Else", "p1")])  # id elsewhere

    store.run_sync(more_accounts)
    db = store.reader()
    first = ledger.author_of(db, comment_id(db, "c1"))
    assert first is not None
    links = {(a.network, a.account_name, a.link) for a in ledger.linked_accounts(db, first)}
    assert links == {
        ("sandbox", "Sandbox", LinkKind.SELF),
        ("sandbox", "Sandbox again", LinkKind.SAME_IDENTITY),
        ("matrix", "Matrix", LinkKind.SAME_NAME),
    }
    page = ledger.person_ledger(db, first)
    assert page is not None and page.guessed
    assert page.tier is VipTier.TOP
    assert [e.row.snippet for e in page.entries] == ["Nice plan.", "When does the new plan start?"]
    assert [e.answer_seconds for e in page.entries] == [None, 1800.0]


def test_a_long_history_lists_the_newest_and_every_waiting_one_and_counts_them_all(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Person 2 wrote c2 (answered in 2 h) and c4 (answered in 1 h); with room for one,
    the page lists the newest, and the totals still count both."""

    def older_waiting(db: Database) -> None:
        ingest(db, [remote(7, body=QUESTION, author=who(2), minute=-90)])

    store.run_sync(older_waiting)
    monkeypatch.setattr(ledger, "LEDGER_PAGE", 1)
    db = store.reader()
    page = ledger.person_ledger(db, ledger.author_of(db, comment_id(db, "c2")) or 0)
    assert page is not None and page.more
    # the newest (c4), then the oldest still waiting (c7); c2, answered, is only counted
    listed = [e.row.id for e in page.entries]
    assert listed == [comment_id(db, "c4"), comment_id(db, "c7")]
    assert (page.totals.comments, page.totals.answered) == (3, 2)
    assert page.totals.median_answer_seconds == 5400.0  # of 1 h and 2 h
    assert [e.row.id for e in page.waiting] == [comment_id(db, "c7")]
    assert page.unlisted == 1  # c2


def _history(db: Database) -> None:
    """Person 40 on two accounts of one network (one person for certain): 9 comments, in
    runs written at the same minute, every third one waiting, the rest answered by me."""
    accounts.add_account(db, TWIN)
    accounts.upsert_posts(db, TWIN.id, [post(1)])
    for n in range(9):
        minute = 1000 + 10 * (n // 3)  # three at each minute
        item = remote(400 + n, body=QUESTION, author=who(40), minute=minute)
        if n % 2:
            comments.ingest(db, TWIN.id, MY_NAME, [item])
        else:
            ingest(db, [item])
        if n % 3:
            reply = remote(500 + n, parent=f"c{400 + n}", mine=True, minute=minute + n)
            comments.ingest(db, TWIN.id if n % 2 else ACCOUNT.id, MY_NAME, [reply])


@pytest.fixture
def history(store: Store, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The store with person 40's history, read two comments a page."""
    store.run_sync(_history)
    monkeypatch.setattr(ledger, "LEDGER_PAGE", 2)
    return store.reader()


def _person_40(db: Database) -> int:
    found: int = db.execute("SELECT id FROM people WHERE remote_id = 'p40'").fetchone()[0]
    return found


def _walk(db: Database, page: PersonLedger) -> list[PersonLedger]:
    """Every state of the page as "Show older comments" is pressed until none are left
    (bounded: one press per comment at most)."""
    seen = [page]
    for _ in range(page.totals.comments):
        if not seen[-1].more:
            break
        last = seen[-1]
        seen.append(last.with_older(ledger.older_comments(db, last.author_ids, last.oldest_listed)))
    return seen


def test_older_pages_follow_on_with_no_gap_or_repeat_across_equal_times(
    history: Database,
) -> None:
    db = history
    everything = [
        r[0]
        for r in db.execute(
            """SELECT c.id FROM comments c JOIN people p ON p.id = c.author_id
               WHERE p.remote_id = 'p40' AND c.is_mine = 0
               ORDER BY c.created_at DESC, c.id DESC"""
        )
    ]
    waiting = [r.id for r in comments.view_page(db, InboxView.NEEDS_REPLY, limit=50)]
    first = ledger.person_ledger(db, _person_40(db))
    assert first is not None and len(first.listed) == 2 and first.more
    pages = _walk(db, first)
    assert len(pages) == 5  # 2 + 2 + 2 + 2 + 1
    for page in pages:
        shown = [e.row.id for e in page.entries]
        assert len(shown) == len(set(shown))  # nothing twice
        assert shown == [i for i in everything if i in shown]  # newest first
        assert shown[: len(page.listed)] == everything[: len(page.listed)]  # no gap
        assert {i for i in everything if i in waiting} <= set(shown)  # every one waiting
        assert page.unlisted == len(everything) - len(shown)
    assert [e.row.id for e in pages[-1].entries] == everything
    assert not pages[-1].more and pages[-1].older_waiting == ()


def test_the_totals_count_every_comment_not_only_the_listed_ones(history: Database) -> None:
    page = ledger.person_ledger(history, _person_40(history))
    assert page is not None and len(page.listed) == 2
    # six answered, by replies n minutes after comment n (n = 1, 2, 4, 5, 7, 8)
    assert (page.totals.comments, page.totals.answered) == (9, 6)
    assert page.totals.median_answer_seconds == 4.5 * 60


def test_the_page_reads_indexes_not_the_persons_whole_history(history: Database) -> None:
    """Every statement the page runs walks an index on the author, and the totals read
    nothing but it: no comment row beyond those listed."""
    db = history
    ran: list[str] = []
    db.conn.set_trace_callback(ran.append)
    try:
        page = ledger.person_ledger(db, _person_40(db))
        assert page is not None
        ledger.older_comments(db, page.author_ids, page.listed[0])
    finally:
        db.conn.set_trace_callback(None)
    plans = {
        sql: " | ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
        for sql in ran
        if "FROM comments c" in sql
    }
    assert plans and not [p for p in plans.values() if "SCAN c" in p]
    totals = [p for sql, p in plans.items() if "count(*)" in sql or "answered_at IS NOT" in sql]
    assert len(totals) == 2
    assert all("COVERING INDEX ix_comments_author_history" in p for p in totals)
    listing = [p for sql, p in plans.items() if "ORDER BY c.created_at DESC" in sql]
    assert listing and all("ix_comments_author_" in p for p in listing)
    assert not [p for p in listing if "TEMP B-TREE" in p]  # walked in order, never sorted


def test_people_waiting_longest_count_only_their_waiting_comments(history: Database) -> None:
    """The counts beside each person read the waiting comments' index, not the whole of
    every listed person's history."""
    db = history
    ran: list[str] = []
    db.conn.set_trace_callback(ran.append)
    try:
        waiting = ledger.waiting_longest(db)
    finally:
        db.conn.set_trace_callback(None)
    assert waiting
    counts = [sql for sql in ran if "GROUP BY c.author_id" in sql]
    assert len(counts) == 1
    plan = " | ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {counts[0]}"))
    assert "ix_comments_author_waiting" in plan


def test_the_same_email_is_the_same_person_on_every_network(store: Store) -> None:
    def two_networks(db: Database) -> None:
        accounts.add_account(db, OTHER)
        accounts.upsert_people(db, ACCOUNT.id, [who(20, "Ana Lima", "Ana@Example.com")])
        accounts.upsert_people(db, OTHER.id, [who(21, "A. Lima", "ana@example.com")])

    store.run_sync(two_networks)
    db = store.reader()
    ana = db.execute("SELECT id FROM people WHERE name = 'Ana Lima'").fetchone()[0]
    links = [(a.name, a.link) for a in ledger.linked_accounts(db, ana)]
    assert links == [("Ana Lima", LinkKind.SELF), ("A. Lima", LinkKind.SAME_IDENTITY)]


@pytest.mark.parametrize("name", ["Anonymous", "Someone in Teams", "Ana", "User 42", "@ana:x"])
def test_a_name_that_is_no_full_name_links_nobody(store: Store, name: str) -> None:
    def two_networks(db: Database) -> None:
        accounts.add_account(db, OTHER)
        accounts.upsert_people(db, ACCOUNT.id, [who(30, name)])
        accounts.upsert_people(db, OTHER.id, [who(31, name.upper())])

    store.run_sync(two_networks)
    db = store.reader()
    first = db.execute("SELECT id FROM people WHERE remote_id = 'p30'").fetchone()[0]
    assert [a.link for a in ledger.linked_accounts(db, first)] == [LinkKind.SELF]


@pytest.mark.parametrize("name", ["Ana Lima", "J. R. Smith", "Zoë  Ångström"])
def test_a_full_name_is_worth_a_guess(name: str) -> None:
    assert ledger.names_a_person(name)


def test_notes_are_kept_on_one_row_for_all_of_a_persons_certain_accounts(store: Store) -> None:
    def twin(db: Database) -> None:
        accounts.add_account(db, TWIN)
        accounts.upsert_people(db, TWIN.id, [who(1)])

    store.run_sync(twin)
    db = store.reader()
    rows = [r[0] for r in db.execute("SELECT id FROM people WHERE remote_id = 'p1' ORDER BY id")]
    page = ledger.person_ledger(db, rows[1])
    assert page is not None and page.person_id == rows[0]
    store.run_sync(ledger.save_notes, page.person_id, "Asked about Leeds twice.")
    again = ledger.person_ledger(store.reader(), rows[0])
    assert again is not None and again.notes == "Asked about Leeds twice."


def test_people_waiting_longest_come_oldest_first(store: Store) -> None:
    waiting = ledger.waiting_longest(store.reader())
    assert [(w.name, w.oldest_at, w.waiting, w.questions) for w in waiting] == [
        ("Person4 Surname", at(WEEK_BEFORE), 1, 1),
        ("Person3 Surname", at(20), 1, 1),
        ("Person1 Surname", at(50), 1, 0),
    ]
    assert waiting[0].oldest_comment_id == comment_id(store.reader(), "c6")


def test_scorecard_numbers_are_the_hand_computed_ones(store: Store) -> None:
    card = coverage.scorecard(store.reader(), NOW, weeks=2, zone=UTC)
    assert (card.since, card.until) == ("2024-04-22T00:00:00Z", "2024-05-06T00:00:00Z")
    table = lambda groups: [(c.label, c.asked, c.answered, c.median_seconds) for c in groups]  # noqa: E731
    assert table([card.total]) == [("All questions", 5, 3, 3600.0)]
    assert table(card.by_week) == [
        ("2024-04-22", 1, 0, None),
        ("2024-04-29", 4, 3, 3600.0),
    ]
    assert table(card.by_network) == [("sandbox", 5, 3, 3600.0)]
    assert table(card.by_tier) == [
        ("Executive team", 1, 1, 1800.0),
        ("Senior leader", 0, 0, None),
        ("Key person", 0, 0, None),
        ("Not a VIP", 4, 2, 5400.0),
    ]
    assert table(card.by_post) == [("Post 1", 4, 2, 4500.0), ("Post 2", 1, 1, 3600.0)]
    assert card.total.share == pytest.approx(0.6)
    assert [w.name for w in card.waiting] == [
        "Person4 Surname",
        "Person3 Surname",
        "Person1 Surname",
    ]


def test_scorecard_of_an_empty_period_counts_nothing(store: Store) -> None:
    card = coverage.scorecard(store.reader(), "2030-01-01T00:00:00Z", weeks=3)
    assert card.total.asked == 0 and card.total.share == 0.0
    assert [c.asked for c in card.by_week] == [0, 0, 0]
    assert card.by_post == () and card.by_network == ()


def test_comments_of_my_own_are_never_in_a_ledger(store: Store) -> None:
    def me_as_author(db: Database) -> int:
        return db.execute("SELECT id FROM people WHERE name = ?", [MY_NAME]).fetchone()[0]

    page = ledger.person_ledger(store.reader(), store.run_sync(me_as_author))
    assert page is not None and page.entries == ()


def test_one_person_on_two_accounts_waits_once(store: Store) -> None:
    def twin_comment(db: Database) -> None:
        accounts.add_account(db, TWIN)
        accounts.upsert_posts(db, TWIN.id, [post(1)])
        comments.ingest(db, TWIN.id, MY_NAME, [remote(7, body=QUESTION, author=who(3), minute=5)])

    store.run_sync(twin_comment)
    waiting = ledger.waiting_longest(store.reader())
    assert [(w.name, w.oldest_at, w.waiting, w.questions) for w in waiting] == [
        ("Person4 Surname", at(WEEK_BEFORE), 1, 1),
        ("Person3 Surname", at(5), 2, 2),
        ("Person1 Surname", at(50), 1, 0),
    ]
    assert waiting[1].oldest_comment_id == comment_id_on(store, TWIN.id, "c7")


def comment_id_on(store: Store, account_id: str, remote_id: str) -> int:
    row = store.reader().execute(
        "SELECT id FROM comments WHERE account_id = ? AND remote_id = ?", [account_id, remote_id]
    )
    return int(row.fetchone()[0])


def test_nobody_waits_in_an_empty_store(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    empty = open_store(tmp_path / "empty")
    try:
        assert ledger.waiting_longest(empty.reader()) == []
        assert coverage.scorecard(empty.reader(), NOW).total.asked == 0
    finally:
        empty.close()


def test_removing_an_account_moves_notes_to_the_same_person_elsewhere_and_counts_the_rest(
    store: Store,
) -> None:
    from app.accounts import removal

    def twin(db: Database) -> None:  # person 1 also reads on the twin account, for certain
        accounts.add_account(db, TWIN)
        accounts.upsert_people(db, TWIN.id, [who(1)])

    store.run_sync(twin)
    db = store.reader()
    one = ledger.author_of(db, comment_id(db, "c1"))
    three = ledger.author_of(db, comment_id(db, "c3"))
    assert one is not None and three is not None
    store.run_sync(ledger.save_notes, one, "Met at the offsite.")
    store.run_sync(ledger.save_notes, three, "Prefers a call.")
    assert removal.counts(db, ACCOUNT.id).notes == 1  # person 3's: on no other account

    store.run_sync(removal.delete_account_data, ACCOUNT.id)

    db = store.reader()
    kept = db.execute(
        "SELECT p.account_id, n.text FROM person_notes n JOIN people p ON p.id = n.person_id"
    ).fetchall()
    assert [tuple(r) for r in kept] == [(TWIN.id, "Met at the offsite.")]
