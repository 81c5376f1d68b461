"""The keys of the manual bridge's windows (the window-wide ones are in ui.actions.keymap)."""

from __future__ import annotations

from ui.actions import Command

IMPORT = "Import a thread"
HANDOFF = "Reply by hand"

BYHAND_COMMANDS: tuple[Command, ...] = (
    Command("import.open_file", "Open a saved page or export…", IMPORT, ("Ctrl+O",)),
    Command("import.confirm", "Import the ticked comments", IMPORT, ("Ctrl+Return", "Ctrl+Enter")),
    Command(
        "handoff.copy",
        "Copy the reply and open the comment in the browser",
        HANDOFF,
        ("Ctrl+Return", "Ctrl+Enter"),
    ),
    Command("handoff.sent", "Mark it sent (you pasted it)", HANDOFF, ("Ctrl+D",)),
    Command("handoff.next", "Next reply (this one waits)", HANDOFF, ("Ctrl+J",)),
)
