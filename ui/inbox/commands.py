"""What the inbox keys do: move, select, open, reply, done, snooze, undo, search, and
"same question as this one".

Each handler reads the page, awaits one core call through ``ui.operations.run`` and
applies the result. After a triage action the list refreshes, the comments leave the
views they no longer belong to, the selection lands on the next comment (Superhuman
style) and the status bar says what happened and how to undo it.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from msgspec.structs import replace
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QToolButton

from app.domain import VIP_TIER_TITLES, InboxRow, Post, TriageState, VipTier
from app.text import plural, timefmt
from ui.actions import speak_button
from ui.inbox.group import Group, read_group
from ui.inbox.model import ROW_ROLE
from ui.inbox.selection import WholeView
from ui.operations import run

if TYPE_CHECKING:
    from ui.actions import Registry
    from ui.batch import ReplyComposer
    from ui.inbox.snooze import SnoozeMenu
    from ui.inbox.tier_menu import TierMenu
    from ui.inbox.view import InboxPage

#: (command, button text) for the buttons above the list.
BUTTONS = (
    ("inbox.reply", "Reply"),
    ("inbox.done", "Done"),
    ("inbox.snooze", "Snooze"),
    ("inbox.same_question", "Same question"),
    ("inbox.undo", "Undo"),
)


#: What a right click on a comment offers.
CONTEXT_MENU = (
    "inbox.reply",
    "inbox.done",
    "inbox.snooze",
    "inbox.same_question",
    "inbox.star",
    "inbox.person",
)


class InboxCommands:
    def __init__(self, page: InboxPage, registry: Registry) -> None:
        self.page = page
        self.core = page.core
        self.registry = registry
        self._landing: int | None = None  # where the list goes once a reply is queued
        self._tier_for: int | None = None  # the comment whose author the tier menu is for
        page.composerBuilt.connect(self._composer_built)
        handlers = {
            "inbox.next": lambda: page.move_by(1),
            "inbox.prev": lambda: page.move_by(-1),
            "inbox.extend_next": lambda: page.move_by(1, extend=True),
            "inbox.extend_prev": lambda: page.move_by(-1, extend=True),
            "inbox.toggle": self.toggle,
            "inbox.select_all": self.select_all,
            "inbox.open": self.open,
            "inbox.back": self.back,
            "inbox.reply": self.reply,
            "inbox.done": self.done,
            "inbox.snooze": self.snooze,
            "inbox.undo": self.undo,
            "inbox.same_question": self.same_question,
            "inbox.more_like_ticked": self.more_like_ticked,
            "inbox.search": self.search,
            "inbox.star": self.star,
            "inbox.set_tier": self.set_tier,
            "inbox.filter": self.open_filters,
            "inbox.clear_filters": self.clear_filters,
            "inbox.person": self.person,
        }
        actions = {name: registry.bind(page, name, handler) for name, handler in handlers.items()}
        page.list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        page.list.addActions([actions[name] for name in CONTEXT_MENU])
        page.thread_pane.add_tool(actions["inbox.person"], "Their page")
        filter_action = actions["inbox.filter"]
        filter_action.setIconText(f"Filter  {registry.command('inbox.filter').key_text}")
        page.filters.button.setDefaultAction(filter_action)
        speak_button(page.filters.button, "Filter", registry.command("inbox.filter"))
        #: The buttons above the list, in order (the page puts them in its Tab order).
        self.buttons: list[QToolButton] = []
        for name, text in BUTTONS:
            action = actions[name]
            action.setIconText(f"{text}  {registry.command(name).key_text}")
            button = QToolButton()
            button.setDefaultAction(action)
            speak_button(button, text, registry.command(name))
            page.toolbar.add(button)
            self.buttons.append(button)

    # --- moving and selecting -----------------------------------------------------------
    def toggle(self) -> None:
        self.page.toggle_current()

    def select_all(self) -> None:
        """Every comment in the view, loaded or not: the view's query and a snapshot bound
        (read off the UI thread), never its rows."""
        page, model = self.page, self.page.model
        if model.view is None or not model.canFetchMore(QModelIndex()):
            page.whole = None
            page.marked = True
            page.list.selectAll()  # everything is loaded already
            self._say_selected(model.rowCount())
            return
        view, post_id, generation, narrow = (
            model.view,
            model.post_id,
            model.generation,
            model.narrow,
        )

        def counted(found: tuple[int, int]) -> None:
            if model.generation != generation:
                return  # another view is showing by now
            max_id, count = found
            page.select_whole(WholeView(view, post_id, max_id, count, generation, narrow))
            self._say_selected(count)

        run(page, self.core.inbox.snapshot(view, post_id, narrow), on_done=counted)

    def _say_selected(self, count: int) -> None:
        self.page.message.emit(
            f"Selected {plural.count(count, 'comment')}. r replies to all, e marks all done."
        )

    def _composer_built(self, composer: ReplyComposer) -> None:
        composer.queued.connect(self._replies_queued)
        composer.closed.connect(self._composer_closed)
        select = self.page.list.selectionModel()
        select.selectionChanged.connect(self._selection_moved)
        select.currentChanged.connect(self._selection_moved)

    def _selection_moved(self, *_: object) -> None:
        """An open composer with nothing written follows the list (j, k, a click): its
        "To" names whoever the row shown is from, and a reply queued lands after them.
        The whole view (Ctrl+A) is a query, not rows: the composer stays as it is."""
        composer = self.page.composer_if_built
        if composer is None or self.page.whole is not None:
            return
        ids = self.page.selected_ids()
        if composer.selection_moved(ids):
            self._landing = self.page.next_after(ids)

    def open(self) -> None:
        composer = self.page.composer_if_built
        if self.page.search.hasFocus():
            self.page.run_search()
            self.page.list.setFocus()
        elif self.page.hits.list.hasFocus():
            self.page.hits.activate()
        elif composer is not None and composer.preview.hasFocus():  # Enter on a card
            composer.edit_copy()  # edits that person's copy
        else:
            self.page.thread_pane.browser.setFocus()

    def back(self) -> None:
        page = self.page
        composer = page.composer_if_built
        if (
            composer is not None
            and composer.isVisible()
            and composer.isAncestorOf(page.focusWidget())
        ):
            composer.close_keeping_draft()
        elif page.list.hasFocus() and page.clear_marks():
            page.message.emit("Selection cleared.")
        elif page.search.hasFocus() or (
            page.searching and (page.list.hasFocus() or page.hits.list.hasFocus())
        ):
            page.leave_results()
        elif page.list.hasFocus() and page.post_id is not None:
            page.clear_post()
        else:
            page.list.setFocus()

    def search(self) -> None:
        self.page.search.setFocus()
        self.page.search.selectAll()

    # The two popups are built (and their modules loaded) when first opened, not on the
    # way to the first painted inbox.

    @cached_property
    def snooze_menu(self) -> SnoozeMenu:
        """The snooze popup: later today, tomorrow, next Monday, or a time picked."""
        from ui.inbox.snooze import SnoozeMenu

        menu = SnoozeMenu(self.page)
        menu.chosen.connect(self._snooze_until)
        return menu

    @cached_property
    def tier_menu(self) -> TierMenu:
        """The popup that sets the current comment's author's VIP tier by hand."""
        from ui.inbox.tier_menu import TierMenu

        menu = TierMenu(self.page)
        menu.chosen.connect(self._set_tier)
        return menu

    # --- triage -------------------------------------------------------------------------
    def done(self) -> None:
        self._triage(TriageState.DONE, None, "Marked {} done.")

    def snooze(self) -> None:
        if not self._ids():
            return
        rect = self.page.list.visualRect(self.page.list.currentIndex())
        self.snooze_menu.open_at(self.page.list.viewport().mapToGlobal(rect.bottomLeft()))

    def _snooze_until(self, until: str) -> None:
        self._triage(TriageState.SNOOZED, until, f"Snoozed {{}} until {timefmt.until(until)}.")

    def undo(self) -> None:
        def undone(text: str | None) -> None:
            self.page.refresh(then=lambda: self.page.message.emit(text or "Nothing to undo."))

        run(self.page, self.core.inbox.undo(), on_done=undone)

    def reply(self) -> None:
        """Open the composer under the thread for the selected comments (continuing their
        reply drafts)."""
        if not self._ids():
            return
        self._landing = self.page.next_after(self.page.selected_ids())

        def chosen(ids: list[int]) -> None:
            if not ids:
                self.page.message.emit("Nothing left in this view to reply to.")
                return
            self.page.compose(ids)

        run(self.page, self.page.targets(), on_done=chosen)

    def _replies_queued(self, n: int) -> None:
        self.page.composer_closed()
        undo = self.registry.command("window.undo_send").key_text
        self._land(
            self._landing,
            f"Queued {plural.count(n, 'reply', 'replies')}; {undo} takes "
            f"{'them' if n > 1 else 'it'} back until {'they go' if n > 1 else 'it goes'} out.",
        )
        self.page.list.setFocus()

    def _composer_closed(self, text: str) -> None:
        self.page.composer_closed()
        self.page.list.setFocus()
        if text:
            self.page.message.emit(text)

    def same_question(self) -> None:
        current = self.page.current_id()
        if current is not None:
            self.open_group(current)

    def open_group(self, comment_id: int) -> None:
        """Everyone asking what ``comment_id`` asks, ranked (G, or a theme opened)."""
        run(self.page, read_group(self.core, comment_id), on_done=self.show_group)

    def more_like_ticked(self) -> None:
        """Rank the group shown again by its seed and every row ticked as asking the same.
        The answer is for the group and ticks as they were: if the person left the group
        meanwhile it is dropped, if they ticked or unticked rows it is asked for again."""
        page, model = self.page, self.page.model
        seed = model.seed
        if seed is None:
            page.message.emit("M works in a Same question group: open one with G.")
            return
        ticked = page.ticked_ids()
        if not [i for i in ticked if i != seed]:
            page.message.emit(
                "Tick the comments that ask the same (x or Space); M then finds more like them."
            )
            return
        marked = dict(model.marks)  # the ticked keep the marks they were shown with
        seen, generation = model.ids(), model.generation

        def again(group: Group) -> None:
            if model.generation != generation:
                return  # another group, view or search shows by now
            if page.ticked_ids() != ticked:
                self.more_like_ticked()  # ticks changed while it read: by the ticks now
                return
            kept = {i: marked[i] for i in ticked if i in marked}
            self.show_group(replace(group, marks={**kept, **group.marks}))

        run(page, read_group(self.core, seed, ticked, seen), on_done=again)

    def show_group(self, group: Group) -> None:
        self.page.show_group(group, f"Same question · {len(group.rows)}")
        self.page.list.setFocus()
        self.page.message.emit(group.message)

    def open_filters(self) -> None:
        """The Filter menu, with the networks the posts are on (read off the UI thread)."""

        def with_networks(posts: list[Post]) -> None:
            self.page.filters.networks = sorted({p.network for p in posts})
            self.page.filters.open_menu()

        run(self.page, self.core.inbox.posts(), on_done=with_networks)

    def clear_filters(self) -> None:
        if not self.page.filters.narrow.narrows() and self.page.filters.narrow.order is None:
            self.page.message.emit("No filters to clear.")
            return
        self.page.filters.clear()
        self.page.list.setFocus()
        self.page.message.emit("Filters cleared: every comment in the view shows.")

    def _current_row(self) -> InboxRow | None:
        row = self.page.list.currentIndex().data(ROW_ROLE)
        if not isinstance(row, InboxRow):
            self.page.message.emit("Select a comment first (j and k move).")
            return None
        return row

    def star(self) -> None:
        """Star the current comment's author, by hand a key person (or unstar a VIP, by
        hand not one): Fireside then tells you when they comment and sorts them first."""
        row = self._current_row()
        if row is not None:
            self._apply_tier(row.id, VipTier.KEY if not row.author_tier else VipTier.NONE)

    def set_tier(self) -> None:
        """Pick the current comment's author's VIP tier by hand, from a menu."""
        row = self._current_row()
        if row is None:
            return
        self._tier_for = row.id
        rect = self.page.list.visualRect(self.page.list.currentIndex())
        where = self.page.list.viewport().mapToGlobal(rect.bottomLeft())
        self.tier_menu.open_at(where, row.author_tier)

    def _set_tier(self, tier: VipTier) -> None:
        if self._tier_for is not None:
            self._apply_tier(self._tier_for, tier)

    def _apply_tier(self, comment_id: int, tier: VipTier) -> None:
        def said(name: str) -> None:
            text = (
                f"Starred {name}: {VIP_TIER_TITLES[tier].lower()}, sorted first; "
                "you will be told when they comment."
                if tier
                else f"Unstarred {name}: not a VIP (set by hand)."
            )
            self.page.refresh(then=lambda: self.page.message.emit(text))

        run(self.page, self.core.inbox.set_author_tier(comment_id, tier), on_done=said)

    def person(self) -> None:
        """The page of the current comment's author: everything they wrote, answers, notes."""
        row = self.page.list.currentIndex().data(ROW_ROLE)
        if not isinstance(row, InboxRow):
            self.page.message.emit("Select a comment first (j and k move).")
            return
        self.page.personChosen.emit(row.id)

    def _ids(self) -> list[int]:
        ids = self.page.selected_ids()
        if not ids:
            self.page.message.emit("Select a comment first (j and k move).")
        return ids

    def _triage(self, state: TriageState, until: str | None, template: str) -> None:
        if not self._ids():
            return
        landing = self.page.next_after(self.page.selected_ids())
        targets = self.page.targets()

        async def act() -> int:
            ids = await targets
            await self.core.inbox.set_triage(ids, state, until)
            return len(ids)

        run(
            self.page,
            act(),
            on_done=lambda n: self._land(
                landing, template.format(plural.count(n, "comment")) + " u undoes it."
            ),
        )

    def _land(self, comment_id: int | None, text: str) -> None:
        def landed() -> None:
            self.page.marked = False
            model = self.page.model
            if comment_id is None or model.row_of(comment_id) is None:
                self.page.select_id(model.row_id(0) if model.rowCount() else None)
            else:
                self.page.select_id(comment_id)
            self.page.message.emit(text)

        self.page.refresh(then=landed)
