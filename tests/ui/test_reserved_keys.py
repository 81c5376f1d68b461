"""No command binds a key the desktop or a text field takes first, on any of the three OSes.

Qt reads "Ctrl" as Cmd on macOS, so "Ctrl+H" in a keymap is Cmd+H there, which hides the
app before Fireside sees it. The lists below come from Apple's keyboard shortcuts page and
Qt's own standard key table (QKeySequence::StandardKey, per platform); this runs on Linux,
so the other platforms' bindings are written out rather than asked of Qt.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence

from ui.actions.keymap import COMMANDS
from ui.byhand import BYHAND_COMMANDS
from ui.editor.commands import EDITOR_COMMANDS
from ui.outbox.commands import OUTBOX_COMMANDS
from ui.workspace import APPROVAL_COMMANDS, SHARED_COMMANDS

#: Keys macOS takes for itself (as a keymap spells them, Ctrl meaning Cmd).
MACOS_SYSTEM = {
    "Ctrl+H": "Cmd+H hides the app",
    "Ctrl+Alt+H": "Cmd+Option+H hides the other apps",
    "Ctrl+M": "Cmd+M minimises the window",
    "Ctrl+Tab": "Cmd+Tab switches apps",
    "Ctrl+Space": "Cmd+Space opens Spotlight",
    "Ctrl+`": "Cmd+` cycles the app's windows",
    "Ctrl+Alt+Esc": "Cmd+Option+Esc force-quits",
}
#: Keys a text field handles itself before a shortcut sees them (Qt's standard keys).
TEXT_FIELD = {
    "Ctrl+Z": "Undo",
    "Ctrl+Shift+Z": "Redo",
    "Ctrl+Y": "Redo on Windows",
    "Ctrl+X": "Cut",
    "Ctrl+C": "Copy",
    "Ctrl+V": "Paste",
    "Ctrl+A": "Select all",
}

ALL = [
    *COMMANDS,
    *EDITOR_COMMANDS,
    *OUTBOX_COMMANDS,
    *APPROVAL_COMMANDS,
    *SHARED_COMMANDS,
    *BYHAND_COMMANDS,
]


def _same(a: str, b: str) -> bool:
    return QKeySequence(a) == QKeySequence(b)  # "Shift+Ctrl+H" is "Ctrl+Shift+H"


@pytest.mark.parametrize("command", ALL, ids=lambda c: c.name)
def test_no_command_uses_a_key_macos_keeps(command):
    for key in command.keys:
        taken = [why for system, why in MACOS_SYSTEM.items() if _same(key, system)]
        assert not taken, f"{command.name}: {key} is {taken[0]} on macOS"


@pytest.mark.parametrize("command", EDITOR_COMMANDS, ids=lambda c: c.name)
def test_no_editor_command_uses_a_text_editing_key(command):
    for key in command.keys:
        taken = [why for edit, why in TEXT_FIELD.items() if _same(key, edit)]
        assert not taken, f"{command.name}: {key} is {taken[0]} in the editor's text fields"


def test_version_history_is_ctrl_shift_h():
    [history] = [c for c in EDITOR_COMMANDS if c.name == "editor.history"]
    assert history.keys == ("Ctrl+Shift+H",)


@pytest.mark.parametrize("scope", sorted({c.scope for c in ALL}))
def test_no_two_commands_of_a_scope_share_a_key(scope):
    """Qt fires neither of two shortcuts bound to one key ("ambiguous"), so a clash
    silently disables both."""
    keys = [
        (QKeySequence(key).toString(), c.name) for c in ALL if c.scope == scope for key in c.keys
    ]
    seen: dict[str, str] = {}
    for key, name in keys:
        assert seen.setdefault(key, name) == name, f"{key}: {seen[key]} and {name}"
