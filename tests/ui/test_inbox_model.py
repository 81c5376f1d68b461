"""The inbox list model over a synced sandbox inbox: Qt's model contract (qtmodeltester),
lazy keyset paging, and refreshes that read off the UI thread, re-read only the rows that
must stay, coalesce while a read is out, and remove, insert and update rows in place."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
import shiboken6
from msgspec.structs import fields
from paging import every_page, next_page
from PySide6.QtCore import QModelIndex, QPersistentModelIndex

from app.domain import NO_FILTER, InboxRow, InboxView, TriageState
from app.store import comments
from app.store.comments import rows_by_id
from ui.inbox.model import FIRST_PAGE, ID_ROLE, PAGE, ROW_ROLE, InboxModel
from ui.inbox.speech import status_chips
from ui.main_window import MainWindow

pytestmark = pytest.mark.ui


@pytest.fixture
def model(synced_core, qtbot) -> Iterator[InboxModel]:
    made = InboxModel(synced_core.inbox)
    made.show_view(InboxView.NEEDS_REPLY)
    yield made
    qtbot.waitUntil(lambda: not made.refreshing)
    shiboken6.delete(made)  # here, on the main thread


@pytest.fixture
def reads(monkeypatch) -> list[tuple[str, str, int]]:
    """Every read the model makes (through the core's ``Inbox``, which looks these store
    functions up when it reads): (function, thread name, rows asked for or given)."""
    seen: list[tuple[str, str, int]] = []
    view_page, by_id = comments.view_page, comments.rows_by_id

    def recorded_view_page(db, view, post_id=None, after=None, limit=200, *, narrow=NO_FILTER):
        seen.append(("view_page", threading.current_thread().name, limit))
        return view_page(db, view, post_id, after, limit, narrow=narrow)

    def recorded_rows_by_id(db, ids):
        seen.append(("rows_by_id", threading.current_thread().name, len(ids)))
        return by_id(db, ids)

    monkeypatch.setattr(comments, "view_page", recorded_view_page)
    monkeypatch.setattr(comments, "rows_by_id", recorded_rows_by_id)
    return seen


def refreshed(qtbot, model: InboxModel, keep: int | None = None) -> None:
    with qtbot.waitSignal(model.refreshed, timeout=5000):
        model.refresh(keep)


def test_passes_qtmodeltester_in_a_view_through_refreshes_and_with_fixed_rows(
    model, synced_core, qtmodeltester, qtbot, wait_for
):
    qtmodeltester.check(model)  # the tester stays attached and checks every change below
    next_page(qtbot, model)
    db = synced_core.store.reader()
    ids = model.ids()
    gone = ids[3:6] + ids[-10:-8]  # in the first page and in the one paged in
    wait_for(synced_core.inbox.set_triage(gone, TriageState.DONE))
    refreshed(qtbot, model, keep=model.rowCount())  # removals
    assert not set(gone) & set(model.ids())
    wait_for(synced_core.inbox.undo())
    refreshed(qtbot, model, keep=model.rowCount())  # insertions
    expected = comments.view_page(db, InboxView.NEEDS_REPLY, limit=model.rowCount())
    assert model.ids() == [r.id for r in expected]
    model.show_rows(rows_by_id(db, model.ids()[:5]))
    wait_for(synced_core.inbox.set_triage(model.ids()[:1], TriageState.DONE))
    refreshed(qtbot, model)  # an update in place
    assert model.index(0).data(ROW_ROLE).triage_state is TriageState.DONE


def test_loads_keyset_pages_lazily_off_the_ui_thread(model, synced_core, qtbot, reads):
    db = synced_core.store.reader()
    total = comments.view_count(db, InboxView.NEEDS_REPLY)
    assert total > 3 * PAGE
    assert model.rowCount() == FIRST_PAGE  # opened with a first page, the rest to come
    assert model.canFetchMore(QModelIndex())
    reads.clear()
    with qtbot.waitSignal(model.paged, timeout=5000):
        model.fetchMore(QModelIndex())
        model.fetchMore(QModelIndex())  # asked again while the page is out: one read
        assert model.rowCount() == FIRST_PAGE  # the UI thread did not wait for it
    assert model.rowCount() == FIRST_PAGE + PAGE
    assert [(name, limit) for name, _, limit in reads] == [("view_page", PAGE)]
    assert reads[0][1].startswith("fireside-read")
    loaded = FIRST_PAGE + PAGE
    expected = [r.id for r in comments.view_page(db, InboxView.NEEDS_REPLY, limit=loaded)]
    assert model.ids() == expected
    every_page(qtbot, model)
    assert model.rowCount() == total
    assert not model.canFetchMore(QModelIndex())


def test_a_page_read_for_other_rows_is_read_again(model, synced_core, wait_for, qtbot):
    """A refresh that changes the rows while the next page is out: the page follows the
    rows as they are now, not as they were."""
    ids = model.ids()
    wait_for(synced_core.inbox.set_triage(ids[-2:], TriageState.DONE))
    landed: list[int] = []
    with qtbot.waitSignal(model.paged, timeout=5000):
        model.refresh()  # read first, so the last two rows leave before the page comes
        model.fetch_page(then=lambda: landed.append(model.rowCount()))
    qtbot.waitUntil(lambda: not model.refreshing)
    db = synced_core.store.reader()
    expected = comments.view_page(db, InboxView.NEEDS_REPLY, limit=model.rowCount())
    assert model.ids() == [r.id for r in expected]
    assert landed == [FIRST_PAGE + PAGE - 2]


def test_a_page_for_another_view_is_dropped(model, qtbot):
    called: list[int] = []
    model.fetch_page(then=lambda: called.append(1))
    model.show_view(InboxView.DONE)
    shown = model.ids()
    qtbot.waitUntil(lambda: all(t.done() for t in asyncio.all_tasks()))
    assert model.view is InboxView.DONE and model.ids() == shown and called == []


def test_rows_carry_what_the_delegate_paints(model):
    row = model.index(0).data(ROW_ROLE)
    assert isinstance(row, InboxRow)
    assert model.index(0).data(ID_ROLE) == row.id
    assert {
        "author_name",
        "author_title",
        "post_title",
        "created_at",
        "snippet",
        "network",
        "is_question",
        "answered",
        "triage_state",
    } <= {f.name for f in fields(row)}
    assert row.author_name in model.index(0).data()


def test_refresh_removes_triaged_rows_and_keeps_the_others(model, synced_core, wait_for, qtbot):
    ids = model.ids()
    kept = QPersistentModelIndex(model.index(5))
    kept_id = kept.data(ID_ROLE)
    wait_for(synced_core.inbox.set_triage([ids[1], ids[2]], TriageState.DONE))
    refreshed(qtbot, model)
    assert ids[1] not in model.ids() and ids[2] not in model.ids()
    assert model.rowCount() == FIRST_PAGE - 2
    assert kept.isValid() and kept.row() == 3 and kept.data(ID_ROLE) == kept_id

    wait_for(synced_core.inbox.undo())
    refreshed(qtbot, model)
    assert model.ids()[:FIRST_PAGE] == ids


def test_refresh_reads_on_the_reading_thread_and_only_the_rows_to_keep(
    model, synced_core, wait_for, qtbot, reads
):
    for _ in range(4):
        next_page(qtbot, model)
    assert model.rowCount() == FIRST_PAGE + 4 * PAGE
    reads.clear()
    wait_for(synced_core.inbox.set_triage([model.row_id(0)], TriageState.DONE))
    refreshed(qtbot, model, keep=12)  # say 12 rows are in sight
    assert [(name, limit) for name, _, limit in reads] == [("view_page", 2 * PAGE)]
    assert all(thread.startswith("fireside-read") for _, thread, _ in reads), reads
    # Rows below the kept window (a page at least) are let go; paging brings them back.
    assert model.rowCount() == PAGE - 1
    assert model.canFetchMore(QModelIndex())
    db = synced_core.store.reader()
    expected = comments.view_page(db, InboxView.NEEDS_REPLY, limit=PAGE - 1)
    assert model.ids() == [r.id for r in expected]


def test_fixed_rows_refresh_off_the_ui_thread_and_update_in_place(
    model, synced_core, wait_for, qtbot, reads
):
    rows = rows_by_id(synced_core.store.reader(), model.ids()[:3])
    model.show_rows(rows)
    reads.clear()
    wait_for(synced_core.inbox.set_triage([rows[0].id], TriageState.DONE))
    refreshed(qtbot, model)
    assert [(name, n) for name, _, n in reads] == [("rows_by_id", 3)]
    assert reads[0][1].startswith("fireside-read")
    assert model.rowCount() == 3
    assert model.index(0).data(ROW_ROLE).triage_state is TriageState.DONE
    assert "Done" in [chip.text for chip in status_chips(model.index(0).data(ROW_ROLE))]


def test_refreshes_asked_for_while_one_is_out_cost_one_more_read(model, qtbot, reads):
    reads.clear()
    done: list[int] = []
    with qtbot.waitSignal(model.refreshed, timeout=5000):
        for n in range(10):
            model.refresh(then=lambda n=n: done.append(n))
    qtbot.waitUntil(lambda: len(done) == 10)
    assert len(reads) == 2  # the first, and one for the nine asked meanwhile
    assert done == list(range(10))
    assert not model.refreshing


def test_an_unchanged_refresh_signals_nothing_to_the_view(model, qtbot):
    changes: list[str] = []
    for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved, model.modelReset):
        signal.connect(lambda *_, s=signal: changes.append(str(s)))
    refreshed(qtbot, model)
    assert changes == []


def test_an_answer_for_another_view_is_dropped(model, synced_core, qtbot):
    model.refresh()
    model.show_view(InboxView.DONE)
    shown = model.ids()
    qtbot.waitUntil(lambda: not model.refreshing)
    assert model.view is InboxView.DONE and model.ids() == shown


def test_rows_paged_in_while_a_read_is_out_are_read_again_not_dropped(model, qtbot):
    with qtbot.waitSignal(model.refreshed, timeout=5000):
        model.refresh()
        next_page(qtbot, model)
    qtbot.waitUntil(lambda: not model.refreshing)
    assert model.rowCount() == FIRST_PAGE + PAGE


def test_rows_by_id_reads_any_number_in_chunks(model, synced_core):
    db = synced_core.store.reader()
    ids = [r.id for r in comments.view_page(db, InboxView.ALL, limit=1200)]
    assert [r.id for r in rows_by_id(db, list(reversed(ids)))] == list(reversed(ids))


def test_the_whole_view_is_a_query_bounded_by_the_snapshot(synced_core, wait_for):
    inbox, db = synced_core.inbox, synced_core.store.reader()
    max_id, count = wait_for(inbox.snapshot(InboxView.NEEDS_REPLY, None))
    assert count == comments.view_count(db, InboxView.NEEDS_REPLY)
    everything = wait_for(inbox.ids_up_to(InboxView.NEEDS_REPLY, None, max_id))
    expected = comments.view_page(db, InboxView.NEEDS_REPLY, limit=10**6)
    assert everything == [r.id for r in expected]
    # Comments that arrive after the snapshot (higher ids) are not part of it.
    bound = sorted(everything)[len(everything) // 2]
    older = wait_for(inbox.ids_up_to(InboxView.NEEDS_REPLY, None, bound))
    assert older == [i for i in everything if i <= bound]
    post_id = comments.get_comment(db, expected[0].id).post_id
    _, in_post = wait_for(inbox.snapshot(InboxView.NEEDS_REPLY, post_id))
    assert in_post == comments.view_count(db, InboxView.NEEDS_REPLY, post_id)


def filled_to_the_bottom(inbox_list) -> bool:
    """A row shows at the list's bottom edge."""
    return inbox_list.indexAt(inbox_list.viewport().rect().bottomLeft()).isValid()


def test_a_view_opens_filled_to_the_bottom_of_a_tall_list_at_once(window, qtbot, reads):
    inbox = window.inbox
    window.resize(1000, 2400)
    qtbot.waitUntil(lambda: inbox.list.viewport().height() > 2000)
    reads.clear()
    inbox.show_view(InboxView.ALL)
    opened = inbox.model.rowCount()
    assert reads == [("view_page", "MainThread", opened)]  # read at once, and only there
    assert opened * inbox.list.sizeHintForRow(0) > inbox.list.viewport().height() > 2000
    qtbot.waitUntil(lambda: filled_to_the_bottom(inbox.list))
    bottom = inbox.list.indexAt(inbox.list.viewport().rect().bottomLeft()).row()
    assert bottom < opened  # the rows read at once fill it: none waited for a page


def test_a_view_opened_in_a_short_list_reads_fewer_rows_on_the_ui_thread(window, qtbot, reads):
    inbox = window.inbox
    window.resize(1000, 600)
    qtbot.waitUntil(lambda: inbox.list.viewport().height() < 600)
    reads.clear()
    inbox.show_view(InboxView.ALL)
    assert reads == [("view_page", "MainThread", FIRST_PAGE)]
    assert inbox.model.rowCount() == FIRST_PAGE < PAGE
    assert inbox.model.canFetchMore(QModelIndex())  # the rest pages in as the list scrolls
    qtbot.waitUntil(lambda: filled_to_the_bottom(inbox.list))


def test_room_below_the_last_row_fills_from_the_reading_thread(window, qtbot, reads):
    """A list grown taller than the rows it opened with (the window resized) pages the
    rest in off the UI thread until it is full again."""
    inbox = window.inbox
    inbox.show_view(InboxView.ALL)
    reads.clear()
    window.resize(1000, (inbox.model.rowCount() + 10) * inbox.list.sizeHintForRow(0))
    qtbot.waitUntil(lambda: filled_to_the_bottom(inbox.list))
    assert reads and all(thread.startswith("fireside-read") for _, thread, _ in reads), reads


def test_a_window_opens_with_the_rows_that_fill_the_screen_before_it_shows(
    synced_core, bridge, settle
):
    """Before the window first shows its list has no height yet: the screen's stands for
    it, so the first paint is full whatever size the window opens at."""
    made = MainWindow(synced_core, bridge)
    try:
        inbox = made.inbox
        assert not inbox.list.isVisible()
        screen = inbox.list.screen().availableGeometry().height()
        assert inbox.model.rowCount() == inbox.list.rows_to_fill()
        assert inbox.model.rowCount() * inbox.list.sizeHintForRow(0) >= screen
    finally:
        settle(made)
