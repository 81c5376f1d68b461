"""VIPs and filters in the window (pytest-qt, real sandbox sync): VIPs first in Needs
reply, the VIPs view, a tier set from the keyboard, filters that combine as removable
chips, and the count of what the filters leave."""

from __future__ import annotations

import pytest
from paging import every_page
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from app.domain import InboxFilter, InboxOrder, InboxView, VipTier
from ui.inbox.model import ROW_ROLE

pytestmark = pytest.mark.ui


def loaded_rows(qtbot, model, at_most: int = 20):
    """Every row of the view, paging it in (bounded)."""
    every_page(qtbot, model, at_most)
    return [model.index(r).data(ROW_ROLE) for r in range(model.rowCount())]


def test_vips_come_first_in_needs_reply_highest_tier_first(window, qtbot):
    rows = loaded_rows(qtbot, window.inbox.model)
    tiers = [int(r.author_tier) for r in rows]
    assert VipTier.TOP in tiers or VipTier.SENIOR in tiers  # the sandbox has VPs and directors
    assert VipTier.NONE in tiers
    assert tiers == sorted(tiers, reverse=True)
    for tier in set(tiers):  # newest first within a tier
        times = [r.created_at for r in rows if r.author_tier == tier]
        assert times == sorted(times, reverse=True)


def test_the_vips_view_holds_only_vips_and_its_count_matches(window, qtbot):
    qtbot.keyClick(
        window,
        Qt.Key.Key_V,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.inbox.model.view is InboxView.VIPS)
    rows = loaded_rows(qtbot, window.inbox.model)
    assert rows and all(r.author_tier > VipTier.NONE for r in rows)
    qtbot.waitUntil(lambda: window.sidebar.counts.get(InboxView.VIPS) == len(rows))
    spoken = window.inbox.model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "VIP: " in spoken  # the tier in words, not a colour alone


def test_a_tier_picked_from_the_menu_moves_the_person_up(window, qtbot):
    page = window.inbox
    rows = loaded_rows(qtbot, page.model)
    plain = next(r for r in rows if r.author_tier == VipTier.NONE)
    page.select_id(plain.id)
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_V)
    menu = page.commands.tier_menu
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, Qt.Key.Key_3)  # &3  Executive team
    qtbot.waitUntil(lambda: window.status.currentMessage().startswith("Starred "))
    qtbot.waitUntil(lambda: page.model.row_id(0) == plain.id or _top_tier_holds(page, plain.id))
    row = page.model.index(page.model.row_of(plain.id)).data(ROW_ROLE)
    assert row.author_tier == VipTier.TOP
    assert page.current_id() == plain.id  # the comment stays current as it moves up


def _top_tier_holds(page, comment_id: int) -> bool:
    at = page.model.row_of(comment_id)
    if at is None:
        return False
    before = [page.model.index(r).data(ROW_ROLE).author_tier for r in range(at)]
    return page.model.index(at).data(ROW_ROLE).author_tier == VipTier.TOP and all(
        t == VipTier.TOP for t in before
    )


def _choose(menu: QMenu, *path: str) -> None:
    """Walk a menu by its entries' texts (without the & marks), as the keyboard would."""
    for text in path[:-1]:
        action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
        menu = action.menu()
    action = next(a for a in menu.actions() if a.text().replace("&", "") == path[-1])
    action.trigger()


def test_filters_combine_show_as_chips_and_come_off_one_by_one(window, qtbot, wait_for):
    page, core = window.inbox, window.inbox.core
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_F)
    qtbot.waitUntil(page.filters.menu.isVisible)
    _choose(page.filters.menu, "VIP tier", "2  Senior leader and up")
    qtbot.waitUntil(lambda: len(page.filters.chips) == 1)
    assert page.filters.chips[0].accessibleName() == "Filter VIP: Senior leader and up"
    rows = loaded_rows(qtbot, page.model)
    assert rows and all(r.author_tier >= VipTier.SENIOR for r in rows)

    page.filters.open_menu()
    _choose(page.filters.menu, "Order", "Waiting longest first")
    qtbot.waitUntil(lambda: len(page.filters.chips) == 2)
    rows = loaded_rows(qtbot, page.model)
    assert all(r.author_tier >= VipTier.SENIOR for r in rows)  # the first filter holds
    times = [r.created_at for r in rows]
    assert times == sorted(times)

    narrow = InboxFilter(min_tier=VipTier.SENIOR, order=InboxOrder.LONGEST_WAITING)
    assert page.filters.narrow == narrow
    expected = wait_for(core.inbox.count(InboxView.NEEDS_REPLY, None, narrow))
    assert expected == len(rows)
    qtbot.waitUntil(lambda: page.filters.count.text() == f"{expected:,} match")

    page.filters.chips[0].click()  # the tier comes off, the order stays
    qtbot.waitUntil(lambda: len(page.filters.chips) == 1)
    assert page.filters.narrow == InboxFilter(order=InboxOrder.LONGEST_WAITING)
    assert any(r.author_tier == VipTier.NONE for r in loaded_rows(qtbot, page.model))

    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not page.filters.chips)
    assert window.status.currentMessage().startswith("Filters cleared")


def test_age_and_network_filters_narrow_the_view(window, qtbot, wait_for):
    page, core = window.inbox, window.inbox.core
    every = wait_for(core.inbox.count(InboxView.ALL, None))
    recent = InboxFilter(newer_than_days=7)
    old = InboxFilter(waiting_over_days=7)
    sandbox = InboxFilter(network="sandbox")
    nowhere = InboxFilter(network="no-such-network")
    n_recent = wait_for(core.inbox.count(InboxView.ALL, None, recent))
    n_old = wait_for(core.inbox.count(InboxView.ALL, None, old))
    assert n_recent + n_old == every and n_old > 0  # the sandbox's comments span weeks
    assert wait_for(core.inbox.count(InboxView.ALL, None, sandbox)) == every
    assert wait_for(core.inbox.count(InboxView.ALL, None, nowhere)) == 0
    window.sidebar.choose("inbox", InboxView.ALL)
    qtbot.waitUntil(lambda: page.model.view is InboxView.ALL)
    page.filters.set_filter(nowhere)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    qtbot.waitUntil(lambda: page.filters.count.text() == "0 match")


def _people_on_sandbox(core, n: int) -> list[tuple[str, int]]:
    """(name, tier) of ``n`` people who comment and are not VIPs."""
    rows = core.store.reader().execute(
        "SELECT DISTINCT p.name, p.vip_tier FROM people p JOIN comments c ON c.author_id = p.id"
        " WHERE c.is_mine = 0 AND p.vip_tier = 0 ORDER BY p.name LIMIT ?",
        [n],
    )
    return [(name, tier) for name, tier in rows]


def open_vip_import(window, qtbot):
    from ui.vip_import import VipImportDialog

    entry = window.menus.entries["window.import_vips"]  # File > Import VIP list…
    assert entry in window.menus.menus["&File"].actions()
    entry.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), VipImportDialog))
    return QApplication.activeModalWidget()


def test_a_vip_list_is_previewed_applied_and_undone(window, qtbot, tmp_path, wait_for):
    core = window.inbox.core
    (ana, _), (ben, _) = _people_on_sandbox(core, 2)
    listing = tmp_path / "comms-vips.csv"
    listing.write_text(
        "name,network,tier\n"
        f"{ana},Sandbox,top\n"
        f"{ben},,senior\n"
        "Nobody We Know,,key\n"
        '=HYPERLINK("http://x.example"),,top\n'
        "Someone Else,Sandbox,boss\n",
        encoding="utf-8",
    )
    dialog = open_vip_import(window, qtbot)
    assert not dialog.apply_button.isEnabled()
    dialog.read_file(listing)
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert dialog.summary.text() == (
        "comms-vips.csv (UTF-8): 2 people found, 2 will change, 1 row found nobody, "
        "2 lines refused."
    )
    assert dialog.matches.count() == 2
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert problems == [
        "Line 4: Nobody We Know — found nobody",
        "Line 5: refused — the name cell starts like a spreadsheet formula",
        "Line 6: refused — the tier says “boss”; use top, senior, key or none (or 3, 2, 1, 0)",
    ]
    assert dialog.apply_button.isEnabled()
    with qtbot.waitSignal(dialog.applied) as said:
        dialog.apply_button.click()
    assert said.args[0].startswith("VIP list comms-vips.csv applied: 2 people changed.")

    def tiers() -> dict[str, int]:
        rows = core.store.reader().execute(
            "SELECT name, vip_tier FROM people WHERE name IN (?, ?)", [ana, ben]
        )
        return dict(rows.fetchall())

    assert tiers() == {ana: VipTier.TOP, ben: VipTier.SENIOR}
    qtbot.waitUntil(lambda: _names_in(qtbot, window, InboxView.VIPS) >= {ana, ben})

    window.menus.entries["window.undo_vip_import"].trigger()
    qtbot.waitUntil(lambda: window.status.currentMessage().startswith("Undid the VIP list"))
    assert tiers() == {ana: VipTier.NONE, ben: VipTier.NONE}


def _names_in(qtbot, window, view: InboxView) -> set[str]:
    if window.inbox.model.view is not view:
        window.sidebar.choose("inbox", view)
    return {r.author_name for r in loaded_rows(qtbot, window.inbox.model)}


def test_a_file_that_is_no_list_says_why_in_the_dialog(window, qtbot, tmp_path):
    junk = tmp_path / "photo.csv"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    dialog = open_vip_import(window, qtbot)
    dialog.read_file(junk)
    qtbot.waitUntil(lambda: "binary data" in dialog.summary.text())
    assert not dialog.apply_button.isEnabled()
    dialog.reject()


def test_a_chip_removed_from_the_keyboard_hands_the_keyboard_on(window, qtbot):
    """Space on a focused chip removes its filter (not the inbox's Space, which ticks a
    comment); the keyboard goes to the chip now in its place, and from the last one
    back to the Filter button, never nowhere."""
    page = window.inbox
    window.resize(1600, 900)
    page.filters.set_filter(InboxFilter(min_tier=VipTier.SENIOR, order=InboxOrder.LONGEST_WAITING))

    def focused() -> list[bool]:
        return [chip.hasFocus() for chip in page.filters.chips]

    qtbot.waitUntil(lambda: len(page.filters.chips) == 2 and page.filters.chips[0].isVisible())
    page.filters.chips[0].setFocus()
    qtbot.waitUntil(lambda: focused() == [True, False])
    qtbot.keyClick(page.filters.chips[0], Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: focused() == [True])
    assert page.filters.narrow == InboxFilter(order=InboxOrder.LONGEST_WAITING)
    assert not page.marked  # no comment was ticked meanwhile
    qtbot.keyClick(page.filters.chips[0], Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not page.filters.chips)
    qtbot.waitUntil(page.filters.button.hasFocus)
    assert page.filters.narrow == InboxFilter()
