"""The main window. It only composes: sidebar | (inbox, editor or outbox) in a splitter,
the status bar, and the window-wide keys. Every behaviour lives in the parts.

The editor, outbox and Shared inbox pages are built the first time they are shown or
asked for, the "For approval" page (whose count the sidebar shows) after the first paint:
the first paint needs the inbox only. Their modules, and the dialogs', load then too.
The sidebar reads its counts and posts once the inbox list has painted (``first_paint``).
"""

from __future__ import annotations

import asyncio
import importlib
from typing import TYPE_CHECKING, TypeAlias

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMainWindow, QSplitter, QStackedWidget, QWidget

from app.domain import DeletedDraft, InboxView, OutboxKind, TakenBack
from app.text import plural
from ui.actions import COMMANDS, CommandMenus, Registry, live_action
from ui.common import focus, screen
from ui.common.announce import Politeness
from ui.common.first_paint import FirstPaint
from ui.editor import EDITOR_COMMANDS, DraftDeletion, deleted_text
from ui.inbox import InboxPage
from ui.ledger import PeopleWindows
from ui.operations import run
from ui.outbox import OUTBOX_COMMANDS
from ui.presence import Presence
from ui.sidebar import Place, PlaceKind, Sidebar
from ui.status import StatusBar
from ui.workspace import APPROVAL_COMMANDS, SHARED_COMMANDS

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from app.core import Core
    from ui.actions import AboutDialog, CommandPalette, HelpDialog
    from ui.bridge import CoreBridge
    from ui.editor import EditorPanel
    from ui.outbox import OutboxPanel
    from ui.themes import ThemesPage
    from ui.workspace import ApprovalPanel, SharedInboxPanel

#: The smallest the window may be made (at the usual text size; more for larger text):
#: it fits a 1080p screen at 200% (960 x 540 logical pixels, less the task bar).
MINIMUM_WIDTH, MINIMUM_HEIGHT = 880, 500
#: A page built on demand (the inbox is always there).
Page: TypeAlias = "EditorPanel | OutboxPanel | ApprovalPanel | SharedInboxPanel | ThemesPage"

VIEW_KEYS = (
    ("window.needs_reply", InboxView.NEEDS_REPLY),
    ("window.vips", InboxView.VIPS),
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
        self._approval: ApprovalPanel | None = None
        self._shared: SharedInboxPanel | None = None
        self._themes: ThemesPage | None = None
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
        self.status.timesChanged.connect(self.inbox.times_changed)

        self.sidebar.placeChosen.connect(self.go)
        self.sidebar.entered.connect(self._focus_page)
        self.inbox.postFilterChanged.connect(self.sidebar.mark_post)
        self.inbox.postChosen.connect(self.open_post)
        self.inbox.draftChosen.connect(self.open_draft)
        self.people = PeopleWindows(core, bridge, self)  # person pages, scorecard, report
        self.inbox.personChosen.connect(self.people.open_person_of)
        self.inbox.composerBuilt.connect(lambda _: self._chain_tabs())
        self._connect_status(bridge)
        self.presence = Presence(core, bridge, self)
        self.sidebar.countsShown.connect(self.presence.show_counts)
        self.presence.said.connect(self.status.say)
        self._bind_keys(core)
        self._connect_deletion(core, bridge)
        self._chain_tabs()
        self.sidebar.choose("inbox", InboxView.NEEDS_REPLY)
        screen.set_minimum(self, MINIMUM_WIDTH, MINIMUM_HEIGHT)
        screen.fit(self, 1280, 800)
        self.inbox.list.setFocus()  # takes effect when the window is first activated
        #: The inbox list's first paint: what it does not need is read after it.
        self._places_loaded = False
        self.first_paint = FirstPaint(self.inbox.list.viewport())
        self.first_paint.painted.connect(self._load_places)
        self.first_paint.painted.connect(self.presence.start)

    def _connect_status(self, bridge: CoreBridge) -> None:
        """What the status bar says and the buttons on it."""
        for said in (self.inbox.message, self.people.said):
            said.connect(self.status.say)
        for problem in (bridge.workspaceProblem, bridge.directoryProblem):
            problem.connect(self.status.say)
        self.inbox.linkShown.connect(self.status.show_hint)
        self.status.outboxClicked.connect(lambda: self.sidebar.choose("outbox"))
        self.status.undoClicked.connect(self.undo_send)
        self.status.set_undo_key(self.registry.command("window.undo_send").key_text)

    def _connect_deletion(self, core: Core, bridge: CoreBridge) -> None:
        """Deleting drafts (the editor's key, the sidebar's, the menus) and bringing them
        back (the status bar's Undo, Deleted drafts…)."""
        self.deletion = DraftDeletion(core, bridge, self, self.registry, self._save_if_open)
        self.deletion.said.connect(self.status.say)
        self.deletion.deleted.connect(self._draft_deleted)
        self.deletion.restored.connect(self.open_draft)
        self.deletion.outboxWanted.connect(lambda: self.sidebar.choose("outbox"))
        self.sidebar.deleteDraftRequested.connect(self.deletion.delete)
        self.sidebar.deletedDraftsRequested.connect(self.deletion.show_deleted)

    def _save_if_open(self, draft_id: int) -> Awaitable[None] | None:
        """The save of the draft's last keystrokes, when it is open in the editor."""
        editor = self._editor
        return editor.autosave.save_now() if editor and editor.draft_id == draft_id else None

    def _draft_deleted(self, gone: DeletedDraft) -> None:
        """A deleted draft open in the editor closes, for the next draft (or the Drafts
        page); the status bar says so, with Undo."""
        if self._editor is not None and self._editor.draft_id == gone.id:
            after = self.sidebar.draft_after(gone.id)
            self._editor.close_draft()
            if after is None or not self.sidebar.choose_draft(after):
                self.sidebar.choose("drafts")
            if self.pages.currentWidget() is self._editor:
                self._editor.take_focus()
        key = self.registry.command("window.undo_delete_draft").key_text
        title = gone.title or "Untitled"
        self.status.offer(
            deleted_text(gone),
            f"Undo ({key})",
            f"Bring back the draft “{title}”",
            self.deletion.undo,
        )

    @property
    def editor(self) -> EditorPanel:
        """The editor page (built the first time it is needed)."""
        if self._editor is None:
            from ui.editor import EditorPanel

            self._editor = EditorPanel(self._core, self._bridge)
            self._editor.deleteRequested.connect(self.deletion.delete)
            self._page_built(self._editor)
        return self._editor

    @property
    def outbox(self) -> OutboxPanel:
        """The outbox page (built the first time it is needed)."""
        if self._outbox is None:
            from ui.outbox import OutboxPanel

            self._outbox = OutboxPanel(self._core, self._bridge)
            self._page_built(self._outbox)
        return self._outbox

    @property
    def approval(self) -> ApprovalPanel:
        """The "For approval" page (built after the first paint, for its count, or when
        first needed)."""
        if self._approval is None:
            from ui.workspace import ApprovalPanel

            self._approval = ApprovalPanel(self._core, self._bridge)
            self._approval.message.connect(self.status.say)
            self._approval.countChanged.connect(self.sidebar.show_approval_count)
            self._approval.countChanged.connect(self.presence.show_approvals)
            self._page_built(self._approval)
        return self._approval

    @property
    def shared(self) -> SharedInboxPanel:
        """The "Shared inbox" page (built the first time it is needed)."""
        if self._shared is None:
            from ui.workspace import SharedInboxPanel

            self._shared = SharedInboxPanel(self._core, self._bridge)
            self._shared.message.connect(self.status.say)
            self._page_built(self._shared)
        return self._shared

    @property
    def themes(self) -> ThemesPage:
        """The Themes page (built the first time it is needed)."""
        if self._themes is None:
            from ui.themes import ThemesPage

            self._themes = ThemesPage(self._core, self._bridge)
            self._themes.themeChosen.connect(self.open_group)
            self._page_built(self._themes)
        return self._themes

    def open_group(self, comment_id: int) -> None:
        """Show everyone asking what ``comment_id`` asks, in the inbox (a theme opened)."""
        self.pages.setCurrentWidget(self.inbox)
        self.sidebar.follow(self.inbox.view, self.inbox.post_id)
        self.inbox.commands.open_group(comment_id)

    def after_first_paint(self) -> None:
        """What the window needs soon but not for its first paint: the vectors of
        questions that have none yet (a store from before grouping: a backfill in the
        background), the themes' count, then the reply composer (so the first reply
        opens at once) and the "For approval" page, whose count the sidebar and the
        title show (``_build_ahead``)."""
        self._load_places()  # already, unless the window has not painted (minimised)
        self.presence.start()  # the same
        self._core.grouping.catch_up_soon()
        self.sidebar.count_themes()
        run(self, self._build_ahead())

    async def _build_ahead(self) -> None:
        """The composer and the "For approval" page, their modules imported on a worker
        thread and each built in a turn of the event loop of its own: built at once, on
        the window's thread, they held a key pressed just after the first paint for
        70-150 ms (imports about 50, the composer 30, the page 20)."""
        await asyncio.to_thread(_import_ahead)
        if self._still_open():
            self.inbox.composer  # noqa: B018 (built now, before it is needed)
        await asyncio.sleep(0)  # the events that came meanwhile go first
        if self._still_open():
            self.approval  # noqa: B018 (built for its count)

    def _still_open(self) -> bool:
        """Not closed while building ahead: a closed window is shutting the core down,
        and the For approval page would open the workspace as the store closes."""
        return shiboken6.isValid(self) and self.isVisible()

    def _load_places(self) -> None:
        """The sidebar's first reads (counts, posts, outbox, drafts), once."""
        if not self._places_loaded:
            self._places_loaded = True
            self.sidebar.load()

    def _built_pages(self) -> tuple[Page, ...]:
        pages = (self._editor, self._outbox, self._approval, self._shared, self._themes)
        return tuple(page for page in pages if page is not None)

    def _page_built(self, page: QWidget) -> None:
        self.pages.addWidget(page)
        self._chain_tabs()

    def _chain_tabs(self) -> None:
        """Tab follows the layout: sidebar, inbox, editor, outbox, For approval, Shared
        inbox, status bar (the pages built so far)."""
        focus.chain(
            self.sidebar,
            *self.inbox.tab_order(),
            *(widget for page in self._built_pages() for widget in page.tab_order()),
            *self.status.tab_order(),
        )

    def flush_editor(self) -> Awaitable[object] | None:
        """Save the last keystrokes of the editor and of the notes on people's pages
        (None: nothing to save)."""
        saving = [s for s in (self._editor and self._editor.flush(), self.people.flush()) if s]
        return asyncio.gather(*saving) if saving else None

    def go(self, place: Place) -> None:
        if place.kind is PlaceKind.INBOX:
            self.pages.setCurrentWidget(self.inbox)
            self.inbox.show_view(place.view)
        elif place.kind is PlaceKind.POST and place.post_id is not None:
            self.pages.setCurrentWidget(self.inbox)
            self.inbox.show_post(place.post_id, place.title)
        elif place.kind is PlaceKind.OUTBOX:
            self.pages.setCurrentWidget(self.outbox)
        elif place.kind is PlaceKind.APPROVAL:
            self.pages.setCurrentWidget(self.approval)
        elif place.kind is PlaceKind.SHARED:
            self.pages.setCurrentWidget(self.shared)
        elif place.kind is PlaceKind.THEMES:
            self.pages.setCurrentWidget(self.themes)
        else:
            self.pages.setCurrentWidget(self.editor)
            if place.draft_id is not None and place.draft_id != self.editor.draft_id:
                self.editor.open_draft(place.draft_id)

    def _focus_page(self) -> None:
        page = self.pages.currentWidget()
        for part in (self.inbox, *self._built_pages()):
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
        bind("window.for_approval", lambda: jump("approval"))
        bind("window.shared_inbox", lambda: jump("shared"))
        bind("window.themes", lambda: jump("themes"))
        bind("window.workspace", self.show_workspace)
        bind("window.sidebar", self.sidebar.setFocus)
        bind("window.sync", sync_now)
        bind("window.help", self.show_help)
        bind("window.accounts", self.show_accounts)
        bind("window.import_thread", self.show_import_thread)
        bind("window.import_vips", self.show_vip_import)
        bind("window.undo_vip_import", self.undo_vip_import)
        bind("window.snippets", self.show_snippets)
        bind("window.reply_by_hand", self.show_reply_by_hand)
        bind("window.settings", self.show_settings)
        bind("window.quit", self.close)
        bind("window.undo_send", self.undo_send)
        bind("window.new_draft", self.new_draft)
        bind("window.palette", self.show_palette)
        bind("window.about", self.show_about)
        bind("window.waiting", self.people.show_waiting)
        bind("window.scorecard", self.people.show_scorecard)
        bind("window.export_report", self.people.ask_export)
        self.menus = CommandMenus(self, self.menuBar(), self.commands())

    def commands(self) -> Registry:
        """Every command of the window and its pages, as the menus, help and palette list
        them."""
        from ui.byhand import BYHAND_COMMANDS

        return Registry(
            [
                *self.registry,
                *EDITOR_COMMANDS,
                *OUTBOX_COMMANDS,
                *APPROVAL_COMMANDS,
                *SHARED_COMMANDS,
                *BYHAND_COMMANDS,
            ]
        )

    def new_draft(self) -> None:
        """Ctrl+N, from anywhere: a new draft open in the editor, the keyboard in its title."""
        self.sidebar.choose("drafts")
        self.editor.new_draft()

    def show_palette(self) -> CommandPalette:
        from ui.actions import CommandPalette

        available = [c for c in self.commands() if live_action(self, c.name) is not None]
        palette = CommandPalette(available, self.menus.run, self)
        palette.open()
        return palette

    def show_about(self) -> AboutDialog:
        from ui.actions import AboutDialog

        dialog = AboutDialog(self)
        dialog.open()
        return dialog

    def undo_send(self) -> None:
        """Take back the newest replies or post still in the undo-send grace period: the
        replies reopen in the composer with their words, a post in the editor."""

        def taken(back: TakenBack) -> None:
            if back.kind is OutboxKind.PUBLISH and back.draft_id is not None:
                self.open_draft(back.draft_id)
                self.status.say("Took the post back before it went out; it is a draft again.")
                return
            self.pages.setCurrentWidget(self.inbox)
            self.inbox.compose(list(back.comment_ids))
            self.status.say(
                f"Took back {plural.count(back.count, 'reply', 'replies')} before "
                f"{'they' if back.count > 1 else 'it'} went out; the words are in the composer."
            )

        run(
            self,
            self._core.undo_send.undo(),
            on_done=taken,
            on_error=lambda exc: self.status.say(str(exc), Politeness.ASSERTIVE),
        )

    def show_accounts(self) -> None:
        from ui.accounts import AccountsDialog  # built on demand: rarely opened

        AccountsDialog(self._core, self._bridge, self).open()

    def show_workspace(self) -> None:
        from ui.workspace import WorkspaceDialog  # built on demand: rarely opened

        WorkspaceDialog(self._core, self._bridge, self).open()

    def show_import_thread(self) -> QDialog:
        from ui.byhand import ImportThreadDialog  # built on demand: rarely opened

        dialog = ImportThreadDialog(self._core, self)
        dialog.imported.connect(self.status.say)
        dialog.open()
        return dialog

    def show_vip_import(self) -> QDialog:
        from ui.vip_import import VipImportDialog  # built on demand: rarely opened

        dialog = VipImportDialog(self._core, self)
        dialog.applied.connect(self.status.say)
        dialog.open()
        return dialog

    def show_snippets(self) -> None:
        from ui.batch import SnippetsDialog

        SnippetsDialog(self._core, self._bridge, self).open()

    def undo_vip_import(self) -> None:
        from ui.vip_import import undo_last_list

        undo_last_list(self._core, self, self.status.say)

    def show_reply_by_hand(self) -> QDialog:
        from ui.byhand import ReplyByHandDialog  # built on demand

        dialog = ReplyByHandDialog(self._core, self)
        dialog.said.connect(self.status.say)
        dialog.open()
        return dialog

    def show_settings(self) -> None:
        from ui.settings import SettingsDialog  # built on demand: rarely opened

        SettingsDialog(self._core, self._bridge, self).open()

    def show_help(self) -> HelpDialog:
        from ui.actions import HelpDialog

        dialog = HelpDialog(self.commands(), self)
        dialog.open()
        return dialog


#: The modules of what ``MainWindow._build_ahead`` builds (none of them makes a Qt object
#: as it is imported, so a worker thread may import them).
BUILT_AHEAD = ("ui.batch", "ui.workspace.approval_panel")


def _import_ahead() -> None:
    for module in BUILT_AHEAD:
        importlib.import_module(module)
