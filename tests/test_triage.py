"""Triage actions: done, snooze, reopen; undo restores exactly what was there; snoozes wake."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from fixtures.store_data import comment_id, ingest, open_store, remote

from app.domain import InboxView, TriageState
from app.store import Store, comments, triage

LATER = "2031-01-01T09:00:00Z"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(triage, "now_iso", lambda: "2024-06-01T12:00:00Z")
    store = open_store(tmp_path)
    store.run_sync(ingest, [remote(n) for n in range(1, 7)])
    yield store
    store.close()


@pytest.fixture
def cids(store: Store) -> list[int]:
    db = store.reader()
    return [comment_id(db, f"c{n}") for n in range(1, 7)]


def states(store: Store) -> dict[int, tuple]:
    rows = store.reader().execute(
        "SELECT id, triage_state, snoozed_until, triaged_at FROM comments ORDER BY id"
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def log_size(store: Store) -> int:
    return store.reader().execute("SELECT COUNT(*) FROM triage_log").fetchone()[0]


def test_done_moves_comments_and_stamps_them(store: Store, cids: list[int]) -> None:
    store.run_sync(triage.set_state, cids[:2], TriageState.DONE)
    now = states(store)
    assert now[cids[0]] == now[cids[1]] == ("done", None, "2024-06-01T12:00:00Z")
    assert now[cids[2]] == ("open", None, None)
    db = store.reader()
    assert set(cids[:2]).isdisjoint(r.id for r in comments.view_page(db, InboxView.NEEDS_REPLY))
    assert comments.view_count(db, InboxView.DONE) == 2


def test_snooze_keeps_the_time_and_other_states_clear_it(store: Store, cids: list[int]) -> None:
    store.run_sync(triage.set_state, [cids[0]], TriageState.SNOOZED, LATER)
    assert states(store)[cids[0]][:2] == ("snoozed", LATER)
    store.run_sync(triage.set_state, [cids[0]], TriageState.DONE, LATER)  # time ignored
    assert states(store)[cids[0]][:2] == ("done", None)
    store.run_sync(triage.set_state, [cids[0]], TriageState.OPEN)
    assert states(store)[cids[0]][:2] == ("open", None)


def test_no_ids_is_a_no_op_and_logs_nothing(store: Store) -> None:
    store.run_sync(triage.set_state, [], TriageState.DONE)
    assert log_size(store) == 0


def test_undo_restores_exactly_what_each_comment_was(store: Store, cids: list[int]) -> None:
    store.run_sync(triage.set_state, [cids[0]], TriageState.SNOOZED, LATER)
    store.run_sync(triage.set_state, [cids[1]], TriageState.DONE)
    before = states(store)
    store.run_sync(triage.set_state, cids[:3], TriageState.DONE, None, "reply")
    action, undone = store.run_sync(triage.undo_last)
    assert (action, sorted(undone)) == ("reply", sorted(cids[:3]))
    assert states(store) == before


def test_undo_walks_back_one_action_at_a_time(store: Store, cids: list[int]) -> None:
    original = states(store)
    store.run_sync(triage.set_state, [cids[0]], TriageState.DONE)
    after_first = states(store)
    store.run_sync(triage.set_state, [cids[0], cids[1]], TriageState.SNOOZED, LATER)
    assert store.run_sync(triage.undo_last)[0] == "snoozed"
    assert states(store) == after_first
    assert store.run_sync(triage.undo_last) == ("done", [cids[0]])
    assert states(store) == original
    assert store.run_sync(triage.undo_last) is None
    assert log_size(store) == 0


def test_a_failed_action_leaves_no_log_entry(store: Store, cids: list[int]) -> None:
    def fail_after(db: sqlite_utils.Database) -> None:
        triage.set_state(db, cids[:2], TriageState.DONE)
        raise RuntimeError("window closed")

    with pytest.raises(RuntimeError):
        store.run_sync(fail_after)
    assert log_size(store) == 0
    assert {s[0] for s in states(store).values()} == {"open"}


def test_a_large_selection_is_snapshotted_in_chunks(store: Store) -> None:
    """More ids than older SQLite builds allow variables in one statement (999)."""
    store.run_sync(
        lambda db: db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 1300) "
            "INSERT INTO comments(account_id, remote_id, post_id, author_id, body_text, "
            "created_at) "
            "SELECT account_id, 'bulk' || i, post_id, author_id, 'Bulk', created_at "
            "FROM n, comments WHERE comments.remote_id = 'c1'"
        )
    )
    every = [r[0] for r in store.reader().execute("SELECT id FROM comments")]
    assert len(every) > 1200
    store.run_sync(lambda db: db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999))
    store.run_sync(triage.set_state, every, TriageState.DONE)
    assert {s[0] for s in states(store).values()} == {"done"}
    _, undone = store.run_sync(triage.undo_last)
    assert sorted(undone) == sorted(every)
    assert {s[0] for s in states(store).values()} == {"open"}


def test_wake_snoozed_reopens_only_expired_snoozes(store: Store, cids: list[int]) -> None:
    store.run_sync(triage.set_state, [cids[0]], TriageState.SNOOZED, "2024-06-01T10:00:00Z")
    store.run_sync(triage.set_state, [cids[1]], TriageState.SNOOZED, "2024-06-01T11:00:00Z")
    store.run_sync(triage.set_state, [cids[2]], TriageState.SNOOZED, LATER)
    assert store.run_sync(triage.wake_snoozed, "2024-06-01T11:00:00Z") == 2  # boundary wakes
    now = states(store)
    assert now[cids[0]][:2] == now[cids[1]][:2] == ("open", None)
    assert now[cids[2]][:2] == ("snoozed", LATER)
    assert store.run_sync(triage.wake_snoozed, "2024-06-01T11:00:00Z") == 0
    needs_reply = {r.id for r in comments.view_page(store.reader(), InboxView.NEEDS_REPLY)}
    assert {cids[0], cids[1]} <= needs_reply and cids[2] not in needs_reply


def test_wake_snoozed_defaults_to_now(store: Store, cids: list[int]) -> None:
    store.run_sync(triage.set_state, [cids[0]], TriageState.SNOOZED, "2024-06-01T11:59:59Z")
    assert store.run_sync(triage.wake_snoozed) == 1


def test_wake_reads_an_index_not_the_table(store: Store) -> None:
    plan = (
        store.reader()
        .execute(
            "EXPLAIN QUERY PLAN SELECT id FROM comments WHERE triage_state = 'snoozed' "
            "AND snoozed_until <= ?",
            ["x"],
        )
        .fetchall()
    )
    found = " ".join(r[3] for r in plan)
    assert "USING INDEX" in found and "SCAN comments" not in found
