"""The main window. It only composes: sidebar | (inbox, editor or outbox) in a splitter,
the status bar, and the window-wide keys. Every behaviour lives in the parts.

The editor and the outbox pages are built the first time they are shown or asked for:
the first paint needs the inbox only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QSplitter, QStackedWidget, QWidget

from app.domain import InboxView
from ui.actions import COMMANDS, HelpDialog, Registry
from ui.common import focus, screen
from ui.editor import EDITOR_COMMANDS, EditorPanel
from ui.inbox import InboxPage
from ui.outbox import OUTBOX_COMMANDS, OutboxPanel
from ui.sidebar import Place, PlaceKind, Sidebar
from ui.status import StatusBar

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from app.core import Core
    from ui.bridge import CoreBridge

VIEW_KEYS = (
    ("window.needs_reply", InboxView.NEEDS_REPLY),
    ("window.questions", InboxView.QUESTIONS),
    ("window.mentions", InboxView.MENTIONS),
    ("window.snoozed", InboxView.SNOOZED),
    ("window.done", InboxView.DONE),
    ("window.all", InboxView.ALL),
)


class MainWindow(QMainWindow):
    """Fireside's one window: the sidebar of places beside the page for the chosen place
    (inbox, editor or outbox), and the status bar.

    It wires the parts together and owns only the window-wide keys (Ctrl+1..8 go to a
    place, F5 syncs, ? shows every key). A sidebar choice arrives as a ``Place`` in ``go``;
    a post is a filter on the inbox views, so choosing a view keeps it until cleared. The
    keyboard starts in the inbox list, so j and k work as soon as the window opens.
    """

    def __init__(self, core: Core, bridge: CoreBridge) -> None:
        super().__init__()
        self.setWindowTitle("Fireside")
        self._core = core
        self._bridge = bridge
        self.registry = Registry(COMMANDS)
        self.sidebar = Sidebar(core, bridge)
        self.inbox = InboxPage(core, bridge, self.registry)
        self._editor: EditorPanel | None = None
        self._outbox: OutboxPanel | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self.inbox)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([max(260, self.sidebar.minimumWidth() + 40), 1020])
        self.setCentralWidget(splitter)
        self.status = StatusBar(core, bridge)
        self.setStatusBar(self.status)

        self.sidebar.placeChosen.connect(self.go)
        self.sidebar.entered.connect(self._focus_page)
        self.inbox.message.connect(self.status.say)
        self.inbox.linkShown.connect(self.status.show_hint)
        self.inbox.postFilterChanged.connect(self.sidebar.mark_post)
        self.inbox.postChosen.connect(self.open_post)
        self.inbox.draftChosen.connect(self.open_draft)
        self.status.outboxClicked.connect(lambda: self.sidebar.choose("outbox"))
        self._bind_keys(core)
        self._chain_tabs()
        self.sidebar.choose("inbox", InboxView.NEEDS_REPLY)
        screen.fit(self, 1280, 800)
        self.inbox.list.setFocus()  # takes effect when the window is first activated

    @property
    def editor(self) -> EditorPanel:
        """The editor page (built the first time it is needed)."""
        if self._editor is None:
            self._editor = EditorPanel(self._core, self._bridge)
            self._page_built(self._editor)
        return self._editor

    @property
    def outbox(self) -> OutboxPanel:
        """The outbox page (built the first time it is needed)."""
        if self._outbox is None:
            self._outbox = OutboxPanel(self._core, self._bridge)
            self._page_built(self._outbox)
        return self._outbox

    def _page_built(self, page: QWidget) -> None:
        self.pages.addWidget(page)
        self._chain_tabs()

    def _chain_tabs(self) -> None:
        """Tab follows the layout: sidebar, inbox, editor, outbox, status bar (the pages
        built so far)."""
        built = (page for page in (self._editor, self._outbox) if page is not None)
        focus.chain(
            self.sidebar,
            *self.inbox.tab_order(),
            *(widget for page in built for widget in page.tab_order()),
            *self.status.tab_order(),
        )

    def flush_editor(self) -> Awaitable[None] | None:
        """Save the editor's last keystrokes (None: nothing to save, or no editor yet)."""
        return None if self._editor is None else self._editor.flush()

    def go(self, place: Place) -> None:
        if place.kind is PlaceKind.INBOX:
            self.pages.setCurrentWidget(self.inbox)
            self.inbox.show_view(place.view)
        elif place.kind is PlaceKind.POST and place.post_id is not None:
            self.pages.setCurrentWidget(self.inbox)
            self.inbox.show_post(place.post_id, place.title)
        elif place.kind is PlaceKind.OUTBOX:
            self.pages.setCurrentWidget(self.outbox)
        else:
            self.pages.setCurrentWidget(self.editor)
            if place.draft_id is not None and place.draft_id != self.editor.draft_id:
                self.editor.open_draft(place.draft_id)

    def _focus_page(self) -> None:
        page = self.pages.currentWidget()
        for part in (self.inbox, self.editor, self.outbox):
            if page is part:
                part.take_focus()

    def open_post(self, post_id: int, title: str) -> None:
        """Show one post's comments (a search result was chosen), keyboard in the list."""
        if not self.sidebar.choose_post(post_id):
            self.go(Place(PlaceKind.POST, post_id=post_id, title=title))
        self.inbox.list.setFocus()

    def open_draft(self, draft_id: int) -> None:
        """Open a draft in the editor (a search result was chosen), keyboard in it."""
        if not self.sidebar.choose_draft(draft_id):
            self.go(Place(PlaceKind.DRAFT, draft_id=draft_id))
        self.editor.take_focus()

    def _bind_keys(self, core: Core) -> None:
        actions = {}

        def bind(name: str, handler) -> None:
            actions[name] = self.registry.bind(
                self, name, handler, Qt.ShortcutContext.WindowShortcut
            )

        def jump(kind: str, view: InboxView = InboxView.NEEDS_REPLY) -> None:
            self.sidebar.choose(kind, view)
            self._focus_page()

        def sync_now() -> None:
            core.sync_now()
            self.status.say("Syncing now…")

        for name, view in VIEW_KEYS:
            bind(name, lambda v=view: jump("inbox", v))
        bind("window.drafts", lambda: jump("drafts"))
        bind("window.outbox", lambda: jump("outbox"))
        bind("window.sidebar", self.sidebar.setFocus)
        bind("window.sync", sync_now)
        bind("window.help", self.show_help)
        bind("window.accounts", self.show_accounts)
        bind("window.settings", self.show_settings)
        bind("window.quit", self.close)
        menu = self.menuBar().addMenu("&Fireside")
        for name in ("window.accounts", "window.settings", "window.sync", "window.quit"):
            menu.addAction(actions[name])
        self.menuBar().addMenu("&Help").addAction(actions["window.help"])

    def show_accounts(self) -> None:
        from ui.accounts import AccountsDialog  # built on demand: rarely opened

        AccountsDialog(self._core, self._bridge, self).open()

    def show_settings(self) -> None:
        from ui.settings import SettingsDialog  # built on demand: rarely opened

        SettingsDialog(self._core, self._bridge, self).open()

    def show_help(self) -> HelpDialog:
        every = Registry([*self.registry, *EDITOR_COMMANDS, *OUTBOX_COMMANDS])
        dialog = HelpDialog(every, self)
        dialog.open()
        return dialog
