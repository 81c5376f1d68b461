"""The relationship ledger and the coverage scorecard in the real window over a synced
sandbox inbox: a person's page from a row (L, the context menu, the thread's button),
notes that survive closing the page, quitting and starting again, the people waiting
longest (oldest first, Enter opens a page), the scorecard's charts in both schemes, and
the weekly report's PDF read back (QtPdf) as one page with its title and charts, or a
plain sentence when it cannot be written."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCharts import QAbstractBarSeries, QLineSeries
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication, QMessageBox, QToolButton

from app.bootstrap import open_core
from app.domain import InboxRow, VipTier
from app.domain.ledger import LinkedAccount, LinkKind
from app.store import ledger as ledger_store
from ui.common import colours
from ui.common.colours import Ink, Scheme
from ui.common.contrast import NON_TEXT, TEXT, ratio
from ui.inbox.model import ROW_ROLE
from ui.ledger.charts import ChartColours
from ui.ledger.person_page import PersonPage, link_text
from ui.ledger.report import TITLE
from ui.ledger.scorecard import ScorecardDialog
from ui.ledger.table import ITEM_ROLE

pytestmark = pytest.mark.ui


def current_row(window) -> InboxRow:
    row = window.inbox.list.currentIndex().data(ROW_ROLE)
    assert isinstance(row, InboxRow)
    return row


def opened_page(window, qtbot) -> PersonPage:
    qtbot.waitUntil(lambda: bool(window.people._live_pages()))
    page = window.people._live_pages()[-1]
    qtbot.waitUntil(lambda: page.page is not None)
    return page


def test_l_opens_the_page_of_the_comments_author_with_all_they_wrote(window, qtbot):
    row = current_row(window)
    qtbot.keyClick(window.inbox.list, "l")
    page = opened_page(window, qtbot)
    assert page.page is not None and page.page.name == row.author_name
    assert row.id in [e.row.id for e in page.page.entries]
    authors = {e.row.author_name for e in page.page.entries}
    assert authors == {row.author_name}
    stored = window.inbox.core.store.reader().execute(
        "SELECT COUNT(*) FROM comments c JOIN people p ON p.id = c.author_id "
        "WHERE p.name = ? AND c.is_mine = 0 AND c.deleted = 0",
        [row.author_name],
    )
    assert page.entries.rowCount() == stored.fetchone()[0]
    assert page.summary.text().startswith(f"{page.entries.rowCount()} comment")
    assert page.links.text() == "On Sandbox."  # the account is named as its network
    page.close()


def test_an_account_is_named_beside_its_network_only_when_its_name_says_more():
    def on(account_name: str) -> str:
        return link_text(
            LinkedAccount(1, "Sam", "", "sandbox", account_name, VipTier.NONE, LinkKind.SELF)
        )

    assert [on("Sandbox"), on(""), on("Leeds office")] == [
        "Sandbox",
        "Sandbox",
        "Sandbox (Leeds office)",
    ]


def test_the_right_click_menu_and_the_thread_offer_the_persons_page(window, qtbot):
    person = window.registry.command("inbox.person").label
    assert person in [a.text() for a in window.inbox.list.actions()]
    assert window.inbox.list.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    tools = window.inbox.thread_pane.findChildren(QToolButton)
    buttons = [b for b in tools if b.text() == "Their page"]
    assert len(buttons) == 1
    buttons[0].click()
    page = opened_page(window, qtbot)
    assert page.page is not None and page.page.name == current_row(window).author_name
    page.close()


def test_the_menus_list_the_ledger_commands(window):
    entries = window.menus.entries
    assert window.menus.menus["&File"].actions().count(entries["window.export_report"]) == 1
    assert entries["window.waiting"] in window.menus.menus["&Go"].actions()
    assert "Ctrl+Shift+P" in entries["window.waiting"].text().replace("⇧", "Shift+")


def _type_notes(page: PersonPage, qtbot, text: str) -> None:
    page.notes.setFocus()
    qtbot.keyClicks(page.notes, text)


@pytest.fixture
def data_dir(tmp_path: Path, synced_template: Path) -> Path:
    """A copy of the synced data dir, for a test that closes its core and opens it again."""
    copied = tmp_path / "data"
    shutil.copytree(synced_template, copied)
    return copied


def test_notes_survive_closing_the_page_and_a_restart(
    qtbot, wait_for, open_window, settle, data_dir
):
    core = wait_for(open_core(data_dir))
    window = open_window(core)
    window.inbox.list.setFocus()
    comment = current_row(window).id
    qtbot.keyClick(window.inbox.list, "l")
    page = opened_page(window, qtbot)
    with qtbot.waitSignal(page.autosave.saved, timeout=5000):
        _type_notes(page, qtbot, "Promised a follow-up on parking.")
        page.close()  # before the autosave's quiet period: closing saves
    settle(window)
    wait_for(core.close())

    again = wait_for(open_core(data_dir))
    try:
        window = open_window(again)
        page = window.people.open_person_of(comment)
        qtbot.waitUntil(lambda: page.page is not None)
        assert page.notes.toPlainText() == "Promised a follow-up on parking."
        settle(window)
    finally:
        wait_for(again.close())


def test_notes_typed_just_before_quitting_are_stored(window, qtbot, wait_for):
    qtbot.keyClick(window.inbox.list, "l")
    page = opened_page(window, qtbot)
    _type_notes(page, qtbot, "Board member's daughter")
    saving = window.flush_editor()  # what quitting awaits before the store closes
    assert saving is not None
    wait_for(saving)
    assert page.person_id is not None
    stored = ledger_store.notes(window.inbox.core.store.reader(), page.person_id)
    assert stored == "Board member's daughter"
    page.close()


def test_people_waiting_longest_come_oldest_first_and_open_their_page(window, qtbot):
    waiting = window.people.show_waiting()
    qtbot.waitUntil(lambda: waiting.people.rowCount() > 1)
    people = [
        waiting.people.index(r, 0).data(Qt.ItemDataRole.UserRole)
        for r in range(waiting.people.rowCount())
    ]
    assert [p.oldest_at for p in people] == sorted(p.oldest_at for p in people)
    assert all(p.waiting >= 1 for p in people)
    waiting.list.setFocus()
    waiting.list.setCurrentIndex(waiting.people.index(1, 0))
    qtbot.keyClick(waiting.list, Qt.Key.Key_Return)
    page = opened_page(window, qtbot)
    assert page.page is not None and page.page.name == people[1].name
    assert page.page.waiting and page.page.waiting[0].row.created_at == people[1].oldest_at
    page.close()
    waiting.close()


def test_the_scorecard_charts_every_group_in_the_schemes_colours(window, qtbot, qapp):
    card = window.people.show_scorecard()
    qtbot.waitUntil(lambda: card.card is not None)
    assert [card.tabs.tabText(i) for i in range(card.tabs.count())] == [
        "By week", "By network", "By tier", "By post", "Waiting longest",
    ]  # fmt: skip
    scorecard = card.card
    assert scorecard is not None and scorecard.total.asked > 0
    weeks = card.views[0].chart()
    bars = next(s for s in weeks.series() if isinstance(s, QAbstractBarSeries))
    shares = [bars.barSets()[0].at(i) for i in range(bars.barSets()[0].count())]
    assert shares == [round(100 * c.share) for c in scorecard.by_week]
    line = next(s for s in weeks.series() if isinstance(s, QLineSeries))
    assert len(line.points()) == sum(c.median_seconds is not None for c in scorecard.by_week)
    light = ChartColours.of(Scheme.LIGHT)
    assert weeks.backgroundBrush().color() == light.background
    colours.use(Scheme.DARK)
    try:
        QApplication.sendEvent(card, QEvent(QEvent.Type.PaletteChange))
        assert weeks.backgroundBrush().color() == ChartColours.of(Scheme.DARK).background
        assert bars.barSets()[0].color() == colours.ink(Ink.OK, Scheme.DARK)
    finally:
        colours.use(Scheme.LIGHT)
    card.close()


@pytest.mark.parametrize("scheme", list(Scheme))
def test_chart_colours_are_readable_on_the_chart_in_every_scheme(scheme):
    ink = ChartColours.of(scheme)
    assert ratio(ink.text, ink.background) >= TEXT
    for graphic in (ink.bars, ink.line, ink.grid):
        assert ratio(graphic, ink.background) >= NON_TEXT, graphic.name()


def test_the_scorecard_fits_a_small_window(window, qtbot):
    card = window.people.show_scorecard()
    qtbot.waitUntil(lambda: card.card is not None)
    card.resize(1024, 640)
    qtbot.waitUntil(card.views[0].isVisible)
    assert card.width() <= 1024 and card.height() <= 640
    assert card.views[0].height() >= 300  # the chart keeps most of the height
    card.close()


def _export(window, qtbot, path: Path):
    export = window.people.export_to(path)
    outcome: list[str] = []
    export.finished.connect(outcome.append)
    export.failed.connect(outcome.append)
    qtbot.waitUntil(lambda: bool(outcome), timeout=15_000)
    return outcome[0]


def test_the_weekly_report_is_one_page_with_its_title_and_charts(window, qtbot, tmp_path):
    path = tmp_path / "weekly.pdf"
    said = _export(window, qtbot, path)
    assert said == f"Saved the weekly report as {path}."
    qtbot.waitUntil(lambda: window.status.currentMessage() == said)
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    assert document.pageCount() == 1
    text = document.getAllText(0).text()
    assert TITLE in text and "Waiting longest" in text and "By tier" in text
    image = document.render(0, QSize(600, 848))
    assert not image.isNull()
    inked = _share_of(image, lambda c: c.lightness() < 200)
    bars = colours.ink(Ink.OK, Scheme.LIGHT)
    green = _share_of(image, lambda c: _near(c, bars))
    assert inked > 0.02  # text and charts, not a blank page
    assert green > 0.002  # the answered bars are drawn
    document.close()


def _share_of(image: QImage, test) -> float:
    step = 3
    points = [(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)]
    return sum(1 for x, y in points if test(image.pixelColor(x, y))) / len(points)


def _near(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 40


def test_a_report_that_cannot_be_written_says_why_and_leaves_nothing(window, qtbot, tmp_path):
    path = tmp_path / "no such folder" / "weekly.pdf"
    said = _export(window, qtbot, path)
    assert said == f"The folder {path.parent} does not exist, so weekly.pdf was not saved."
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and said in boxes[-1].text()
    boxes[-1].close()
    assert not path.parent.exists()


def test_the_scorecard_from_the_keyboard(window, qtbot):
    qtbot.keyClick(
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: isinstance(window.people.scorecard, ScorecardDialog))
    card = window.people.scorecard
    assert card is not None
    qtbot.waitUntil(lambda: card.card is not None)
    card.close()


def _most_written(window) -> tuple[int, int]:
    """The person who wrote the most comments in the synced inbox, and how many."""
    found = (
        window.inbox.core.store.reader()
        .execute(
            "SELECT author_id, COUNT(*) FROM comments WHERE is_mine = 0 AND deleted = 0 "
            "GROUP BY author_id ORDER BY 2 DESC, 1 LIMIT 1"
        )
        .fetchone()
    )
    return found[0], found[1]


def _press_older(page: PersonPage, qtbot) -> None:
    """Space on "Show older comments" (it has the keyboard), then wait for the page read."""
    before = page.page
    assert page.older.hasFocus()
    qtbot.keyClick(page.older, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.page is not before)


def test_older_comments_come_a_page_at_a_time_from_the_keyboard(window, qtbot, monkeypatch):
    monkeypatch.setattr(ledger_store, "LEDGER_PAGE", 2)
    person, written = _most_written(window)
    assert written > 4  # more than two pages
    page = window.people.open_person(person)
    qtbot.waitUntil(lambda: page.page is not None)
    assert page.page is not None and page.page.totals.comments == written
    first = [page.entries.index(r, 0).data(ITEM_ROLE).row.id for r in range(2)]
    assert page.older.isVisible()
    assert page.older.text().endswith(f"({page.page.unlisted} more)")
    assert "listed: the newest 2 and every one waiting" in page.summary.text()
    qtbot.keyClick(page.list, Qt.Key.Key_Tab)  # from the list to the button under it
    _press_older(page, qtbot)
    listed = [page.entries.index(r, 0).data(ITEM_ROLE).row.id for r in range(4)]
    assert listed[:2] == first  # the next page came under the first
    assert listed == [e.row.id for e in page.page.listed]
    assert "listed: the newest 4 and every one waiting" in page.summary.text()
    for _ in range(written):  # one press per page; bounded by the comments there are
        if not page.older.isVisible():
            break
        _press_older(page, qtbot)
    assert not page.older.isVisible()
    assert page.entries.rowCount() == written
    ids = [page.entries.index(r, 0).data(ITEM_ROLE).row.id for r in range(written)]
    assert len(set(ids)) == written
    assert "listed:" not in page.summary.text()
    assert page.older_state.text().endswith("no older ones left.")
    assert page.list.hasFocus()  # the button went: the keyboard is back in the list
    page.close()


def test_older_comments_that_cannot_be_read_say_so_and_can_be_asked_again(
    window, qtbot, monkeypatch
):
    monkeypatch.setattr(ledger_store, "LEDGER_PAGE", 2)
    person, _ = _most_written(window)
    page = window.people.open_person(person)
    qtbot.waitUntil(lambda: page.page is not None)

    def unreadable(*_: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(ledger_store, "older_comments", unreadable)
    before, shown = page.page, page.entries.rowCount()
    page.older.click()
    qtbot.waitUntil(lambda: "could not be read" in page.older_state.text())
    assert page.older_state.text() == (
        "Older comments could not be read: disk I/O error. Press the button to try again."
    )
    assert page.older.isVisible() and page.page is before and page.entries.rowCount() == shown
    monkeypatch.undo()
    monkeypatch.setattr(ledger_store, "LEDGER_PAGE", 2)
    page.older.click()
    qtbot.waitUntil(lambda: page.page is not before)
    assert page.page is not None and len(page.page.listed) == 4
    assert page.older_state.text().endswith("listed.")
    page.close()
