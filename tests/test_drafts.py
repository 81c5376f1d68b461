"""Drafts: autosave that never loses a word, versions, restore, the state workflow, scheduling."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import product
from pathlib import Path

import pytest

from app.domain import DRAFT_TRANSITIONS, DraftState
from app.errors import UserError
from app.store import Store, drafts, search
from app.text.diff import diff


class Clock:
    """A settable now_iso() for the drafts module."""

    def __init__(self) -> None:
        self.moment = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> str:
        return self.moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(drafts, "now_iso", clock)
    return clock


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    store = Store(tmp_path / "fireside.db")
    yield store
    store.close()


def reasons(store: Store, draft_id: int) -> list[str]:
    return [v.reason for v in store.run_sync(drafts.versions, draft_id)]


def test_create_and_get(store: Store, clock: Clock) -> None:
    draft_id = store.run_sync(drafts.create, "Title", "Body", ["sandbox", "blog"])
    draft = store.run_sync(drafts.get, draft_id)
    assert (draft.title, draft.body, draft.state) == ("Title", "Body", "draft")
    assert draft.targets == ("sandbox", "blog")
    assert draft.created_at == draft.updated_at == clock()
    assert store.run_sync(drafts.get, store.run_sync(drafts.create)).targets == ()


def test_get_of_a_missing_draft_says_so(store: Store) -> None:
    with pytest.raises(UserError, match="Draft 42 does not exist"):
        store.run_sync(drafts.get, 42)


def test_save_is_durable_across_a_restart(tmp_path: Path, clock: Clock) -> None:
    store = Store(tmp_path / "fireside.db")
    draft_id = store.run_sync(drafts.create)
    text = "Thank you all — ünïcödé, emoji 🔥, and a long tail " + "word " * 50_000
    assert store.run_sync(drafts.save, draft_id, "On the plane", text) is True
    store.close()
    reopened = Store(tmp_path / "fireside.db")
    try:
        draft = reopened.run_sync(drafts.get, draft_id)
        assert (draft.title, draft.body) == ("On the plane", text)
    finally:
        reopened.close()


def test_save_without_a_change_writes_nothing(store: Store, clock: Clock) -> None:
    draft_id = store.run_sync(drafts.create, "T", "B")
    clock.advance(60)
    assert store.run_sync(drafts.save, draft_id, "T", "B") is False
    draft = store.run_sync(drafts.get, draft_id)
    assert draft.updated_at == draft.created_at
    assert reasons(store, draft_id) == []


def test_autosave_keeps_a_version_every_few_minutes(store: Store, clock: Clock) -> None:
    draft_id = store.run_sync(drafts.create)
    store.run_sync(drafts.save, draft_id, "T", "one")  # first save: a version
    for n in range(2, 6):  # keystrokes a few seconds apart: text saved, no new version
        clock.advance(5)
        store.run_sync(drafts.save, draft_id, "T", f"one {n}")
    assert store.run_sync(drafts.get, draft_id).body == "one 5"
    assert [v.body for v in store.run_sync(drafts.versions, draft_id)] == ["one"]
    clock.advance(drafts.VERSION_EVERY_SECONDS)
    store.run_sync(drafts.save, draft_id, "T", "two")
    assert [v.body for v in store.run_sync(drafts.versions, draft_id)] == ["two", "one"]
    assert reasons(store, draft_id) == ["autosave", "autosave"]


def test_restore_brings_a_version_back_and_keeps_what_it_replaced(
    store: Store, clock: Clock
) -> None:
    draft_id = store.run_sync(drafts.create)
    store.run_sync(drafts.save, draft_id, "Old title", "old body")
    old_version = store.run_sync(drafts.versions, draft_id)[0].id
    clock.advance(10)
    store.run_sync(drafts.save, draft_id, "New title", "new body")
    store.run_sync(drafts.restore, draft_id, old_version)
    draft = store.run_sync(drafts.get, draft_id)
    assert (draft.title, draft.body) == ("Old title", "old body")
    newest = store.run_sync(drafts.versions, draft_id)[0]
    assert (newest.reason, newest.body) == ("before restore", "new body")


def test_restore_refuses_a_version_of_another_draft(store: Store) -> None:
    first = store.run_sync(drafts.create, "A", "a")
    second = store.run_sync(drafts.create, "B", "b")
    version = store.run_sync(drafts.snapshot, first, "explicit save")
    with pytest.raises(UserError, match="no longer exists"):
        store.run_sync(drafts.restore, second, version)
    assert store.run_sync(drafts.get, second).body == "b"
    assert store.run_sync(drafts.versions, second) == []


def test_diff_shows_changed_lines() -> None:
    lines = diff("a\nb\nc", "a\nB\nc")
    assert "-b" in lines and "+B" in lines
    assert diff("same", "same") == []


PAIRS = list(product(DraftState, DraftState))


@pytest.mark.parametrize(("current", "wanted"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_state_changes_follow_the_workflow(
    store: Store, current: DraftState, wanted: DraftState
) -> None:
    draft_id = store.run_sync(drafts.create, "T", "B")
    store.run_sync(
        lambda db: db.execute("UPDATE drafts SET state = ? WHERE id = ?", [str(current), draft_id])
    )
    when = "2031-01-01T09:00:00Z"
    if wanted is current or wanted in DRAFT_TRANSITIONS[current]:
        store.run_sync(drafts.set_state, draft_id, wanted, when)
        assert store.run_sync(drafts.get, draft_id).state == str(wanted)
        assert reasons(store, draft_id) == [f"state: {wanted.value}"]
    else:
        with pytest.raises(UserError, match="cannot become"):
            store.run_sync(drafts.set_state, draft_id, wanted, when)
        assert store.run_sync(drafts.get, draft_id).state == str(current)
        assert reasons(store, draft_id) == []


def test_published_is_final() -> None:
    assert DRAFT_TRANSITIONS[DraftState.PUBLISHED] == frozenset()


def test_scheduling_needs_a_time_and_leaving_it_clears_the_time(store: Store) -> None:
    draft_id = store.run_sync(drafts.create, "T", "B")
    with pytest.raises(UserError, match="Choose a time"):
        store.run_sync(drafts.set_state, draft_id, DraftState.SCHEDULED)
    store.run_sync(drafts.set_state, draft_id, DraftState.SCHEDULED, "2031-01-01T09:00:00Z")
    assert store.run_sync(drafts.get, draft_id).scheduled_at == "2031-01-01T09:00:00Z"
    store.run_sync(drafts.set_state, draft_id, DraftState.DRAFT)
    assert store.run_sync(drafts.get, draft_id).scheduled_at is None


def test_publishing_stamps_the_time(store: Store, clock: Clock) -> None:
    draft_id = store.run_sync(drafts.create, "T", "B")
    store.run_sync(drafts.set_state, draft_id, DraftState.QUEUED)
    assert store.run_sync(drafts.get, draft_id).published_at is None
    clock.advance(30)
    store.run_sync(drafts.set_state, draft_id, DraftState.PUBLISHED)
    assert store.run_sync(drafts.get, draft_id).published_at == clock()


def test_due_scheduled_lists_only_drafts_whose_time_has_come(store: Store) -> None:
    due, later, unscheduled = (store.run_sync(drafts.create, t, "B") for t in "abc")
    store.run_sync(drafts.set_state, due, DraftState.SCHEDULED, "2024-06-01T12:00:00Z")
    store.run_sync(drafts.set_state, later, DraftState.SCHEDULED, "2024-06-01T12:00:01Z")
    assert store.run_sync(drafts.due_scheduled, "2024-06-01T12:00:00Z") == [due]
    assert unscheduled not in store.run_sync(drafts.due_scheduled, "2099-01-01T00:00:00Z")


def test_list_drafts_hides_published_and_shows_newest_first(store: Store, clock: Clock) -> None:
    older = store.run_sync(drafts.create, "older", "")
    clock.advance(10)
    newer = store.run_sync(drafts.create, "newer", "")
    gone = store.run_sync(drafts.create, "gone", "")
    store.run_sync(
        lambda db: db.execute("UPDATE drafts SET state = 'published' WHERE id = ?", [gone])
    )
    assert [d.id for d in store.run_sync(drafts.list_drafts)] == [newer, older]


def test_set_targets_replaces_the_list(store: Store) -> None:
    draft_id = store.run_sync(drafts.create, "T", "B", ["sandbox"])
    store.run_sync(drafts.set_targets, draft_id, ["blog", "teams"])
    assert store.run_sync(drafts.get, draft_id).targets == ("blog", "teams")


def test_draft_search_finds_saved_text(store: Store) -> None:
    draft_id = store.run_sync(drafts.create, "Quarterly letter", "Margins held steady")
    store.run_sync(drafts.save, draft_id, "Quarterly letter", "Margins improved a lot")
    assert [d.id for d in search.search_drafts(store.reader(), "improv")] == [draft_id]
    assert search.search_drafts(store.reader(), "steady") == []
