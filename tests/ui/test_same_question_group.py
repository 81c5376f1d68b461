"""G in the window: everyone asking the same question as a ranked list with a confidence
mark on each row (in words, for screen readers too), only the very likely rows ticked,
x and Space ticking and unticking, and the reply preview holding exactly the ticked."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from app.domain.grouping import MOST_CONFIRMED, MatchConfidence
from ui.inbox.match_marks import spoken as said
from ui.inbox.model import MATCH_ROLE

pytestmark = pytest.mark.ui


def _seed_with_a_sure_match(core, inbox, wait_for) -> tuple[int, list]:
    for comment_id in inbox.model.ids():
        matches = wait_for(core.grouping.matches(comment_id))
        if any(m.confidence is MatchConfidence.VERY_LIKELY for m in matches):
            return comment_id, matches
    raise AssertionError("the sandbox seeds questions asked in nearly the same words")


def _open_group(qtbot, window, seed: int) -> None:
    inbox = window.inbox
    inbox.select_id(seed)
    qtbot.keyClick(inbox.list, "g")
    qtbot.waitUntil(lambda: inbox.searching and inbox.title.text().startswith("Same question"))


def test_g_ranks_marks_and_ticks_only_the_very_likely(window, synced_core, qtbot, wait_for):
    inbox = window.inbox
    seed, matches = _seed_with_a_sure_match(synced_core, inbox, wait_for)
    _open_group(qtbot, window, seed)

    shown = inbox.model.ids()
    assert shown[0] == seed
    assert shown[1:] == [m.comment_id for m in matches][: len(shown) - 1]
    sure = {m.comment_id for m in matches if m.confidence is MatchConfidence.VERY_LIKELY}
    assert set(inbox.selected_ids()) == {seed} | sure
    assert inbox.current_id() == seed
    for row, match in enumerate(matches[: len(shown) - 1], start=1):
        index = inbox.model.index(row)
        assert index.data(MATCH_ROLE) == (match.confidence, False)
        spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
        assert spoken.startswith(said(match.confidence, seed=False))
        assert said(match.confidence, seed=False).endswith("the same question.")
    assert inbox.model.index(0).data(MATCH_ROLE) == (None, True)
    assert "ticked" in window.status.currentMessage()


def test_space_and_x_tick_and_untick_and_the_preview_follows(window, synced_core, qtbot, wait_for):
    inbox = window.inbox
    seed, matches = _seed_with_a_sure_match(synced_core, inbox, wait_for)
    _open_group(qtbot, window, seed)
    unsure = next(
        m.comment_id for m in matches if not m.confidence.preselected
    )  # at least 20 rows are shown, most of them unsure
    sure = next(m.comment_id for m in matches if m.confidence.preselected)

    inbox.select_id(unsure, inbox.list.selectionModel().SelectionFlag.NoUpdate)
    qtbot.keyClick(inbox.list, Qt.Key.Key_Space)
    assert unsure in inbox.selected_ids()
    inbox.select_id(sure, inbox.list.selectionModel().SelectionFlag.NoUpdate)
    qtbot.keyClick(inbox.list, "x")
    assert sure not in inbox.selected_ids()
    ticked = inbox.selected_ids()
    assert set(ticked) == {seed, unsure} | {
        m.comment_id for m in matches if m.confidence.preselected and m.comment_id != sure
    }

    qtbot.keyClick(inbox.list, "r")
    composer = inbox.composer
    qtbot.waitUntil(lambda: composer.isVisible() and composer.preview.model().rowCount() > 0)
    previews = composer.preview.model()
    qtbot.waitUntil(lambda: previews.rowCount() == len(ticked))
    recipients = [previews.preview_at(n).comment_id for n in range(previews.rowCount())]
    assert sorted(recipients) == sorted(ticked)


def test_the_group_message_says_what_is_ticked_and_what_is_still_being_read():
    from ui.inbox.group import Group

    def rows(count: int, first: int = 0) -> list:
        return [SimpleNamespace(id=i) for i in range(first, first + count)]

    def group(others: int, sure: int, progress=(10, 10)) -> Group:
        ticked = frozenset({0, *range(1, sure + 1)})
        return Group(0, rows(others + 1), {}, ticked, progress)

    assert group(0, 0).message == "Nobody else is asking this."
    assert group(20, 0).message == (
        "20 ranked, none sure enough to tick · x or Space ticks · r replies"
    )
    assert group(20, 3).message.startswith("3 of 20 ticked as very likely the same · ")
    assert group(5, 1).message.startswith("1 of 5 ticked as very likely the same · ")
    assert group(5, 1, (40, 1000)).message.endswith(
        " · still reading questions (40 of 1,000), some may be missing"
    )
    again = Group(0, rows(21), {}, frozenset({0, 1, 2}), (10, 10), ranked_by=2)
    assert (
        again.message
        == "Ranked again by the 2 ticked · 18 more below · x or Space ticks · r replies"
    )
    seed_unticked = Group(0, rows(21), {}, frozenset({1, 2, 3}), (10, 10), ranked_by=2)
    assert seed_unticked.message.startswith(
        "Ranked again by the 2 ticked · 18 more below, 1 very likely the same and ticked · "
    )
    every_one = Group(0, rows(3), {}, frozenset({0, 1, 2}), (10, 10), ranked_by=2)
    assert every_one.message.startswith("Ranked again by the 2 ticked · nobody else below · ")
    many = Group(0, rows(31), {}, frozenset(range(16)), (10, 10), ranked_by=15)
    assert many.message.startswith(
        f"Ranked again by {MOST_CONFIRMED} of the 15 ticked · 15 more below · "
    )
    seed_gone = Group(0, rows(20, first=1), {}, frozenset({1, 2}), (10, 10), ranked_by=2)
    assert seed_gone.message.startswith("Ranked again by the 2 ticked · 18 more below · ")


def test_m_ranks_the_group_again_by_the_ticked_rows_and_keeps_them(
    window, synced_core, qtbot, wait_for
):
    inbox = window.inbox
    seed, matches = _seed_with_a_sure_match(synced_core, inbox, wait_for)
    _open_group(qtbot, window, seed)
    inbox.list.clearSelection()  # the person's own choice: the seed and two rows far down
    chosen = [m.comment_id for m in matches[5:7]]
    for comment_id in (seed, *chosen):
        inbox.select_id(comment_id, inbox.list.selectionModel().SelectionFlag.NoUpdate)
        qtbot.keyClick(inbox.list, "x")
    assert set(inbox.selected_ids()) == {seed, *chosen}
    seen = set(inbox.model.ids())  # the very likely ones among them were unticked by hand
    again = wait_for(synced_core.grouping.matches(seed, chosen[::-1]))  # as M asks
    sure_and_new = {m.comment_id for m in again if m.confidence.preselected} - seen

    qtbot.keyClick(inbox.list, "m")
    qtbot.waitUntil(lambda: "Ranked again by the 2 ticked" in (window.status.currentMessage()))
    shown = inbox.model.ids()
    assert shown[:3] == [seed, *chosen]  # the ticked stay on top, still ticked
    assert shown[3:] == [m.comment_id for m in again][: len(shown) - 3]
    assert set(inbox.selected_ids()) == {seed, *chosen} | (sure_and_new & set(shown))
    assert inbox.title.text() == f"Same question · {len(shown)}"
    for row, match in enumerate(matches[5:7], start=1):  # still marked as when ticked
        assert inbox.model.index(row).data(MATCH_ROLE) == (match.confidence, False)


def test_m_says_what_it_needs_outside_a_group_and_with_nothing_ticked(
    window, synced_core, qtbot, wait_for
):
    inbox = window.inbox
    seed, _ = _seed_with_a_sure_match(synced_core, inbox, wait_for)
    inbox.select_id(seed)
    qtbot.keyClick(inbox.list, "m")
    assert "open one with G" in window.status.currentMessage()

    _open_group(qtbot, window, seed)
    inbox.list.clearSelection()
    inbox.select_id(seed, inbox.list.selectionModel().SelectionFlag.NoUpdate)
    qtbot.keyClick(inbox.list, "x")  # only the seed ticked
    qtbot.keyClick(inbox.list, "m")
    assert "Tick the comments that ask the same" in window.status.currentMessage()


def test_m_ticks_new_very_likely_rows_but_not_ones_the_person_left_unticked(qtbot):
    """Read a group again as M does: of two very likely rows, the one the person saw (and
    left unticked) stays unticked, the new one starts ticked, as in a group G opens."""
    from types import SimpleNamespace

    from app.domain.grouping import QuestionMatch
    from ui.inbox.group import read_group

    very = MatchConfidence.VERY_LIKELY

    class Grouping:
        async def matches(self, seed, confirmed):
            return [QuestionMatch(5, 2.0, very), QuestionMatch(6, 1.9, very)]

        async def progress(self):
            return (1, 1)

    class Inbox:
        async def rows(self, ids):
            return [SimpleNamespace(id=i) for i in ids]  # read_group reads only the ids

    class Core:
        grouping, inbox = Grouping(), Inbox()

    group = asyncio.run(read_group(Core(), 1, confirmed=[1, 2], seen={1, 2, 5}))  # type: ignore[arg-type]
    assert [r.id for r in group.rows] == [1, 2, 5, 6]
    assert group.ticked == {1, 2, 6}
    assert group.ranked_by == 1  # the seed is no ticked row to rank by
    unticked_seed = asyncio.run(read_group(Core(), 1, confirmed=[2], seen={1, 2, 5}))  # type: ignore[arg-type]
    assert unticked_seed.ticked == {2, 6}  # the person unticked the seed: it stays so
    first = asyncio.run(read_group(Core(), 1))  # type: ignore[arg-type]
    assert first.ticked == {1, 5, 6}


def test_m_leaves_the_seed_unticked_when_the_person_unticked_it_and_replies_to_the_ticked(
    window, synced_core, qtbot, wait_for
):
    inbox = window.inbox
    seed, matches = _seed_with_a_sure_match(synced_core, inbox, wait_for)
    _open_group(qtbot, window, seed)
    inbox.list.clearSelection()  # not the seed (answered already, say): two rows far down
    chosen = [m.comment_id for m in matches[5:7]]
    _tick(qtbot, inbox, chosen)

    qtbot.keyClick(inbox.list, "m")
    qtbot.waitUntil(lambda: "Ranked again by the 2 ticked" in window.status.currentMessage())
    ticked = inbox.selected_ids()
    assert seed not in ticked and set(chosen) <= set(ticked)
    qtbot.keyClick(inbox.list, "r")
    previews = inbox.composer.preview.model()
    qtbot.waitUntil(lambda: previews.rowCount() == len(ticked))
    recipients = [previews.preview_at(n).comment_id for n in range(previews.rowCount())]
    assert sorted(recipients) == sorted(ticked)


def test_m_answered_after_the_person_left_the_group_is_dropped(
    window, synced_core, qtbot, wait_for, monkeypatch
):
    inbox = window.inbox
    seed, matches = _seed_with_a_sure_match(synced_core, inbox, wait_for)
    _open_group(qtbot, window, seed)
    _tick(qtbot, inbox, [matches[5].comment_id])
    gate = _held(monkeypatch, synced_core.grouping)
    qtbot.keyClick(inbox.list, "m")
    qtbot.keyClick(inbox.list, Qt.Key.Key_Escape)  # the ticks go
    qtbot.keyClick(inbox.list, Qt.Key.Key_Escape)  # and the group: back to the inbox
    assert inbox.model.seed is None
    gate.set()
    qtbot.waitUntil(lambda: all(t.done() for t in asyncio.all_tasks()))
    assert inbox.model.seed is None and not inbox.title.text().startswith("Same question")


def test_m_ranks_by_the_ticks_made_while_it_read(window, synced_core, qtbot, wait_for, monkeypatch):
    inbox = window.inbox
    seed, matches = _seed_with_a_sure_match(synced_core, inbox, wait_for)
    _open_group(qtbot, window, seed)
    inbox.list.clearSelection()
    first, later = matches[5].comment_id, matches[6].comment_id
    _tick(qtbot, inbox, [seed, first])
    gate = _held(monkeypatch, synced_core.grouping)
    qtbot.keyClick(inbox.list, "m")
    _tick(qtbot, inbox, [later])  # ticked before the answer came
    gate.set()
    qtbot.waitUntil(lambda: "Ranked again by the 2 ticked" in window.status.currentMessage())
    assert inbox.model.ids()[:3] == [seed, first, later]
    assert {seed, first, later} <= set(inbox.selected_ids())


def _tick(qtbot, inbox, ids: list[int]) -> None:
    for comment_id in ids:
        inbox.select_id(comment_id, inbox.list.selectionModel().SelectionFlag.NoUpdate)
        qtbot.keyClick(inbox.list, "x")


def _held(monkeypatch, grouping) -> asyncio.Event:
    """Grouping's matches wait until the event returned is set (a read that takes long)."""
    gate = asyncio.Event()
    matches = grouping.matches

    async def held(comment_id, confirmed=()):
        await gate.wait()
        return await matches(comment_id, confirmed)

    monkeypatch.setattr(grouping, "matches", held)
    return gate


def test_m_ranks_by_the_rows_ticked_lowest_first(qtbot):
    """More ticked than the grouping ranks by: those found far down in the list count,
    not only the very likely rows G ticked at the top (phrased like the seed)."""
    from types import SimpleNamespace

    from ui.inbox.group import read_group

    asked: list[list[int]] = []

    class Grouping:
        async def matches(self, seed, confirmed):
            asked.append(list(confirmed))
            return []

        async def progress(self):
            return (1, 1)

    class Inbox:
        async def rows(self, ids):
            return [SimpleNamespace(id=i) for i in ids]

    class Core:
        grouping, inbox = Grouping(), Inbox()

    ticked = [1, *range(2, 14), 150]  # the seed, twelve ticked by G, one found far down
    group = asyncio.run(read_group(Core(), 1, ticked, seen=ticked))  # type: ignore[arg-type]
    assert 150 in asked[0][:MOST_CONFIRMED]
    assert [r.id for r in group.rows] == ticked  # shown in the list's order still
