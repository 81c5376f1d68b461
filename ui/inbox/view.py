"""The inbox page: title, post filter and search above the comment list, the thread pane
beside it and, while a reply is written, the composer under the thread.

The page owns what is shown: a view (Needs reply, ..., All), optionally narrowed to one
post (the "Post: <title>" chip says so, and its cross clears it), or a fixed result set (a search,
with matching posts and drafts above the comments; a "same question" group). It owns the
selection too, including "the whole view" (Ctrl+A) as a query rather than loaded rows,
and the keys that act on it; the triage actions themselves live in ``commands.py``.

When the store changes (``inboxChanged``: every page of a sync, every triage action) the
page asks for one refresh at most every ``REFRESH_DELAY_MS``; the model reads off the UI
thread and coalesces requests that arrive while a read is out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QSplitter,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import VIEW_TITLES, InboxRow, InboxView, SearchResults
from ui import operations, theme
from ui.common.compact import CompactRow
from ui.common.eliding import CountedTitle, ElidingButton, ElidingLabel, HintedField
from ui.inbox.commands import InboxCommands
from ui.inbox.delegate import InboxDelegate
from ui.inbox.filters import CHIP_STYLE, FilterBar
from ui.inbox.group import Group
from ui.inbox.model import FIRST_PAGE, ID_ROLE, InboxModel
from ui.inbox.search_hits import HITS, SearchHits
from ui.inbox.selection import WholeView
from ui.thread import ThreadPane

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from app.core import Core
    from ui.actions import Registry
    from ui.batch import ReplyComposer
    from ui.bridge import CoreBridge

SEARCH_DELAY_MS = 250
REFRESH_DELAY_MS = 150
#: j asks for the next page (read off the UI thread) this many rows before the last
#: loaded one, so the rows are in before the keys reach them.
PREFETCH_ROWS = 40
#: A view opens with the rows that fit the list's height and this many more, so the list
#: is full to its bottom edge at the first paint and the first keys find rows waiting.
FILL_MARGIN = 10
#: The thread and the reply under it are never narrower than this many characters.
BESIDE_MIN_CHARS = 44
#: Views whose empty state means "all caught up".
CAUGHT_UP = (InboxView.NEEDS_REPLY, InboxView.QUESTIONS, InboxView.MENTIONS)

Flag = QItemSelectionModel.SelectionFlag

#: The search box's hint, and what it says where the page's title needs the room.
SEARCH_HINT = "Search   /"
SHORT_SEARCH_HINT = "Search"


class InboxList(QListView):
    """The comment list: lazy model, two-line rows, multi-selection, an empty-state line."""

    def __init__(self, model: InboxModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A viewport made here, so Python knows its class: reading back the one Qt makes
        # has PySide try every widget class for it, the first time (~15 ms of the start).
        self.setViewport(QWidget())
        self.setObjectName("inboxList")
        self.setAccessibleName("Comments")
        self.setAccessibleDescription(
            "j and k move, Enter opens the thread, r replies, e marks done, s snoozes, "
            "u undoes; question mark lists every key."
        )
        self.setModel(model)
        self._delegate = InboxDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.empty_text = ""
        self._warming: Iterator[None] | None = None
        self._unfinished: list[QRect] = []  # rows shown with their quick look
        # Owned timers (not QTimer.singleShot with a callable): they die with the list.
        self._finish_timer = _single_shot(self, 0, self._finish_rows)
        self._warm_timer = _single_shot(self, 0, self._warm_up)
        self._parked: QPersistentModelIndex | None = None

    @property
    def parked(self) -> bool:
        """Hidden (another page is shown), its current row put aside."""
        return self._parked is not None

    def hideEvent(self, event) -> None:
        """Out of sight (the editor or the outbox is shown), no row is current: Qt would
        go on telling screen readers that the current row is focused."""
        super().hideEvent(event)
        if not event.spontaneous() and self._parked is None:
            self._parked = QPersistentModelIndex(self.currentIndex())
            with QSignalBlocker(self.selectionModel()):
                self.selectionModel().setCurrentIndex(QModelIndex(), Flag.NoUpdate)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        parked, self._parked = self._parked, None
        if parked is not None and parked.isValid():
            with QSignalBlocker(self.selectionModel()):
                index = self.model().index(parked.row(), parked.column())
                self.selectionModel().setCurrentIndex(index, Flag.NoUpdate)

    def _start_warming(self) -> None:
        """Once, after the first paint (not to delay it), a slice per turn of the loop."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = QRect(0, 0, self.viewport().width(), 56)
        self._warming = InboxDelegate.warm_up(option)
        self._warm_timer.start()

    def _warm_up(self) -> None:
        if self._warming is not None and next(self._warming, StopIteration) is not StopIteration:
            self._warm_timer.start()

    def times_changed(self) -> None:
        """Rows work their times out again at the next paint (the zone or the day changed)."""
        self._delegate.forget_times()
        self.viewport().update()

    def paintEvent(self, event) -> None:
        self._delegate.start_paint(self.font())
        super().paintEvent(event)
        if self._warming is None:
            self._start_warming()
        if self._delegate.deferred:  # some new rows got their quick look: finish them next frame
            self._unfinished += self._delegate.deferred
            self._finish_timer.start()
        if self.model().rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect().adjusted(24, 48, -24, 0),
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )

    def _finish_rows(self) -> None:
        rects, self._unfinished = self._unfinished, []
        for rect in rects:
            self.viewport().update(rect)

    def rows_to_fill(self) -> int:
        """How many rows a view opens with: those that fit the list's height, a margin,
        at least ``FIRST_PAGE``. A list out of sight may not have its height yet (before
        the window first shows): the screen's stands for it. Room a list gains later
        (the window made taller) is filled by Qt's ``fetchMore``, off the UI thread."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        row = max(1, self.itemDelegate().sizeHint(option, QModelIndex()).height())
        shown = self.isVisible()
        height = self.viewport().height() if shown else self.screen().availableGeometry().height()
        return max(FIRST_PAGE, -(-height // row) + FILL_MARGIN)

    def last_needed_row(self, whole: bool) -> int:
        """The lowest row a refresh must keep: the last one in sight, the current one, and
        (unless the whole view is selected, which is a query) the last selected one."""
        bottom = self.indexAt(self.viewport().rect().bottomLeft()).row()
        needed = [bottom if bottom >= 0 else self.model().rowCount() - 1, self.currentIndex().row()]
        if not whole:
            selection = self.selectionModel().selection()
            needed += [selection.at(i).bottom() for i in range(selection.count())]
        return max(needed)


class InboxPage(QWidget):
    message = Signal(str)  # what an action did: painted in the status bar and announced
    linkShown = Signal(str)  # painted only: the address of the link under the mouse
    postFilterChanged = Signal(object)  # the post shown (its id), or None for every post
    postChosen = Signal(int, str)  # a post picked among search results: show its comments
    draftChosen = Signal(int)  # a draft picked among search results: open it
    personChosen = Signal(int)  # a comment whose author's page to open
    composerBuilt = Signal(object)  # the reply composer, built on first use (ReplyComposer)

    def __init__(
        self, core: Core, bridge: CoreBridge, registry: Registry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.model = InboxModel(core.inbox, self)
        self.list = InboxList(self.model)
        self.thread_pane = ThreadPane(core)
        self.thread_pane.message.connect(self.linkShown)
        self._registry = registry
        self._composer: ReplyComposer | None = None  # built after the first paint, or on use
        self._view = InboxView.NEEDS_REPLY
        self._post: tuple[int, str] | None = None
        self._at_top = False
        self._current_before: int | None = None  # the current comment as a refresh began
        self._stale = False  # the store changed while the page was out of sight
        #: "Every comment in this view" (Ctrl+A), while the list shows it selected.
        self.whole: WholeView | None = None
        #: Rows were chosen on purpose (x, Shift+J/K, Ctrl+A): j and k then move the
        #: current row and keep the selection, as in Gmail and Superhuman; Esc ends it.
        self.marked = False

        self.title = CountedTitle()  # "Same question · 21": the count outlasts the words
        self.title.setObjectName("pageTitle")
        self.post_chip = ElidingButton()  # its title shortens: the panes keep their widths
        self.post_chip.setObjectName("filterChip")
        self.post_chip.setToolTip("Show the comments on every post (Esc)")
        self.post_chip.setStyleSheet(CHIP_STYLE)
        self.post_chip.clicked.connect(self.clear_post)
        self.post_chip.hide()
        # "12 selected · r replies to all" takes the room there is beside the filters and
        # never asks for more (the panes keep their widths when it appears); cut, it ends
        # in "…". (Beside the title it left the title no room at narrow widths.)
        self.hint = ElidingLabel()
        self.hint.setObjectName("hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.search = _search_field(self.run_search)
        self.hits = SearchHits()
        self.hits.postChosen.connect(self.postChosen)
        self.hits.draftChosen.connect(self.draftChosen)
        self.toolbar = CompactRow()  # words while there is room, icons when not
        self.filters = FilterBar()
        self.filters.changed.connect(lambda _narrow: self._show())

        self._search_timer = _single_shot(self, SEARCH_DELAY_MS, self.run_search)
        self._refresh_timer = _single_shot(self, REFRESH_DELAY_MS, self.refresh)
        self.search.textEdited.connect(lambda _: self._search_timer.start())
        bridge.inboxChanged.connect(self.schedule_refresh)
        self.model.aboutToApply.connect(self._before_refresh)
        self.model.refreshed.connect(self._after_refresh)
        self.model.rowsInserted.connect(self._rows_inserted)
        self.list.selectionModel().currentChanged.connect(
            lambda current, _: self.thread_pane.show_comment(current.data(ID_ROLE))
        )
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_hint())
        self.model.modelReset.connect(self._update_hint)
        self._layout()
        self.commands = InboxCommands(self, registry)

    def event(self, event: QEvent) -> bool:  # Qt override
        """Space presses the focused button (a filter chip, Filter, Reply, Send…), not
        the page's Space (tick): a shortcut is offered a key before the focused widget,
        and buttons, unlike text boxes, do not claim it."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and isinstance(QApplication.focusWidget(), QAbstractButton)
        ):
            event.accept()
            return True
        return super().event(event)

    def _layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(8)
        header.addWidget(self.post_chip)
        header.addStretch(0)  # the room the search box leaves (it grows first)
        header.addWidget(self.search, 1)
        filters = QHBoxLayout()
        filters.addWidget(self.filters)
        filters.addWidget(self.hint, 1)
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(12, 10, 4, 0)
        column.setSpacing(8)
        column.addLayout(header)
        column.addLayout(filters)
        column.addWidget(self.toolbar)
        column.addWidget(self.hits)
        column.addWidget(self.list, 1)
        self._beside = beside = QSplitter(Qt.Orientation.Vertical)  # the thread, the reply
        beside.setChildrenCollapsible(False)
        # Lines of the thread and the reply keep a readable length when the window is
        # narrowed (their headers give way to icons and would let the pane go thinner).
        beside.setMinimumWidth(beside.fontMetrics().averageCharWidth() * BESIDE_MIN_CHARS)
        beside.addWidget(self.thread_pane)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(panel)
        splitter.addWidget(beside)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def compose(self, comment_ids: list[int]) -> None:
        """Open the composer under the thread, the comment answered scrolled into sight."""
        self.thread_pane.keep_answered_in_sight = True
        self.thread_pane.show_answered()
        height = self._beside.height()
        self._beside.setSizes([height * 2 // 5, height - height * 2 // 5])
        self.composer.open_for(comment_ids)

    @property
    def composer(self) -> ReplyComposer:
        """The reply composer under the thread. The first paint needs none of it: it is
        built once the window has painted (``MainWindow.after_first_paint``), or when a
        reply is started before that."""
        if self._composer is None:
            from ui.batch import ReplyComposer

            self._composer = ReplyComposer(self.core, self._registry)
            self._beside.addWidget(self._composer)
            self._beside.setStretchFactor(0, 2)
            self._beside.setStretchFactor(1, 3)
            self.composerBuilt.emit(self._composer)
        return self._composer

    @property
    def composer_if_built(self) -> ReplyComposer | None:
        return self._composer

    def composer_closed(self) -> None:
        self.thread_pane.keep_answered_in_sight = False

    def take_focus(self) -> None:
        """Coming to the page puts the keyboard in the list. (Not a focus proxy: in Qt 6,
        a proxy on the page makes Tab skip everything else on it, the search included.)"""
        self.list.setFocus()

    def tab_order(self) -> list[QWidget]:
        """Where Tab goes on this page, top to bottom as it is laid out: the post filter,
        search, the buttons, matching posts and drafts, the comments, the conversation."""
        return [
            self.post_chip,
            self.search,
            self.filters.button,
            *self.filters.chips,
            self.filters.chip_row.more,
            *self.commands.buttons,
            self.hits.list,
            self.list,
            *self.thread_pane.tools,
            self.thread_pane.open_post,
            self.thread_pane.browser,
            *(self._composer.tab_order() if self._composer is not None else ()),
        ]

    # --- what is shown ------------------------------------------------------------------
    @property
    def searching(self) -> bool:
        return self.model.view is None

    @property
    def view(self) -> InboxView:
        return self._view

    @property
    def post_id(self) -> int | None:
        """The post the views are narrowed to, if any."""
        return self._post[0] if self._post else None

    def show_view(self, view: InboxView) -> None:
        """Show a view (within the post filter, if one is on) from its first comment."""
        self._view = view
        self._show()

    def show_post(self, post_id: int, title: str) -> None:
        """Narrow the views to one post; the view keys and buttons then apply within it."""
        self._post = (post_id, title)
        self._show()
        self.postFilterChanged.emit(post_id)

    def clear_post(self) -> None:
        """Back to the comments on every post, in the same view."""
        if self._post is None:
            return
        self._post = None
        self._show()
        self.list.setFocus()
        self.postFilterChanged.emit(None)

    def _show(self) -> None:
        self._search_timer.stop()
        self.search.clear()
        self.hits.clear()
        self.whole = None
        self.marked = False
        self.model.show_view(
            self._view, self.post_id, self.filters.narrow, first=self.list.rows_to_fill()
        )
        self.filters.show_for(self._view)
        self._count_filtered()
        self._set_title(VIEW_TITLES[self._view])
        if self._post is not None:
            self.post_chip.set_parts("Post: ", self._post[1], "   ×")
            self.post_chip.setAccessibleName(f"Only the post “{self._post[1]}”: show every post")
        self.post_chip.setVisible(self._post is not None)
        waiting = self._view in CAUGHT_UP
        if self._post is None:
            self.list.empty_text = "Nothing waiting here." if waiting else "No comments here."
        else:
            self.list.empty_text = (
                "Nothing waiting on this post." if waiting else "No comments on this post here."
            )
        self.select_id(self.model.row_id(0) if self.model.rowCount() else None)

    def _count_filtered(self) -> None:
        """How many comments the filters leave in the view (read off the UI thread)."""
        narrow = self.filters.narrow
        if not narrow.narrows() or self.model.view is None:
            self.filters.show_count(None)
            return
        view, post_id = self._view, self.post_id

        def counted(n: int) -> None:  # unless something else shows by now
            if (view, post_id, narrow) == (self.model.view, self.post_id, self.filters.narrow):
                self.filters.show_count(n)

        operations.run(self, self.core.inbox.count(view, post_id, narrow), on_done=counted)

    def show_rows(self, rows: list[InboxRow], title: str, empty_text: str) -> None:
        """Show a fixed result set (search results)."""
        self.whole = None
        self.marked = False
        self.model.show_rows(rows)
        self._show_fixed(rows, title, empty_text)

    def show_group(self, group: Group, title: str) -> None:
        """Show a "same question" group: the asked comment first, then its matches with
        their marks; the asked one and the very likely ones ticked (x or Space changes)."""
        self.whole = None
        self.marked = True
        self.model.show_rows(group.rows, group.marks, group.seed)
        self._show_fixed(group.rows, title, "Nobody else is asking this.")
        selection = QItemSelection()
        for comment_id in group.ticked:
            row = self.model.row_of(comment_id)
            if row is not None:
                selection.select(self.model.index(row), self.model.index(row))
        # Exactly the ticked: the first row (the seed) made current above is not, once
        # the person has unticked it ("more like the ticked" keeps it so).
        self.list.selectionModel().select(selection, Flag.ClearAndSelect)
        self._update_hint()

    def times_changed(self) -> None:
        """Local times read differently now (the time zone or the day changed): rows and
        the thread shown work theirs out again."""
        self.list.times_changed()
        self.thread_pane.reload(force=True)

    def _show_fixed(self, rows: list[InboxRow], title: str, empty_text: str) -> None:
        self._set_title(title)
        self.post_chip.hide()
        self.list.empty_text = empty_text
        self.select_id(self.model.row_id(0) if rows else None)

    def _set_title(self, title: str) -> None:
        """The page's title, which also names the list for screen readers."""
        self.title.setText(title)
        self.list.setAccessibleName(f"Comments: {title.replace(' · ', ', ')}")

    def leave_results(self) -> None:
        """Back from a search or group to the view (and post) it started from."""
        self._show()
        self.list.setFocus()

    def run_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip()
        if not text:
            if self.searching:
                self._show()
            return

        def show(found: SearchResults) -> None:
            if self.search.text().strip() != text:
                return
            rows = list(found.comments)
            self.show_rows(rows, f"Search · {len(rows)}", f"No comments match “{text}”.")
            self.hits.show_hits(found.posts, found.drafts)

        operations.run(self, self.core.inbox.search(text, HITS + 1), on_done=show)

    # --- keeping up with the store ------------------------------------------------------
    def schedule_refresh(self) -> None:
        """A change in the store: refresh soon, once for any number of changes meanwhile.
        A page out of sight (closed, or another page shown) refreshes when it is shown."""
        if not self.isVisible():
            self._stale = True
        elif not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.schedule_refresh()

    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """Re-read the list off the UI thread; ``then()`` runs once it is current."""
        self._refresh_timer.stop()
        keep = self.list.last_needed_row(whole=self.whole is not None) + 1
        self.model.refresh(keep, then)

    def _before_refresh(self) -> None:
        self._current_before = self.current_id()
        self._at_top = (
            self.list.currentIndex().row() <= 0
            and len(self.list.selectionModel().selectedRows()) <= 1
        )

    def _after_refresh(self) -> None:
        """Someone at the top stays at the top as new comments arrive; the current comment
        stays current when the order moved it (a person made a VIP goes up)."""
        at_top, self._at_top = self._at_top, False
        before, self._current_before = self._current_before, None
        moved = self.model.row_of(before) if before is not None else None
        if not at_top and not self.list.currentIndex().isValid() and moved is not None:
            self.select_id(before)
        elif (
            self.model.rowCount()
            and not self.list.parked
            and (
                (at_top and self.list.currentIndex().row() != 0)
                or not self.list.currentIndex().isValid()
            )
        ):
            self.select_id(self.model.row_id(0))
        self.thread_pane.reload()
        self._update_hint()
        self._count_filtered()

    # --- selection ----------------------------------------------------------------------
    def current_id(self) -> int | None:
        return self.list.currentIndex().data(ID_ROLE)

    def selected_ids(self) -> list[int]:
        """Selected comments among the loaded rows, in list order; the current one when
        nothing is selected. (The whole view is ``target_ids``.)"""
        ids = self.ticked_ids()
        current = self.current_id()
        return ids or ([current] if current is not None else [])

    def ticked_ids(self) -> list[int]:
        """Selected (ticked) comments among the loaded rows, in list order; none when
        nothing is selected."""
        rows = sorted(i.row() for i in self.list.selectionModel().selectedRows())
        return [self.model.row_id(r) for r in rows]

    def whole_selected(self) -> WholeView | None:
        """The whole view, while it is what the list shows selected (a key, a click or
        another view ends it)."""
        whole = self.whole
        if whole is None:
            return None
        if whole.generation != self.model.generation or self.model.view is None:
            self.whole = None
            return None
        chosen = {i.row() for i in self.list.selectionModel().selectedRows()}
        ids = self.model.ids()
        if any(row not in chosen for row, i in enumerate(ids) if i <= whole.max_id):
            self.whole = None
        return self.whole

    def select_whole(self, whole: WholeView) -> None:
        self.whole = whole
        self.marked = True
        self.list.selectAll()
        self._update_hint()

    def targets(self) -> Awaitable[list[int]]:
        """What an action applies to, fixed now: the whole view (its ids are read off the
        UI thread when awaited) or the selected comments."""
        whole = self.whole_selected()
        if whole is not None:
            return self.core.inbox.ids_up_to(whole.view, whole.post_id, whole.max_id, whole.narrow)
        ids = self.selected_ids()

        async def selected() -> list[int]:
            return ids

        return selected()

    def selection_size(self) -> int:
        whole = self.whole_selected()
        return whole.count if whole is not None else len(self.selected_ids())

    def select_id(self, comment_id: int | None, flags: Flag = Flag.ClearAndSelect) -> None:
        row = None if comment_id is None else self.model.row_of(comment_id)
        if row is None:
            self.list.selectionModel().clear()
            self.thread_pane.show_comment(None)
            return
        index = self.model.index(row)
        self.list.selectionModel().setCurrentIndex(index, flags)
        self.list.scrollTo(index)

    def move_by(self, step: int, extend: bool = False) -> None:
        """j/k (and Shift+J/K to grow the selection). Above the first search result are
        the matching posts and drafts: k moves into them, j back out."""
        if self.hits.list.hasFocus():
            if not self.hits.step(step) and step > 0:
                self.list.setFocus()
            return
        row = self.list.currentIndex().row() + step
        if row < 0 and not extend and self.searching and self.hits.isVisible():
            self.hits.list.setCurrentRow(self.hits.count() - 1)
            self.hits.list.setFocus()
            return
        if row >= self.model.rowCount():  # past the rows loaded: move once the next page is in
            self.model.fetch_page(then=lambda: self.move_by(step, extend))
            return
        if row < 0:
            return
        if self.model.rowCount() - row <= PREFETCH_ROWS:
            self.model.fetch_page()  # read on: the rows are there before the keys reach them
        if extend:  # the row left and the row reached are both chosen
            self.list.selectionModel().select(self.list.currentIndex(), Flag.Select)
            self.marked = True
        flags = Flag.Select if extend else Flag.NoUpdate if self.marked else Flag.ClearAndSelect
        self.select_id(self.model.row_id(row), flags)

    def toggle_current(self) -> None:
        """x: choose or unchoose the current row; the first x chooses only it."""
        model = self.list.selectionModel()
        current = self.list.currentIndex()
        if not current.isValid():
            return
        if self.marked:
            model.select(current, Flag.Toggle)
        else:
            model.select(current, Flag.ClearAndSelect)
            self.marked = True
        self._update_hint()

    def clear_marks(self) -> bool:
        """Esc: end a selection made on purpose; the current row stays. False if none."""
        if not self.marked:
            return False
        self.marked = False
        self.whole = None
        self.select_id(self.current_id())
        self._update_hint()
        return True

    def next_after(self, ids: list[int]) -> int | None:
        """The comment to land on once ``ids`` leave the list: the next one, else the previous."""
        order = self.model.ids()
        gone = set(ids)
        places = [i for i, x in enumerate(order) if x in gone]
        if not places:
            return self.current_id()
        after = (x for x in order[max(places) + 1 :] if x not in gone)
        before = (x for x in reversed(order[: min(places)]) if x not in gone)
        return next(after, None) or next(before, None)

    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        """Rows of the whole view that come into the list (paging, undo) show selected."""
        whole = self.whole
        if whole is None or whole.generation != self.model.generation:
            return
        chosen = QItemSelection()
        for row in range(first, last + 1):
            if self.model.row_id(row) <= whole.max_id:
                chosen.select(self.model.index(row), self.model.index(row))
        if not chosen.isEmpty():
            self.list.selectionModel().select(chosen, Flag.Select)

    def _update_hint(self) -> None:
        """While rows are chosen: how many, that r answers them all and Esc ends it."""
        whole = self.whole_selected()
        count = whole.count if whole is not None else len(self.list.selectionModel().selectedRows())
        if count > 1:
            self.hint.setText(f"{count:,} selected · r replies to all · Esc clears")
        elif self.marked and count == 1:
            self.hint.setText("1 selected · Esc clears")
        else:
            self.hint.setText("")


def _search_field(run_search: Callable[[], None]) -> QLineEdit:
    """The search box: named for screen readers (its hint is only a placeholder), its
    magnifier a button that searches."""
    # Its key leaves the hint before the page's title shortens ("Same que… · 28"): the
    # title is what the list shows, the key is in the tooltip too.
    search = HintedField(SEARCH_HINT, SHORT_SEARCH_HINT, icons=2)  # magnifier, clear
    search.setToolTip("Search comments, posts and drafts (/)")
    search.setAccessibleName("Search comments, posts and drafts")
    search.setAccessibleDescription("Type to search; Enter goes to the results, Esc back.")
    search.setClearButtonEnabled(True)
    clear = search.findChild(QAction, "_q_qlineeditclearaction")  # Qt's own clear button
    if clear is not None:
        clear.setText("Clear the search")
    action = search.addAction(theme.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
    action.setText("Search")
    action.setToolTip("Search (Enter)")
    action.triggered.connect(lambda _checked=False: run_search())
    return search


def _elided(title: str, limit: int = 48) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _single_shot(parent: QWidget, delay_ms: int, slot) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(delay_ms)
    timer.timeout.connect(slot)
    return timer
