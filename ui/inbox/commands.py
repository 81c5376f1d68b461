"""What the inbox keys do: move, select, open, reply, done, snooze, undo, search, and
"same question as this one".

Each handler reads the page, awaits one core call through ``ui.operations.run`` and
applies the result. After a triage action the list refreshes, the comments leave the
views they no longer belong to, the selection lands on the next comment (Superhuman
style) and the status bar says what happened and how to undo it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QToolButton

from app.domain import TriageState
from app.store.comments import view_page
from ui.batch.dialog import BatchReplyDialog
from ui.inbox import timefmt
from ui.inbox.model import rows_by_id
from ui.inbox.snooze import SnoozeMenu
from ui.operations import run

if TYPE_CHECKING:
    from app.core import Core
    from ui.actions.registry import Registry
    from ui.inbox.view import InboxPage

#: (command, button text) for the buttons above the list.
BUTTONS = (("inbox.reply", "Reply"), ("inbox.done", "Done"), ("inbox.snooze", "Snooze"),
           ("inbox.same_question", "Same question"), ("inbox.undo", "Undo"))


def _comments(n: int) -> str:
    return f"{n:,} comment{'s' * (n != 1)}"


async def same_question_rows(core: Core, comment_id: int) -> list[dict]:
    ids = await core.same_question(comment_id)
    return await core.store.read(rows_by_id, ids)


class InboxCommands:
    def __init__(self, page: InboxPage, registry: Registry) -> None:
        self.page = page
        self.core = page.core
        self.registry = registry
        self.snooze_menu = SnoozeMenu(page)
        self.snooze_menu.chosen.connect(self._snooze_until)
        handlers = {
            "inbox.next": lambda: page.move(1), "inbox.prev": lambda: page.move(-1),
            "inbox.extend_next": lambda: page.move(1, extend=True),
            "inbox.extend_prev": lambda: page.move(-1, extend=True),
            "inbox.toggle": self.toggle, "inbox.select_all": self.select_all,
            "inbox.open": self.open, "inbox.back": self.back, "inbox.reply": self.reply,
            "inbox.done": self.done, "inbox.snooze": self.snooze, "inbox.undo": self.undo,
            "inbox.same_question": self.same_question, "inbox.search": self.search,
        }
        actions = {name: registry.bind(page, name, handler) for name, handler in handlers.items()}
        for name, text in BUTTONS:
            action = actions[name]
            action.setIconText(f"{text}  {registry.command(name).key_text}")
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            page.toolbar.addWidget(button)
        page.toolbar.addStretch(1)

    # --- moving and selecting -----------------------------------------------------------
    def toggle(self) -> None:
        self.page.list.selectionModel().select(self.page.list.currentIndex(),
                                               QItemSelectionModel.SelectionFlag.Toggle)

    def select_all(self) -> None:
        """Every comment in the view, including the ones not loaded yet (read off-thread)."""
        model = self.page.model
        if model.view is None or not model.canFetchMore(QModelIndex()):
            self._all_selected()
            return

        def loaded(rows: list[dict]) -> None:
            model.append(rows)
            self._all_selected()

        rest = self.core.store.read(view_page, model.view, model.post_id, model.last_key(),
                                    1_000_000)
        run(self.page, rest, on_done=loaded)

    def _all_selected(self) -> None:
        self.page.list.selectAll()
        count = self.page.model.rowCount()
        self.page.message.emit(f"Selected {_comments(count)}. r replies to all, e marks all done.")

    def open(self) -> None:
        if self.page.search.hasFocus():
            self.page.run_search()
            self.page.list.setFocus()
        else:
            self.page.thread.browser.setFocus()

    def back(self) -> None:
        if self.page.search.hasFocus() or (self.page.searching and self.page.list.hasFocus()):
            self.page.leave_results()
        else:
            self.page.list.setFocus()

    def search(self) -> None:
        self.page.search.setFocus()
        self.page.search.selectAll()

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
            self.page.refresh()
            self.page.message.emit(text or "Nothing to undo.")

        run(self.page, self.core.undo_triage(), on_done=undone)

    def reply(self) -> None:
        ids = self._ids()
        if not ids:
            return
        landing = self.page.next_after(ids)
        dialog = BatchReplyDialog(self.core, self.registry, ids, self.page)
        dialog.queued.connect(lambda n: self._land(
            landing, f"Queued {n:,} repl{'y' if n == 1 else 'ies'}; "
                     "they go out with the next sync."))
        dialog.finished.connect(lambda _: self.page.list.setFocus())
        dialog.open()

    def same_question(self) -> None:
        current = self.page.current_id()
        if current is None:
            return

        def show(rows: list[dict]) -> None:
            self.page.show_rows(rows, f"Same question · {len(rows)}",
                                "Nobody else is waiting on this question.", select_all=True)
            self.page.list.setFocus()
            self.page.message.emit(f"{_comments(len(rows))} ask this. r replies to all of them; "
                                   "Esc goes back.")

        run(self.page, same_question_rows(self.core, current), on_done=show)

    def _ids(self) -> list[int]:
        ids = self.page.selected_ids()
        if not ids:
            self.page.message.emit("Select a comment first (j and k move).")
        return ids

    def _triage(self, state: TriageState, until: str | None, template: str) -> None:
        ids = self._ids()
        if not ids:
            return
        landing = self.page.next_after(ids)
        text = template.format(_comments(len(ids))) + " u undoes it."
        run(self.page, self.core.set_triage(ids, state, until),
            on_done=lambda _: self._land(landing, text))

    def _land(self, comment_id: int | None, text: str) -> None:
        self.page.refresh()
        self.page.select_id(comment_id)
        self.page.message.emit(text)
