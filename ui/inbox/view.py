"""The inbox page: title and search above the comment list, the thread pane beside it.

The page owns what is shown (a view, one post, a search, a "same question" group), the
selection, and the keys that act on it; the triage actions themselves live in
``commands.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain import VIEW_TITLES, InboxView
from ui import operations, theme
from ui.inbox.commands import InboxCommands
from ui.inbox.delegate import InboxDelegate
from ui.inbox.model import ID_ROLE, InboxModel
from ui.thread.pane import ThreadPane

if TYPE_CHECKING:
    from app.core import Core
    from ui.actions.registry import Registry
    from ui.bridge import CoreBridge

SEARCH_DELAY_MS = 250
REFRESH_DELAY_MS = 120

Flag = QItemSelectionModel.SelectionFlag


class InboxList(QListView):
    """The comment list: lazy model, two-line rows, multi-selection, an empty-state line."""

    def __init__(self, model: InboxModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxList")
        self.setModel(model)
        self.setItemDelegate(InboxDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.empty_text = ""

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.model().rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(24, 48, -24, 0),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, self.empty_text)


class InboxPage(QWidget):
    message = Signal(str)  # something to tell the person in the status bar

    def __init__(self, core: Core, bridge: CoreBridge, registry: Registry,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.model = InboxModel(core.store.reader, self)
        self.list = InboxList(self.model)
        self.thread = ThreadPane(core)
        self.thread.message.connect(self.message)
        self._place: tuple[InboxView, int | None, str] = (
            InboxView.NEEDS_REPLY, None, VIEW_TITLES[InboxView.NEEDS_REPLY])

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search comments   /")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(theme.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setMinimumWidth(200)
        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(4)

        self._search_timer = _single_shot(self, SEARCH_DELAY_MS, self.run_search)
        self._refresh_timer = _single_shot(self, REFRESH_DELAY_MS, self.refresh)
        self.search.textEdited.connect(lambda _: self._search_timer.start())
        bridge.inboxChanged.connect(self._refresh_timer.start)
        self.list.selectionModel().currentChanged.connect(
            lambda current, _: self.thread.show_comment(current.data(ID_ROLE)))
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_hint())
        self.model.modelReset.connect(self._update_hint)
        self._layout()
        self.setFocusProxy(self.list)
        self.commands = InboxCommands(self, registry)
        QWidget.setTabOrder(self.search, self.list)
        QWidget.setTabOrder(self.list, self.thread.browser)

    def _layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(8)
        header.addWidget(self.hint, 1)
        header.addWidget(self.search)
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(12, 10, 4, 0)
        column.setSpacing(8)
        column.addLayout(header)
        column.addLayout(self.toolbar)
        column.addWidget(self.list, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(panel)
        splitter.addWidget(self.thread)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # --- what is shown ------------------------------------------------------------------
    @property
    def searching(self) -> bool:
        return self.model.view is None

    def show_place(self, view: InboxView, post_id: int | None = None, title: str = "") -> None:
        """Show a view (optionally narrowed to one post) and select its first comment."""
        self._place = (view, post_id, title or VIEW_TITLES[view])
        self.search.clear()
        self.model.show_view(view, post_id)
        self.title.setText(self._place[2])
        self.list.empty_text = ("Nothing waiting here." if view in (
            InboxView.NEEDS_REPLY, InboxView.QUESTIONS, InboxView.MENTIONS)
            else "No comments here.")
        self.select_id(self.model.row_id(0) if self.model.rowCount() else None)

    def show_rows(self, rows: list[dict], title: str, empty_text: str,
                  select_all: bool = False) -> None:
        """Show a fixed result set (search results, a same-question group)."""
        self.model.show_rows(rows)
        self.title.setText(title)
        self.list.empty_text = empty_text
        self.select_id(self.model.row_id(0) if rows else None)
        if select_all:
            self.list.selectAll()

    def leave_results(self) -> None:
        """Back from a search or group to the view it started from."""
        self.show_place(*self._place)
        self.list.setFocus()

    def run_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip()
        if not text:
            if self.searching:
                self.show_place(*self._place)
            return

        def show(rows: list[dict]) -> None:
            if self.search.text().strip() == text:
                self.show_rows(rows, f"Search · {len(rows)}", f"No comments match “{text}”.")

        operations.run(self, self.core.search(text), on_done=show)

    def refresh(self) -> None:
        """Re-read the list; someone at the top stays at the top as new comments arrive."""
        self._refresh_timer.stop()
        at_top = self.list.currentIndex().row() <= 0
        self.model.refresh()
        if at_top and self.model.rowCount() and self.list.currentIndex().row() != 0:
            self.select_id(self.model.row_id(0))
        self.thread.reload()
        self._update_hint()

    # --- selection ----------------------------------------------------------------------
    def current_id(self) -> int | None:
        return self.list.currentIndex().data(ID_ROLE)

    def selected_ids(self) -> list[int]:
        """Selected comments in list order; the current one when nothing is selected."""
        rows = sorted(i.row() for i in self.list.selectionModel().selectedRows())
        ids = [self.model.row_id(r) for r in rows]
        current = self.current_id()
        return ids or ([current] if current is not None else [])

    def select_id(self, comment_id: int | None, flags: Flag = Flag.ClearAndSelect) -> None:
        row = None if comment_id is None else self.model.row_of(comment_id)
        if row is None:
            self.list.selectionModel().clear()
            self.thread.show_comment(None)
            return
        index = self.model.index(row)
        self.list.selectionModel().setCurrentIndex(index, flags)
        self.list.scrollTo(index)

    def move(self, step: int, extend: bool = False) -> None:
        """j/k (and Shift+J/K to grow the selection)."""
        row = self.list.currentIndex().row() + step
        if row >= self.model.rowCount() and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
        if 0 <= row < self.model.rowCount():
            self.select_id(self.model.row_id(row), Flag.Select if extend else Flag.ClearAndSelect)

    def next_after(self, ids: list[int]) -> int | None:
        """The comment to land on once ``ids`` leave the list: the next one, else the previous."""
        order = self.model.ids()
        gone = set(ids)
        places = [i for i, x in enumerate(order) if x in gone]
        if not places:
            return self.current_id()
        after = (x for x in order[max(places) + 1:] if x not in gone)
        before = (x for x in reversed(order[:min(places)]) if x not in gone)
        return next(after, None) or next(before, None)

    def _update_hint(self) -> None:
        count = len(self.list.selectionModel().selectedRows())
        self.hint.setText(f"{count:,} selected · r replies to all" if count > 1 else "")


def _single_shot(parent: QWidget, delay_ms: int, slot) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(delay_ms)
    timer.timeout.connect(slot)
    return timer
