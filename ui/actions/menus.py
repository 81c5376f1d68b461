"""The menu bar (File, Edit, View, Go, Message, Help), made from the command registry:
every command is an entry with its keys, in the menu its name says, so the menus, the
'?' help and the command palette list exactly the same commands.

An entry runs the command's live action: the QAction some widget of the window bound for
that command (``Registry.bind``), where the keyboard is or on the page showing. Entries
whose command has no live action now (an inbox key while the editor shows) are greyed
when the menu opens. The keys are shown, not bound, by the entries: the widgets' own
actions keep them, so a key never has two owners.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from ui.actions.registry import Command

#: The menus, in order, with their mnemonic.
MENUS = ("&File", "&Edit", "&View", "&Go", "&Message", "&Help")
#: Where a command goes when its name says nothing more specific (by name prefix).
BY_PREFIX = {
    "window.": "&Go",
    "inbox.": "&Message",
    "batch.": "&Message",
    "outbox.": "&Message",
    "editor.": "&File",
    "text.": "&Edit",
    "approval.": "&Message",
    "shared.": "&Message",
    "import.": "&File",
    "handoff.": "&Message",
}
#: Commands whose menu is not their prefix's.
BY_NAME = {
    "window.new_draft": "&File",
    "window.deleted_drafts": "&File",
    "window.undo_delete_draft": "&Edit",
    "editor.save_version": "&File",
    "editor.publish": "&File",
    "editor.history": "&File",
    "window.accounts": "&File",
    "window.workspace": "&File",
    "window.undo_send": "&Edit",
    "window.import_thread": "&Message",
    "window.reply_by_hand": "&Message",
    "window.settings": "&File",
    "window.import_vips": "&File",
    "window.snippets": "&File",
    "batch.snippet": "&Edit",
    "window.undo_vip_import": "&File",
    "window.quit": "&File",
    "window.export_report": "&File",
    "inbox.star": "&Message",
    "inbox.undo": "&Edit",
    "inbox.toggle": "&Edit",
    "inbox.select_all": "&Edit",
    "inbox.extend_next": "&Edit",
    "inbox.extend_prev": "&Edit",
    "inbox.search": "&Edit",
    "outbox.save_edit": "&Edit",
    "outbox.discard_edit": "&Edit",
    "batch.first_name": "&Edit",
    "batch.name": "&Edit",
    "batch.question": "&Edit",
    "editor.bold": "&Edit",
    "editor.italic": "&Edit",
    "editor.link": "&Edit",
    "editor.heading": "&Edit",
    "editor.bullets": "&Edit",
    "editor.numbers": "&Edit",
    "editor.image": "&Edit",
    "window.palette": "&View",
    "window.sidebar": "&View",
    "window.sync": "&View",
    "inbox.next": "&Go",
    "inbox.prev": "&Go",
    "inbox.open": "&Go",
    "inbox.back": "&Go",
    "window.help": "&Help",
    "window.about": "&Help",
}


def menu_of(command: Command) -> str:
    """The menu a command is listed in."""
    if command.name in BY_NAME:
        return BY_NAME[command.name]
    prefix = next((p for p in BY_PREFIX if command.name.startswith(p)), None)
    return BY_PREFIX[prefix] if prefix else "&Edit"


def entry_text(command: Command) -> str:
    """ "Label<Tab>Keys": a menu shows the part after the tab as the entry's keys."""
    first = command.key_text.split(" or ")[0]
    return f"{command.label}\t{first}" if first else command.label


def live_action(window: QWidget, name: str) -> QAction | None:
    """The action bound for ``name`` that a key press would run now: on the widget with
    the keyboard (or holding it), else on a widget showing (for actions that need not
    have the keyboard)."""
    focused = window.focusWidget()  # the window's, even while a menu or dialog is up
    showing = []
    for action in window.findChildren(QAction, name):
        owner = action.parent()
        if not isinstance(owner, QWidget) or not owner.isVisible() or not action.isEnabled():
            continue
        if focused is not None and (owner is focused or owner.isAncestorOf(focused)):
            return action
        if action.shortcutContext() != Qt.ShortcutContext.WidgetShortcut:
            showing.append(action)
    return showing[0] if showing else None


class CommandMenus:
    """The window's menu bar, an entry per command."""

    def __init__(self, window: QWidget, menu_bar: QMenuBar, commands: Iterable[Command]) -> None:
        self._window = window
        self.menus = {title: menu_bar.addMenu(title) for title in MENUS}
        #: Each command's entry, by command name.
        self.entries: dict[str, QAction] = {}
        for command in commands:
            menu = self.menus[menu_of(command)]
            entry = menu.addAction(entry_text(command))
            entry.setObjectName(f"menu:{command.name}")
            entry.setData(command.name)
            entry.triggered.connect(lambda _=False, n=command.name: self.run(n))
            self.entries[command.name] = entry
        for menu in self.menus.values():
            menu.aboutToShow.connect(lambda m=menu: self._enable(m))

    def _enable(self, menu: QMenu) -> None:
        for entry in menu.actions():
            name = entry.data()
            if isinstance(name, str):
                entry.setEnabled(live_action(self._window, name) is not None)

    def run(self, name: str) -> bool:
        """Run command ``name`` as its keys would; False when nothing can run it now."""
        action = live_action(self._window, name)
        if action is None:
            return False
        action.trigger()
        return True
