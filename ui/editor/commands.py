"""The editor's keys, declared once: the shortcuts, the button tooltips and the '?' help
all read them from here (through ``ui.actions.Registry``)."""

from __future__ import annotations

from ui.actions import Command, Registry

EDITOR = "Draft editor"

EDITOR_COMMANDS: tuple[Command, ...] = (
    Command("editor.save_version", "Keep this text as a version", EDITOR, ("Ctrl+S",)),
    Command(
        "editor.publish",
        "Publish, schedule or send for review…",
        EDITOR,
        ("Ctrl+Return", "Ctrl+Enter"),
        "post",
    ),
    # Not Ctrl+H: Qt reads Ctrl as Cmd on macOS, and Cmd+H hides the app there. Not Ctrl+Y:
    # Redo in a Windows text field. Ctrl+Shift+H is free on all three desktops.
    Command("editor.history", "Version history", EDITOR, ("Ctrl+Shift+H",)),
)

registry = Registry(EDITOR_COMMANDS)
