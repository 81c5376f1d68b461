"""At the window's smallest size nothing shows as half a word where it matters: an inbox
row keeps its author's name and the start of the comment (the chips give way, their
full words in the tooltip and the accessible text), the thread pane's header gives way
to icons rather than cut its words, and a group's title keeps its count.

What is painted is read by recording the texts the painters draw (the row delegate and
the eliding labels draw from Python). The size is the window's own minimum: on the
offscreen screen (800 x 600) that is less than ``MINIMUM_WIDTH``, as on a small laptop.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from msgspec.structs import replace
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAccessible, QFontMetrics, QHelpEvent, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem, QToolTip

from app.domain import InboxFilter, InboxView, VipTier
from app.timeutil import iso, now
from ui.common.compact import Style
from ui.inbox.delegate import STAR
from ui.inbox.filter_chips import CROSS
from ui.inbox.filters import FilterBar, chips_of
from ui.inbox.model import ROW_ROLE
from ui.inbox.speech import status_chips
from ui.inbox.view import SEARCH_HINT, SHORT_SEARCH_HINT
from ui.main_window import MINIMUM_HEIGHT, MINIMUM_WIDTH
from ui.status import outbox_text

pytestmark = pytest.mark.ui

#: Rows read at the top of the list.
ROWS = 6
#: A narrow row shows at least this many of the comment's first characters.
SHOWN_CHARS = 20


@pytest.fixture
def painted(monkeypatch) -> Iterator[list[str]]:
    """Every text drawn through ``QPainter.drawText`` from Python while the test runs."""
    texts: list[str] = []
    draw = QPainter.drawText

    def recording(painter: QPainter, *args: object) -> None:
        texts.extend(a for a in args if isinstance(a, str))
        draw(painter, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(QPainter, "drawText", recording)
    yield texts


def _at_minimum(window, qtbot) -> None:
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: window.width() == window.minimumWidth())
    QApplication.processEvents()


def _paint_rows(view, count: int) -> None:
    """Paint the first ``count`` rows in full, as the list does once its frames settle."""
    delegate = view.itemDelegate()
    canvas = view.viewport().grab()
    painter = QPainter(canvas)
    try:
        for row in range(count):
            index = view.model().index(row, 0)
            option = QStyleOptionViewItem()
            view.initViewItemOption(option)
            option.rect = view.visualRect(index)
            delegate.start_paint(view.font())
            delegate.paint(painter, option, index)
    finally:
        painter.end()


def test_a_narrow_row_keeps_the_name_and_the_start_of_the_comment(window, qtbot, painted):
    window.sidebar.choose("inbox", InboxView.VIPS)
    inbox = window.inbox
    qtbot.waitUntil(lambda: inbox.model.rowCount() >= ROWS)
    _at_minimum(window, qtbot)
    painted.clear()
    _paint_rows(inbox.list, ROWS)
    for row in range(ROWS):
        shown = inbox.model.index(row).data(ROW_ROLE)
        assert shown.author_tier > VipTier.NONE  # their chips are the longest
        words = " ".join(shown.snippet.split())
        start = words[:SHOWN_CHARS]
        assert any(t.startswith(start) for t in painted), (start, painted)
        assert f"{STAR} {shown.author_name}" in painted


def test_a_row_measures_its_authors_name_once_per_paint(window, qtbot, monkeypatch):
    """The chips beside the name and the name itself are laid out from one measure."""
    window.sidebar.choose("inbox", InboxView.VIPS)
    inbox = window.inbox
    qtbot.waitUntil(lambda: inbox.model.rowCount() >= ROWS)
    _at_minimum(window, qtbot)
    measured: list[str] = []
    advance = QFontMetrics.horizontalAdvance

    def recording(metrics: QFontMetrics, text: str, *args: object) -> int:
        measured.append(text)
        return advance(metrics, text, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(QFontMetrics, "horizontalAdvance", recording)
    _paint_rows(inbox.list, ROWS)
    names = [f"{STAR} {inbox.model.index(row).data(ROW_ROLE).author_name}" for row in range(ROWS)]
    for name in names:
        assert measured.count(name) == names.count(name), name


def test_chips_left_short_keep_their_words_in_the_tooltip_and_for_screen_readers(window, qtbot):
    window.sidebar.choose("inbox", InboxView.VIPS)
    inbox = window.inbox
    qtbot.waitUntil(lambda: inbox.model.rowCount() >= ROWS)
    _at_minimum(window, qtbot)
    index = next(  # a VIP asking a question: two chips, too long together for the row
        inbox.model.index(n)
        for n in range(inbox.model.rowCount())
        if len(status_chips(inbox.model.index(n).data(ROW_ROLE))) > 1
    )
    inbox.list.scrollTo(index)
    words = [chip.text for chip in status_chips(index.data(ROW_ROLE))]
    assert words[0].startswith("VIP: ")
    spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
    for word in words:
        assert word.replace(" · ", " until ") in spoken
    viewport = inbox.list.viewport()
    centre = inbox.list.visualRect(index).center()
    window.setAttribute(Qt.WidgetAttribute.WA_AlwaysShowToolTips)  # offscreen: never active
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, centre, viewport.mapToGlobal(centre))
    )
    qtbot.waitUntil(QToolTip.isVisible)
    for word in words:
        assert word in QToolTip.text()
    QToolTip.hideText()


def test_the_thread_header_shows_whole_words_or_named_icons(window, qtbot):
    pane = window.inbox.thread_pane
    qtbot.waitUntil(lambda: pane.open_post.isVisible() and pane.network.isVisible())
    _at_minimum(window, qtbot)
    qtbot.waitUntil(lambda: pane.width() < 400)
    QApplication.processEvents()
    for button in [*pane.tools, pane.open_post]:
        if button.toolButtonStyle() is Style.ToolButtonIconOnly:
            assert not button.icon().isNull() and button.toolTip() and button.accessibleName()
        else:
            assert button.width() >= button.sizeHint().width(), button.text()
    for label in (pane.network, *pane.findChildren(type(pane.network))):
        if label.isVisible() and label.text():
            room = label.contentsRect().width()
            assert label.fontMetrics().horizontalAdvance(label.text()) <= room, label.text()


def _open_group(window, qtbot) -> None:
    inbox = window.inbox
    window.sidebar.choose("inbox", InboxView.QUESTIONS)
    qtbot.waitUntil(lambda: inbox.model.rowCount() > 0)
    qtbot.keyClick(inbox.list, "g")
    qtbot.waitUntil(lambda: inbox.searching and inbox.title.text().startswith("Same question"))
    qtbot.waitUntil(lambda: "selected" in inbox.hint.text())


def test_a_groups_title_keeps_its_count_at_the_minimum_size(window, qtbot, painted):
    _open_group(window, qtbot)
    _at_minimum(window, qtbot)
    title = window.inbox.title
    count = title.text().rpartition(" · ")[2]
    assert count.isdigit()
    painted.clear()
    title.grab()
    assert any(t.endswith(f" · {count}") for t in painted), painted


def test_the_selection_hint_shows_whole_at_1280(window, qtbot):
    _open_group(window, qtbot)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    hint = window.inbox.hint
    qtbot.waitUntil(lambda: hint.toolTip() == "")  # a cut hint holds its words there
    assert hint.fontMetrics().horizontalAdvance(hint.text()) <= hint.contentsRect().width()


def _shows_whole(label) -> bool:
    return label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()


def test_the_group_message_shows_whole_at_1280(window, qtbot):
    """Beside the status bar's widest ordinary words: the outbox saying when it last sent."""
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    sent = iso(now() - timedelta(minutes=4))
    window.status.outbox.setText(outbox_text([], sent))
    _open_group(window, qtbot)
    message = window.status.message
    qtbot.waitUntil(lambda: "ticked" in message.text() or "ranked" in message.text())
    QApplication.processEvents()
    assert _shows_whole(message), (message.text(), message.contentsRect().width())
    assert message.toolTip() == ""


def test_a_message_cut_at_the_minimum_size_keeps_its_words(window, qtbot):
    """In the tooltip and for screen readers; "…" says it is cut."""
    _open_group(window, qtbot)
    _at_minimum(window, qtbot)
    status = window.status
    words = (
        f"{status.currentMessage()} · still reading questions (40 of 1,000), some may be missing"
    )
    status.say(words)
    QApplication.processEvents()
    message = status.message
    assert not _shows_whole(message)
    assert message.toolTip() == words
    assert status.currentMessage() == words
    spoken = QAccessible.queryAccessibleInterface(message)
    assert spoken is not None and spoken.text(QAccessible.Text.Name) == words
    painted = message.fontMetrics().elidedText(
        words, Qt.TextElideMode.ElideRight, message.contentsRect().width()
    )
    assert painted.endswith("…") and len(painted) > 20


#: Every filter there is: the chips' longest row.
EVERY_FILTER = InboxFilter(
    network="sandbox", min_tier=VipTier.SENIOR, newer_than_days=30, waiting_over_days=3
)


def _check_chips(bar) -> list[str]:
    """Each chip shows its whole words or its value, whole, named in full; the rest are
    in "+N" (tooltip, name, menu); nothing runs under the count. Returns what shows."""
    whole = [chip for chip, _ in chips_of(bar.narrow, bar.view)]
    shown = [chip for chip in bar.chips if chip.isVisible()]
    for button, chip in zip(shown, whole, strict=False):
        assert button.text() in (f"{chip.text}{CROSS}", f"{chip.short}{CROSS}"), button.text()
        assert button.width() >= button.sizeHint().width()  # never "VIP:…"
        assert button.accessibleName() == f"Filter {chip.text}"
        assert chip.text in button.toolTip()
    more = bar.chip_row.more
    hidden = whole[len(shown) :]
    assert more.isVisible() == bool(hidden)
    if hidden:
        assert more.text() == f"+{len(hidden)}"
        assert more.width() >= more.sizeHint().width()
        noun = "filter" if len(hidden) == 1 else "filters"
        assert more.accessibleName().startswith(f"{len(hidden)} more {noun}: ")
        for chip in hidden:
            assert chip.text in more.toolTip() and chip.text in more.accessibleName()
        removes = [action.text() for action in more.menu().actions()]
        assert removes == [f"Remove the filter {chip.text}" for chip in hidden]
    ends = [w.mapTo(bar, w.rect().topRight()).x() for w in [*shown, more] if w.isVisible()]
    assert max(ends, default=0) < bar.count.geometry().left()
    return [button.text() for button in shown]


@pytest.mark.parametrize("wide", [False, True], ids=["minimum", "1280"])
def test_filter_chips_never_show_cut_words(window, qtbot, wide):
    if wide:
        window.resize(1280, 800)
        qtbot.waitUntil(lambda: window.width() == 1280)
    else:
        _at_minimum(window, qtbot)
    bar = window.inbox.filters
    for narrow in (InboxFilter(min_tier=VipTier.SENIOR, waiting_over_days=3), EVERY_FILTER):
        bar.set_filter(narrow)
        qtbot.waitUntil(lambda: bar.count.text() != "")
        QApplication.processEvents()
        _check_chips(bar)


def test_filter_chips_drop_their_labels_first_then_go_into_plus_n(qtbot):
    """Narrowed a few pixels at a time: the Filter button keeps its icon alone, the chips
    their values ("Senior leader+", "Sandbox"), the first ones longest, then "+4"; the
    last of them comes off from the "+N" menu."""
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.button.setText("Filter  f")
    bar.button.setIcon(bar.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView))
    bar.set_filter(EVERY_FILTER)
    bar.show_count(23)
    bar.show()
    whole = [f"{chip.text}{CROSS}" for chip, _ in chips_of(EVERY_FILTER, bar.view)]
    seen = []
    for width in range(bar.sizeHint().width(), bar.minimumSizeHint().width() - 1, -8):
        bar.resize(width, bar.sizeHint().height())
        QApplication.processEvents()
        shown = _check_chips(bar)
        words = bar.button.toolButtonStyle() is Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        assert shown == whole or not words  # the button's words go before any chip's
        seen.append(shown)
    assert seen[0] == whole
    assert f"Senior leader+{CROSS}" in [text for shown in seen for text in shown]
    assert ["Sandbox" + CROSS] in seen  # the first filter's value and "+3"
    assert [shown for shown in seen if len(shown) == len(whole) - 1]  # and "+1"
    assert seen[-1] == []  # "+4" alone
    bar.chip_row.more.menu().actions()[-1].trigger()
    assert bar.narrow == replace(EVERY_FILTER, waiting_over_days=None)


def test_a_groups_title_shows_whole_at_the_smallest_laptop_size_the_search_box_giving_way(
    window, qtbot, painted
):
    """At the window's minimum on a laptop's screen, the search box gives up its width
    (its hint drops the key) before the title of a group shortens: "Same que… · 28"
    said less than the box's "/". (The offscreen screen's own minimum is smaller still:
    there nothing can show whole.)"""
    _open_group(window, qtbot)
    window.resize(MINIMUM_WIDTH, MINIMUM_HEIGHT)
    qtbot.waitUntil(lambda: window.width() == MINIMUM_WIDTH)
    QApplication.processEvents()
    title, search = window.inbox.title, window.inbox.search
    painted.clear()
    title.grab()
    assert title.text() in painted, (painted, title.width(), search.width())
    assert title.toolTip() == ""
    hint = search.placeholderText()
    assert hint in (SEARCH_HINT, SHORT_SEARCH_HINT)
    assert search.width() - 2 * search.height() >= search.fontMetrics().horizontalAdvance(hint)
