"""The inbox list model over a synced sandbox inbox: Qt's model contract (qtmodeltester),
lazy keyset paging, and refreshes that remove, insert and update rows in place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex

from app.domain import InboxView, TriageState
from app.store import comments
from ui.inbox.delegate import status_chips
from ui.inbox.model import ID_ROLE, PAGE, ROW_ROLE, InboxModel, rows_by_id

pytestmark = pytest.mark.ui


@pytest.fixture
def model(synced_core, qtbot) -> InboxModel:
    made = InboxModel(synced_core.store.reader)
    made.show_view(InboxView.NEEDS_REPLY)
    return made


def test_passes_qtmodeltester_in_a_view_and_with_fixed_rows(model, synced_core,
                                                            qtmodeltester):
    qtmodeltester.check(model)
    model.fetchMore(QModelIndex())
    qtmodeltester.check(model)
    rows = rows_by_id(synced_core.store.reader(), model.ids()[:5])
    model.show_rows(rows)
    qtmodeltester.check(model)


def test_loads_keyset_pages_lazily(model, synced_core):
    db = synced_core.store.reader()
    total = comments.view_count(db, InboxView.NEEDS_REPLY)
    assert total > 3 * PAGE
    assert model.rowCount() == PAGE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE
    expected = [r["id"] for r in comments.view_page(db, InboxView.NEEDS_REPLY, limit=2 * PAGE)]
    assert model.ids() == expected
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == total


def test_rows_carry_what_the_delegate_paints(model):
    row = model.index(0).data(ROW_ROLE)
    assert model.index(0).data(ID_ROLE) == row["id"]
    assert {"author_name", "author_title", "post_title", "created_at", "snippet",
            "network", "is_question", "answered", "triage_state"} <= row.keys()
    assert row["author_name"] in model.index(0).data()


def test_refresh_removes_triaged_rows_and_keeps_the_others(model, synced_core, wait_for):
    ids = model.ids()
    kept = QPersistentModelIndex(model.index(5))
    kept_id = kept.data(ID_ROLE)
    wait_for(synced_core.set_triage([ids[1], ids[2]], TriageState.DONE))
    model.refresh()
    assert ids[1] not in model.ids() and ids[2] not in model.ids()
    assert model.rowCount() == PAGE - 2
    assert kept.isValid() and kept.row() == 3 and kept.data(ID_ROLE) == kept_id

    wait_for(synced_core.undo_triage())
    model.refresh()
    assert model.ids()[:PAGE] == ids


def test_refresh_of_fixed_rows_updates_state_in_place(model, synced_core, wait_for):
    rows = rows_by_id(synced_core.store.reader(), model.ids()[:3])
    model.show_rows(rows)
    wait_for(synced_core.set_triage([rows[0]["id"]], TriageState.DONE))
    model.refresh()
    assert model.rowCount() == 3
    assert model.index(0).data(ROW_ROLE)["triage_state"] == "done"
    assert "Done" in [chip.text for chip in status_chips(model.index(0).data(ROW_ROLE))]


def test_append_adds_only_rows_after_the_loaded_ones(model, synced_core):
    db = synced_core.store.reader()
    rest = comments.view_page(db, InboxView.NEEDS_REPLY, after=model.last_key(), limit=10**6)
    model.append(comments.view_page(db, InboxView.NEEDS_REPLY, limit=10**6)[:PAGE] + rest)
    assert model.rowCount() == comments.view_count(db, InboxView.NEEDS_REPLY)
    assert len(set(model.ids())) == model.rowCount()
    assert not model.canFetchMore(QModelIndex())
