"""The sidebar: the inbox views with their counts, Drafts (each draft beneath it), the
Outbox with what is waiting to go out, and every post with its open comments. Posts come
last because there can be many; everything above them stays in sight.

Choosing a row emits ``placeChosen(Place)``; Enter or a click also emits ``entered`` so the
window can move the keyboard into that place. Counts are read through the core (off the
UI thread) whenever the inbox or the outbox changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from app.domain import VIEW_TITLES, InboxView
from app.store import drafts
from ui import theme
from ui.operations import run

if TYPE_CHECKING:
    from app.core import Core
    from ui.bridge import CoreBridge

PLACE_ROLE = Qt.ItemDataRole.UserRole + 1
REFRESH_DELAY_MS = 200
VIEW_ICONS = {InboxView.NEEDS_REPLY: "inbox", InboxView.QUESTIONS: "question",
              InboxView.MENTIONS: "mention", InboxView.SNOOZED: "snooze",
              InboxView.DONE: "done", InboxView.ALL: "all"}
#: Views whose count is work still to do; the others show theirs quietly.
ACTIONABLE = (InboxView.NEEDS_REPLY, InboxView.QUESTIONS, InboxView.MENTIONS)


@dataclass(frozen=True)
class Place:
    kind: str  # "inbox", "drafts" (the editor as it is), "draft" (one draft) or "outbox"
    view: InboxView = InboxView.NEEDS_REPLY
    post_id: int | None = None
    draft_id: int | None = None
    title: str = ""


class Sidebar(QTreeWidget):
    placeChosen = Signal(object)  # Place
    entered = Signal()

    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self.setObjectName("sidebar")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setIndentation(18)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        theme.quiet_selection(self)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._views = {view: self._entry(VIEW_TITLES[view], VIEW_ICONS[view],
                                         Place("inbox", view, title=VIEW_TITLES[view]))
                       for view in InboxView}
        self.drafts = self._entry("Drafts", "draft", Place("drafts", title="Drafts"))
        self.outbox = self._entry("Outbox", "outbox", Place("outbox", title="Outbox"))
        self._posts_header = self._heading("Posts")
        self._post_items: dict[int, QTreeWidgetItem] = {}
        self.counts: dict[InboxView, int] = {}  # as last read, for the views above
        self._draft_items: dict[int, QTreeWidgetItem] = {}
        self.addTopLevelItems([*self._views.values(), self.drafts, self.outbox,
                               self._posts_header])
        self.expandAll()

        self._current_at_press: QTreeWidgetItem | None = None
        self.currentItemChanged.connect(self._changed)
        self.itemActivated.connect(lambda *_: self.entered.emit())
        self.itemClicked.connect(self._clicked)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        bridge.inboxChanged.connect(self._timer.start)
        bridge.outboxChanged.connect(self.refresh_outbox)
        bridge.draftsChanged.connect(self.refresh_drafts)
        self.refresh()
        self.refresh_outbox()
        self.refresh_drafts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            theme.quiet_selection(self)  # the theme changed: tint for the new one
        super().changeEvent(event)

    # --- building rows ------------------------------------------------------------------
    @staticmethod
    def _entry(text: str, icon: str, place: Place) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text, ""])
        item.setIcon(0, theme.icon(icon))
        item.setData(0, PLACE_ROLE, place)
        item.setToolTip(0, text)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _heading(self, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text.upper(), ""])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not selectable; enabled so children are
        item.setForeground(0, self.palette().color(QPalette.ColorRole.PlaceholderText))
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.8, 7))
        font.setWeight(QFont.Weight.DemiBold)
        item.setFont(0, font)
        return item

    @staticmethod
    def _set_count(item: QTreeWidgetItem, count: int, loud: bool) -> None:
        item.setText(1, f"{count:,}" if count else "")
        font = item.font(1)
        font.setWeight(QFont.Weight.DemiBold if loud else QFont.Weight.Normal)
        item.setFont(1, font)
        if not loud:
            item.setForeground(1, item.treeWidget().palette().color(
                QPalette.ColorRole.PlaceholderText))

    # --- choosing -----------------------------------------------------------------------
    def choose(self, kind: str, view: InboxView = InboxView.NEEDS_REPLY) -> None:
        """Go to a place; choosing the current one again shows it afresh (ends a search)."""
        item = {"drafts": self.drafts, "outbox": self.outbox}.get(kind, self._views[view])
        if item is self.currentItem():
            self._changed(item, None)
        else:
            self.setCurrentItem(item)

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

    # --- counts -------------------------------------------------------------------------
    def refresh(self) -> None:
        run(self, self._core.counts(), on_done=self._show_counts)
        run(self, self._core.posts(), on_done=self._show_posts)

    def refresh_outbox(self) -> None:
        run(self, self._core.outbox_items(include_sent=False),
            on_done=lambda items: self._set_count(self.outbox, len(items), loud=True))

    def _show_counts(self, counts: dict[InboxView, int]) -> None:
        self.counts = counts
        for view, item in self._views.items():
            self._set_count(item, counts.get(view, 0), loud=view in ACTIONABLE)

    def refresh_drafts(self) -> None:
        run(self, self._core.store.read(drafts.list_drafts), on_done=self._show_drafts)

    def _show_posts(self, posts: list[dict]) -> None:
        for post in self._sync_children(self._posts_header, self._post_items, posts, "post"):
            self._set_count(self._post_items[post["id"]], post["open"], loud=True)

    def _show_drafts(self, rows: list[dict]) -> None:
        for draft in self._sync_children(self.drafts, self._draft_items, rows, "draft"):
            state = draft["state"].replace("_", " ")
            self._draft_items[draft["id"]].setText(1, "" if state == "draft" else state)

    def _sync_children(self, parent: QTreeWidgetItem, items: dict[int, QTreeWidgetItem],
                       rows: list[dict], kind: str) -> list[dict]:
        """Make ``parent``'s children match ``rows`` (same order), keeping existing items.

        Signals are held meanwhile: moving the current row must not "choose" anything.
        """
        current = self.currentItem()
        self.blockSignals(True)
        for gone in set(items) - {r["id"] for r in rows}:
            parent.removeChild(items.pop(gone))
        for position, row in enumerate(rows):
            title = row["title"] or f"Untitled {kind}"
            place = (Place("inbox", InboxView.NEEDS_REPLY, post_id=row["id"], title=title)
                     if kind == "post" else Place("draft", draft_id=row["id"], title=title))
            item = items.get(row["id"])
            if item is None:
                item = items[row["id"]] = self._entry(title, kind, place)
            if parent.indexOfChild(item) != position:
                parent.removeChild(item)
                parent.insertChild(position, item)
            item.setText(0, title)
            item.setToolTip(0, title)
            item.setData(0, PLACE_ROLE, place)
        parent.setExpanded(True)
        if current is not None and (current.parent() or self.indexOfTopLevelItem(current) >= 0):
            self.setCurrentItem(current)
        self.blockSignals(False)
        return rows
