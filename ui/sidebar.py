"""The sidebar: the inbox views with their counts, Drafts (each draft beneath it), the
Outbox with what is waiting to go out, and every post with its open comments. Posts come
last because there can be many; everything above them stays in sight. Each post is
marked with its network (the letter of its network's chip, in that chip's colour; the
network named in its tooltip and for screen readers).

Choosing a row emits ``placeChosen(Place)``; Enter or a click also emits ``entered`` so the
window can move the keyboard into that place. A post is a filter on the inbox views, not a
view of its own: while it is on, its row is marked (``mark_post``) whichever view is
chosen. Counts (the Themes row's: how many themes) are read through the core (off the UI
thread) when the inbox, the questions' vectors or the outbox change, at most once every
``REFRESH_DELAY_MS`` however often they change (every page of a sync), and only the rows
whose text changed are touched. A change that names its posts (a triage:
``InboxChanged.posts``) reads those posts' counts only; every post is read again only when
any may have changed (a sync page, a reply). The themes are counted again only when they
may have changed (``InboxChanged.themes``: not for a triage of comments none of which is a
question in a theme; new vectors). When another page hands the window to the
inbox (a theme opened as a group), ``follow`` moves the selection to the inbox's row
without choosing.

A draft's row can be deleted: Ctrl+Shift+Delete while it is chosen, or its context menu
(``deleteDraftRequested``); the Drafts row's context menu opens Deleted drafts
(``deletedDraftsRequested``). The window does the deleting (``ui.editor.deletion``).

For screen readers each row says its place and its count in one phrase, on both of its
cells ("Needs reply, 1,618"; "Town hall, on Blog, 40"; "Q3 letter, for review"), so a
count is never read out as a bare number and an empty count cell is never nameless.
"""

from __future__ import annotations

import enum
import itertools
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import msgspec
from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPixmap,
    QRegion,
)
from PySide6.QtWidgets import (
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.domain import VIEW_TITLES, DraftSummary, InboxView, OutboxItem, Post
from app.domain.grouping import Theme
from ui import theme
from ui.common import fonts
from ui.common.fill import fill
from ui.common.networks import network_icon, network_label
from ui.editor import editor_keys
from ui.operations import run

if TYPE_CHECKING:
    from app.core import Core
    from ui.bridge import CoreBridge

PLACE_ROLE = Qt.ItemDataRole.UserRole + 1
#: A title cell's look, changed with every change to it: the key of its painted pixmap.
LOOK_ROLE = Qt.ItemDataRole.UserRole + 2
#: A count cell: (text, loud) with loud True (bold), False (quiet) or None (plain).
COUNT_ROLE = Qt.ItemDataRole.UserRole + 3
#: The places' names most likely to be the widest (the sidebar never cuts them).
LONGEST_PLACES = ("Needs reply", "For approval", "Shared inbox")
#: How a row is named for screen readers before its count ("Needs reply", "Town hall, on
#: Blog"); the count is added to both cells' accessible text ("Needs reply, 1,618").
SPOKEN_ROLE = Qt.ItemDataRole.UserRole + 4
REFRESH_DELAY_MS = 200
SYNCING_DELAY_MS = 1000
#: Time one turn of the event loop may spend bringing post and draft rows up to date,
#: and how many rows it may change: those are repainted before the next slice.
SLICE_MS = 4.0
SLICE_ROWS = 12
COUNT_PAD = 14
COUNT_STEP = 12
#: Painted cells kept (a title cell is ~30 KB; the visible sidebar has some 80 cells).
CELLS_KEPT = 400
#: Time one paint may spend drawing new title cells through the style.
PAINT_BUDGET_MS = 1.5
#: Where a title's text starts in its plain look (after its icon's place).
TITLE_INDENT = 26

_DONE = object()  # what next() gives for a sidebar job that has finished
VIEW_ICONS = {
    InboxView.NEEDS_REPLY: "inbox",
    InboxView.VIPS: "vip",
    InboxView.QUESTIONS: "question",
    InboxView.MENTIONS: "mention",
    InboxView.SNOOZED: "snooze",
    InboxView.DONE: "done",
    InboxView.ALL: "all",
}
#: Views whose count is work still to do; the others show theirs quietly.
ACTIONABLE = (InboxView.NEEDS_REPLY, InboxView.VIPS, InboxView.QUESTIONS, InboxView.MENTIONS)


class PlaceKind(enum.StrEnum):
    """Where a sidebar row takes the window."""

    INBOX = "inbox"  # a view of the inbox
    POST = "post"  # the inbox narrowed to one post
    DRAFTS = "drafts"  # the editor as it is
    DRAFT = "draft"  # one draft in the editor
    OUTBOX = "outbox"
    APPROVAL = "approval"  # replies a delegate wrote, waiting for the principal
    SHARED = "shared"  # the workspace's shared inbox
    THEMES = "themes"  # open questions many people ask


class Place(msgspec.Struct, frozen=True):
    kind: PlaceKind
    view: InboxView = InboxView.NEEDS_REPLY
    post_id: int | None = None
    draft_id: int | None = None
    title: str = ""


class _Cells(QStyledItemDelegate):
    """Paints the sidebar cheaply; a sync changes its counts several times a second.

    A count is one line of plain text. A title cell (icon, text, elision, selection) goes
    through the style once and is kept as a pixmap, keyed by what it shows (``LOOK_ROLE``):
    through the style sheet every cell cost ~80 us, ~7 ms a repaint. New title cells (the
    posts arriving with a first sync) are drawn through the style for ``PAINT_BUDGET_MS``
    per paint; the rest show their title as plain text until the next frame. Cells outside
    the region being repainted are skipped: a changed count repaints its row, not its title.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._painted: OrderedDict[tuple, QPixmap] = OrderedDict()
        self._bold: QFont | None = None
        self._font_key = ""
        self._region: QRegion | None = None
        self._frame: tuple = (1.0, 0, True)
        self._deadline = 0.0
        self._drawn = 0
        #: Title cells left with their plain look in this paint: paint them again soon.
        self.deferred: list[QRect] = []

    def start_paint(self, view: QWidget, region: QRegion | None) -> None:
        """Before each paint: the region it covers (None: everything), a new budget, and
        what every cell of this paint shares (scale, palette) for the keys."""
        self._region = region
        palette = view.palette()
        self._frame = (view.devicePixelRatioF(), palette.cacheKey(), view.isActiveWindow())
        font = view.font()
        self._deadline = time.perf_counter() + PAINT_BUDGET_MS / 1000
        self._drawn = 0
        self.deferred = []
        if self._bold is None or self._font_key != font.key():  # the font changed size too
            self._bold, self._font_key = fonts.bold(font), font.key()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        rect = option.rect
        if self._region is not None and not self._region.intersects(rect):
            return  # outside what this paint covers: the clip would drop it anyway
        if index.column() == 1:  # a count: one line of text, cheaper drawn than kept
            self._paint_count(painter, option, rect, index.data(COUNT_ROLE) or ("", None))
            return
        key = (index.data(LOOK_ROLE), option.state.value, rect.width(), rect.height(), self._frame)
        pixmap = self._painted.get(key)
        if pixmap is not None:
            self._painted.move_to_end(key)
        elif self._drawn and self._region is not None and time.perf_counter() > self._deadline:
            self._paint_plain_title(painter, option, rect, index.data())
            self.deferred.append(QRect(rect))
            return
        else:
            pixmap = self._painted[key] = self._cell(option, index, rect.size(), self._frame[0])
            while len(self._painted) > CELLS_KEPT:
                self._painted.popitem(last=False)
            self._drawn += 1
        painter.drawPixmap(rect.topLeft(), pixmap)

    @staticmethod
    def _paint_plain_title(
        painter: QPainter, option: QStyleOptionViewItem, rect: QRect, title: str
    ) -> None:
        """A title's look for a frame: its text where the style puts it, no icon yet."""
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            fill(painter, rect, palette.color(QPalette.ColorRole.Highlight))
        painter.save()
        painter.setPen(
            palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
        )
        painter.drawText(
            rect.adjusted(TITLE_INDENT, 0, 0, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title or "",
        )
        painter.restore()

    def _cell(self, option: QStyleOptionViewItem, index, size, scale) -> QPixmap:
        """A title cell through the style (icon, text, elision, selection)."""
        pixmap = QPixmap(size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        local = QStyleOptionViewItem(option)
        local.rect = QRect(0, 0, size.width(), size.height())
        cell = QPainter(pixmap)
        try:
            super().paint(cell, local, index)
        finally:
            cell.end()
        return pixmap

    def _paint_count(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        rect: QRect,
        look: tuple[str, bool | None],
    ) -> None:
        """``loud``: True bold, False quiet (placeholder colour), None plain."""
        text, loud = look
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            fill(painter, rect, palette.color(QPalette.ColorRole.Highlight))
        if not text:
            return
        painter.save()
        painter.setFont(self._bold if loud and self._bold is not None else option.font)
        role = (
            QPalette.ColorRole.HighlightedText
            if selected
            else QPalette.ColorRole.PlaceholderText
            if loud is False
            else QPalette.ColorRole.Text
        )
        painter.setPen(palette.color(role))
        painter.drawText(
            rect.adjusted(0, 0, -COUNT_PAD // 2, 0),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
        painter.restore()


class Sidebar(QTreeWidget):
    placeChosen = Signal(object)  # Place
    entered = Signal()
    #: The inbox views' counts, each time they are read (the window's title follows).
    countsShown = Signal(object)  # Mapping[InboxView, int]
    #: Delete this draft (its id): its key or its context menu.
    deleteDraftRequested = Signal(int)
    #: Show Deleted drafts: the Drafts row's context menu.
    deletedDraftsRequested = Signal()

    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._cells = _Cells(self)
        self._metrics: tuple[str, QFontMetrics] | None = None  # the counts' font, measured
        self._set_up_view()
        self._views = {
            view: self._entry(
                VIEW_TITLES[view],
                VIEW_ICONS[view],
                Place(PlaceKind.INBOX, view, title=VIEW_TITLES[view]),
            )
            for view in InboxView
        }
        self.themes = self._entry("Themes", "question", Place(PlaceKind.THEMES, title="Themes"))
        self.drafts = self._entry("Drafts", "draft", Place(PlaceKind.DRAFTS, title="Drafts"))
        self.outbox = self._entry("Outbox", "outbox", Place(PlaceKind.OUTBOX, title="Outbox"))
        self.approval = self._entry(
            "For approval", "done", Place(PlaceKind.APPROVAL, title="For approval")
        )
        self.shared = self._entry(
            "Shared inbox", "inbox", Place(PlaceKind.SHARED, title="Shared inbox")
        )
        self._posts_header = self._heading("Posts")
        self._post_items: dict[int, QTreeWidgetItem] = {}
        self._marked_post: int | None = None
        self.counts: Mapping[InboxView, int] = {}  # as last read, for the views above
        self._draft_items: dict[int, QTreeWidgetItem] = {}
        #: What each child row shows, as last set: (position, title, count text) by id.
        self._shown: dict[str, dict[int, tuple[int, str, str]]] = {"post": {}, "draft": {}}
        #: Children being brought up to date, a slice per turn of the event loop.
        self._jobs: dict[str, Iterator[None]] = {}
        self._jobs_timer = QTimer(self, singleShot=True, interval=0)
        self._jobs_timer.timeout.connect(self._run_jobs)
        self._slice_ends = 0.0
        self._unfinished: list[QRect] = []  # title cells shown with their plain look
        self._finish_timer = QTimer(self, singleShot=True, interval=0)
        self._finish_timer.timeout.connect(self._finish_cells)
        self.addTopLevelItems(
            [
                *self._views.values(),
                self.themes,
                self.drafts,
                self.outbox,
                self.approval,
                self.shared,
                self._posts_header,
            ]
        )
        self.expandAll()

        self._current_at_press: QTreeWidgetItem | None = None
        self.currentItemChanged.connect(self._changed)
        self.itemActivated.connect(lambda *_: self.entered.emit())
        self.itemClicked.connect(self._clicked)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._syncing: set[str] = set()
        self._stale = False
        self._themes_counted = False
        self._themes_stale = False  # the themes may have changed since last counted
        #: Posts whose counts the next refresh reads; None: every post, and which there are.
        self._stale_posts: set[int] | None = None
        bridge.syncStarted.connect(self._syncing.add)
        bridge.syncFinished.connect(self._sync_finished)
        bridge.inboxChangedOn.connect(self.schedule_refresh)
        bridge.themesChanged.connect(self._themes_changed)
        bridge.questionsIndexed.connect(lambda *_: self._themes_changed())
        bridge.outboxChanged.connect(self.refresh_outbox)
        bridge.draftsChanged.connect(self.refresh_drafts)
        self._set_up_draft_actions()

    def load(self) -> None:
        """The first reads: the views' counts, the posts, the outbox and the drafts. The
        window asks once its inbox has painted (at a million comments the counts and the
        posts are the longest reads of the start, and the first paint needs neither)."""
        self.refresh()
        self.refresh_outbox()
        self.refresh_drafts()

    def _set_up_view(self) -> None:
        self.setViewport(QWidget())  # as the inbox list's (ui.inbox.view), for the start

        self.setObjectName("sidebar")
        self.setAccessibleName("Places")
        self.setAccessibleDescription(
            "Inbox views with their counts, drafts, the outbox and your posts with their "
            "open comments. Enter opens a place; Ctrl+0 comes back here."
        )
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setIndentation(18)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Always there (the posts nearly always overflow): appearing mid-sync, it narrowed
        # every title cell, which then had to be painted afresh.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        theme.quiet_selection(self)
        self.setItemDelegate(self._cells)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed, sized by ``_fit_count_column``: with ResizeToContents every changed count
        # re-measured every row (15 s for one refresh of 2,000 posts' counts).
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self._size_for_font()

    def _size_for_font(self) -> None:
        """Room for "8,888" in the count column from the start (each widening re-lays out
        every title beside it), and never so narrow that "Needs reply" and its count are
        cut (nor any other place's name): the sidebar keeps that much when the window is
        small or the text large."""
        count = self._count_metrics().horizontalAdvance("8,888") + COUNT_PAD
        self.header().resizeSection(1, max(count, self.header().sectionSize(1)))
        longest = max(self.fontMetrics().horizontalAdvance(name) for name in LONGEST_PLACES)
        title = longest + TITLE_INDENT + 16
        scroll = self.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(title + self.header().sectionSize(1) + scroll)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # the system's text size changed
            self._size_for_font()
            if hasattr(self, "_shown"):  # built: every count measured in the new font
                self._fit_count_column()
        if event.type() == QEvent.Type.PaletteChange:
            theme.quiet_selection(self)  # the theme changed: tint for the new one
            header = getattr(self, "_posts_header", None)  # None while being built
            if header is not None:
                header.setForeground(0, self.palette().color(QPalette.ColorRole.PlaceholderText))
                _touch(header)
        super().changeEvent(event)

    def paintEvent(self, event) -> None:
        self._cells.start_paint(self.viewport(), event.region())
        super().paintEvent(event)
        if self._cells.deferred:  # some titles got their plain look: finish them next frame
            self._unfinished += self._cells.deferred
            self._finish_timer.start()
        self._cells.start_paint(self.viewport(), None)  # other painters (grab): everything

    def _finish_cells(self) -> None:
        rects, self._unfinished = self._unfinished, []
        for rect in rects:
            self.viewport().update(rect)

    # --- building rows ------------------------------------------------------------------
    @staticmethod
    def _entry(text: str, icon: str, place: Place) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text, ""])
        item.setIcon(0, theme.icon(icon))
        item.setData(0, PLACE_ROLE, place)
        item.setToolTip(0, text)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        _speak(item, text)
        _touch(item)
        return item

    def _heading(self, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text.upper(), ""])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not selectable; enabled so children are
        item.setForeground(0, self.palette().color(QPalette.ColorRole.PlaceholderText))
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.8, 7))
        font.setWeight(QFont.Weight.DemiBold)
        item.setFont(0, font)
        _speak(item, text)  # in its own case: an upper-case heading may be spelt out
        _touch(item)
        return item

    @staticmethod
    def _set_count(item: QTreeWidgetItem, count: int, loud: bool) -> None:
        """Each change repaints the sidebar, so only what differs is set."""
        _set_text(item, 1, f"{count:,}" if count else "", loud)

    # --- choosing -----------------------------------------------------------------------
    def choose(self, kind: str, view: InboxView = InboxView.NEEDS_REPLY) -> None:
        """Go to a place; choosing the current one again shows it afresh (ends a search)."""
        places = {
            "drafts": self.drafts,
            "outbox": self.outbox,
            "approval": self.approval,
            "shared": self.shared,
            "themes": self.themes,
        }
        item = places.get(kind, self._views[view])
        if item is self.currentItem():
            self._changed(item, None)
        else:
            self.setCurrentItem(item)

    def follow(self, view: InboxView, post_id: int | None) -> None:
        """Mark where the window went without going there again: the inbox took over from
        another page (a theme opened as a group), in ``view`` narrowed to ``post_id``."""
        item = self._post_items.get(post_id) if post_id is not None else None
        item = item or self._views[view]
        if item is not self.currentItem():
            self.blockSignals(True)  # the inbox is already there: nothing is chosen again
            try:
                self.setCurrentItem(item)
            finally:
                self.blockSignals(False)

    def choose_post(self, post_id: int) -> bool:
        """Narrow the inbox to this post, as a click on its row does; False if not listed."""
        return self._choose_child(self._post_items.get(post_id))

    def choose_draft(self, draft_id: int) -> bool:
        """Open this draft, as a click on its row does; False if not listed."""
        return self._choose_child(self._draft_items.get(draft_id))

    def _choose_child(self, item: QTreeWidgetItem | None) -> bool:
        if item is None:
            return False
        if item is self.currentItem():
            self._changed(item, None)
        else:
            self.setCurrentItem(item)
        return True

    def mark_post(self, post_id: int | None) -> None:
        """Show which post filters the inbox (bold, the accent colour), or none."""
        before, self._marked_post = self._marked_post, post_id
        if before is not None and before in self._post_items:
            self._mark(self._post_items[before], False)
        if post_id is not None and post_id in self._post_items:
            self._mark(self._post_items[post_id], True)

    def _mark(self, item: QTreeWidgetItem, on: bool) -> None:
        font = item.font(0)
        if font.bold() != on:
            font.setBold(on)
            item.setFont(0, font)
            item.setForeground(
                0,
                self.palette().color(QPalette.ColorRole.Link)
                if on
                else self.palette().color(QPalette.ColorRole.Text),
            )
            _touch(item)

    def mousePressEvent(self, event) -> None:
        self._current_at_press = self.currentItem()
        super().mousePressEvent(event)

    def _clicked(self, item: QTreeWidgetItem) -> None:
        if item is self._current_at_press:  # a click on the current row: show it afresh
            self._changed(item, None)
        self.entered.emit()

    def _changed(self, item: QTreeWidgetItem | None, _previous) -> None:
        place = item.data(0, PLACE_ROLE) if item is not None else None
        if place is not None:
            self.placeChosen.emit(place)

    # --- deleting drafts -----------------------------------------------------------------
    def _set_up_draft_actions(self) -> None:
        self.delete_draft_action = editor_keys.bind(
            self,
            "editor.delete_draft",
            self._delete_current_draft,
            Qt.ShortcutContext.WidgetShortcut,
        )
        self.delete_draft_action.setEnabled(False)
        self.currentItemChanged.connect(
            lambda item, _: self.delete_draft_action.setEnabled(self._draft_of(item) is not None)
        )
        self.context_menu: QMenu | None = None  # the last one opened

    @staticmethod
    def _draft_of(item: QTreeWidgetItem | None) -> int | None:
        place = item.data(0, PLACE_ROLE) if item is not None else None
        return place.draft_id if place is not None else None

    def _delete_current_draft(self) -> None:
        draft_id = self._draft_of(self.currentItem())
        if draft_id is not None:
            self.deleteDraftRequested.emit(draft_id)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # Qt override
        """A draft's row: Delete draft (with its key) and Deleted drafts…; the Drafts row:
        Deleted drafts… From the keyboard (the Menu key, Shift+F10): the current row's."""
        if event.reason() is QContextMenuEvent.Reason.Keyboard:
            item = self.currentItem()
            at = self.visualItemRect(item).bottomLeft() if item is not None else QPoint()
        else:
            at = event.pos()
            item = self.itemAt(at)
        draft_id = self._draft_of(item)
        if draft_id is None and item is not self.drafts:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if draft_id is not None:
            delete = menu.addAction(self.delete_draft_action.text())
            delete.setShortcut(self.delete_draft_action.shortcut())
            delete.triggered.connect(lambda: self.deleteDraftRequested.emit(draft_id))
        menu.addAction("Deleted drafts…").triggered.connect(self.deletedDraftsRequested)
        self.context_menu = menu
        menu.popup(self.viewport().mapToGlobal(at))

    def draft_after(self, draft_id: int) -> int | None:
        """The draft listed after this one (else the nearest before it), to move to once
        it is deleted; None when it is the only one."""
        ids = [self._draft_of(self.drafts.child(i)) for i in range(self.drafts.childCount())]
        if draft_id not in ids:
            return None
        at = ids.index(draft_id)
        others = [*ids[at + 1 :], *reversed(ids[:at])]
        return others[0] if others else None

    # --- counts -------------------------------------------------------------------------
    def schedule_refresh(self, posts: frozenset[int] | None = None) -> None:
        """The inbox changed (on ``posts``, or anywhere when None): read the counts soon,
        once for any number of changes (and while a sync pulls page after page, once a
        second: the list matters more then)."""
        if posts is None:
            self._stale_posts = None
        elif self._stale_posts is not None:
            self._stale_posts |= posts
        if not self.isVisible():  # closed: read them when shown again
            self._stale = True
        elif not self._timer.isActive():
            self._timer.start(SYNCING_DELAY_MS if self._syncing else REFRESH_DELAY_MS)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.schedule_refresh()

    def _sync_finished(self, account_id: str, _error: object) -> None:
        self._syncing.discard(account_id)
        if not self._syncing and self._timer.isActive():
            self._timer.start(REFRESH_DELAY_MS)  # the final counts now

    def refresh(self) -> None:
        """Read the views' counts, and the posts' counts where they may have changed."""
        stale, self._stale_posts = self._stale_posts, set()
        run(self, self._core.inbox.counts(), on_done=self._show_counts)
        if stale is None or "post" in self._jobs or not stale <= self._post_items.keys():
            run(self, self._core.inbox.posts(), on_done=self._show_posts)
        elif stale:
            asked = frozenset(stale)
            run(
                self,
                self._core.inbox.open_counts(asked),
                on_done=lambda counts: self._show_open(asked, counts),
            )
        if self._themes_counted and self._themes_stale:
            self.count_themes()

    def _themes_changed(self) -> None:
        """What the themes are made of changed (questions came, changed, were answered or
        triaged; new vectors): count them again with the next refresh. No post's counts
        change with this alone."""
        self._themes_stale = True
        self.schedule_refresh(frozenset())

    def count_themes(self) -> None:
        """Count the themes, and from now on whenever they may have changed (after the
        window's first paint: the grouping's numpy loads with the first count, not on the
        way to the first painted inbox)."""
        self._themes_counted = True
        self._themes_stale = False
        run(self, self._core.grouping.themes(), on_done=self._show_themes)

    def _show_themes(self, themes: list[Theme]) -> None:
        """How many themes the open questions make (quiet: their comments are counted in
        Needs reply and Questions already)."""
        self._set_count(self.themes, len(themes), loud=False)
        self._fit_count_column(changed=())

    def refresh_outbox(self) -> None:
        def show(items: list[OutboxItem]) -> None:
            self._set_count(self.outbox, len(items), loud=True)
            self._fit_count_column(changed=())

        run(self, self._core.outbox.items(include_sent=False), on_done=show)

    def show_approval_count(self, count: int) -> None:
        """How many replies wait for the principal's approval (the page reads them)."""
        self._set_count(self.approval, count, loud=True)

    def _show_counts(self, counts: Mapping[InboxView, int]) -> None:
        self.counts = counts
        for view, item in self._views.items():
            self._set_count(item, counts.get(view, 0), loud=view in ACTIONABLE)
        self._fit_count_column(changed=())
        self.countsShown.emit(counts)

    def refresh_drafts(self) -> None:
        run(self, self._core.drafts.summaries(), on_done=self._show_drafts)

    def _show_posts(self, posts: list[Post]) -> None:
        counts = [f"{p.open:,}" if p.open else "" for p in posts]
        self._start(
            "post",
            self._sync_children(
                self._posts_header, self._post_items, posts, PlaceKind.POST, counts
            ),
        )

    def _show_open(self, asked: frozenset[int], counts: Mapping[int, int]) -> None:
        """New counts of the posts ``asked`` about (``refresh``); if one has gone or is not
        listed (any more), every post is read."""
        if "post" in self._jobs or counts.keys() != asked or not asked <= self._post_items.keys():
            self.schedule_refresh(None)
            return
        shown = self._shown["post"]
        texts = []
        for post_id, count in counts.items():
            text = f"{count:,}" if count else ""
            _set_text(self._post_items[post_id], 1, text, True)
            position, title, _ = shown[post_id]
            shown[post_id] = (position, title, text)
            texts.append(text)
        self._fit_count_column(changed=texts)

    def _show_drafts(self, rows: list[DraftSummary]) -> None:
        states = [r.state.replace("_", " ") for r in rows]
        self._start(
            "draft",
            self._sync_children(
                self.drafts,
                self._draft_items,
                rows,
                PlaceKind.DRAFT,
                ["" if s == "draft" else s for s in states],
            ),
        )

    @property
    def updating(self) -> bool:
        """Rows are still being brought up to date (a slice per turn of the loop)."""
        return bool(self._jobs)

    def _start(self, kind: str, job: Iterator[None]) -> None:
        """Replace what was being done for ``kind`` by ``job``, and start on it now."""
        self._jobs[kind] = job
        self._run_jobs()

    def _run_jobs(self) -> None:
        """One slice (``SLICE_MS``) of the jobs; the timer brings the next turn's slice."""
        self._slice_ends = time.perf_counter() + SLICE_MS / 1000
        current = self.currentItem()
        self.blockSignals(True)  # moving the current row must not "choose" anything
        try:
            for kind, job in list(self._jobs.items()):
                if next(job, _DONE) is _DONE:
                    del self._jobs[kind]
                if time.perf_counter() > self._slice_ends:
                    break
        finally:
            if (
                current is not None
                and self.currentItem() is not current
                and (current.parent() or self.indexOfTopLevelItem(current) >= 0)
            ):
                self.setCurrentItem(current)
            self.blockSignals(False)
        if self._jobs:
            self._jobs_timer.start()
        else:
            self._fit_count_column()

    def _count_metrics(self) -> QFontMetrics:
        """The count font's metrics, kept while the font stays: metrics made anew for every
        refresh cost a font look-up once Qt has let the unused font go (180 ms measured
        during a send, with the counts changing each second)."""
        key = self.font().key()
        if self._metrics is None or self._metrics[0] != key:
            self._metrics = (key, QFontMetrics(fonts.bold(self.font())))
        return self._metrics[1]

    def _fit_count_column(self, changed: Iterable[str] | None = None) -> None:
        """Widen the count column for its widest text (the longest ones are measured), in
        steps and never narrower: each change re-lays out every title beside it. With
        ``changed`` (the posts' and drafts' counts just set; () for none), only those and
        the places' counts: the column never narrows, so every other count fits already
        (going through the 2,000 posts' counts for each triage cost ~1 ms)."""
        tops = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        texts = {item.text(1) for item in tops if item is not None}
        if changed is None:
            for shown in self._shown.values():
                texts.update(count for _, _, count in shown.values())
        else:
            texts.update(changed)
        metrics = self._count_metrics()
        longest = sorted(texts, key=len)[-6:]
        width = max((metrics.horizontalAdvance(t) for t in longest), default=0) + COUNT_PAD
        width = -(-width // COUNT_STEP) * COUNT_STEP
        if width > self.header().sectionSize(1):
            self.header().resizeSection(1, width)

    @staticmethod
    def _place(kind: PlaceKind, row: Post | DraftSummary, title: str) -> Place:
        if kind is PlaceKind.POST:
            return Place(kind, post_id=row.id, title=title)
        return Place(kind, draft_id=row.id, title=title)

    def _sync_children(
        self,
        parent: QTreeWidgetItem,
        items: dict[int, QTreeWidgetItem],
        rows: Sequence[Post | DraftSummary],
        kind: PlaceKind,
        counts: list[str],
    ) -> Iterator[None]:
        """Make ``parent``'s children match ``rows`` (same order) with ``counts`` in the
        second column, keeping existing items and touching only those that changed; pauses
        (yields) whenever the slice's time or rows are used up, so the rows changed so far are
        painted in a frame of their own. A sync refreshes these every few hundred
        milliseconds, and there can be thousands of posts."""
        shown = self._shown[kind]
        changed = 0
        for gone in set(items) - {r.id for r in rows}:
            parent.removeChild(items.pop(gone))
            shown.pop(gone, None)
        for position, (row, count) in enumerate(zip(rows, counts, strict=True)):
            title = row.title or f"Untitled {kind}"
            wanted = (position, title, count)
            if shown.get(row.id) == wanted:
                continue
            changed += 1
            if changed % SLICE_ROWS == 0 or time.perf_counter() > self._slice_ends:
                yield  # the rows changed so far are painted before the next slice
            item = items.get(row.id)
            if item is None:
                item = items[row.id] = self._new_child(kind, row, title)
            if parent.child(position) is not item:
                parent.removeChild(item)
                parent.insertChild(position, item)
            if item.text(0) != title:
                self._retitle(item, kind, row, title)
            _set_text(item, 1, count, True if kind is PlaceKind.POST else None)
            shown[row.id] = wanted
        if not parent.isExpanded():
            parent.setExpanded(True)

    def _new_child(self, kind: PlaceKind, row: Post | DraftSummary, title: str) -> QTreeWidgetItem:
        """The entry for a post or draft not shown yet; a post's has its count, its mark
        (if it is the post the inbox shows) and its network's icon."""
        item = self._entry(title, kind, self._place(kind, row, title))
        if isinstance(row, Post):
            self._set_count(item, 0, loud=True)
            self._mark(item, row.id == self._marked_post)
            item.setIcon(0, network_icon(row.network))
            _label_post(item, title, row)
        return item

    def _retitle(
        self, item: QTreeWidgetItem, kind: PlaceKind, row: Post | DraftSummary, title: str
    ) -> None:
        item.setText(0, title)
        if isinstance(row, Post):
            _label_post(item, title, row)
        else:
            item.setToolTip(0, title)
            _speak(item, title)
        item.setData(0, PLACE_ROLE, self._place(kind, row, title))
        _touch(item)


def _label_post(item: QTreeWidgetItem, title: str, row: Post) -> None:
    """Name the post's network in its tooltip and for screen readers."""
    network = network_label(row.network)
    item.setToolTip(0, f"{title}\nOn {network}")
    _speak(item, f"{title}, on {network}")


def _set_text(item: QTreeWidgetItem, column: int, text: str, loud: bool | None = None) -> None:
    """Set a count cell's text and its look (for ``_Cells``), and the row's spoken name."""
    if item.data(column, COUNT_ROLE) != (text, loud):
        item.setData(column, COUNT_ROLE, (text, loud))
        item.setText(column, text)
        _speak(item)


def _speak(item: QTreeWidgetItem, name: str | None = None) -> None:
    """The row's accessible text, on both cells: its ``name`` (kept from before when
    None) and its count or state."""
    if name is not None:
        item.setData(0, SPOKEN_ROLE, name)
    spoken = item.data(0, SPOKEN_ROLE) or item.text(0)
    count = item.text(1)
    phrase = f"{spoken}, {count}" if count else spoken
    for column in (0, 1):
        if item.data(column, Qt.ItemDataRole.AccessibleTextRole) != phrase:
            item.setData(column, Qt.ItemDataRole.AccessibleTextRole, phrase)


_looks = itertools.count(1)


def _touch(item: QTreeWidgetItem) -> None:
    """Note that a title cell's look changed (text, font, colour, icon)."""
    item.setData(0, LOOK_ROLE, next(_looks))
