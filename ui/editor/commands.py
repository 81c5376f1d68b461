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
    # Formatting, while the keyboard is in the text: Word's and Google Docs' keys where
    # they are free (Ctrl+K is the command palette, so a link is Ctrl+Shift+K; Ctrl+Shift+O
    # imports a thread by hand, so a numbered list is Ctrl+Shift+N).
    Command("editor.bold", "Bold", EDITOR, ("Ctrl+B",)),
    Command("editor.italic", "Italic", EDITOR, ("Ctrl+I",)),
    Command("editor.link", "Link…", EDITOR, ("Ctrl+Shift+K",), "link"),
    Command("editor.heading", "Heading", EDITOR, ("Ctrl+Alt+1",)),
    Command("editor.bullets", "Bulleted list", EDITOR, ("Ctrl+Shift+L",)),
    Command("editor.numbers", "Numbered list", EDITOR, ("Ctrl+Shift+N",)),
    # A picture from a file (paste and drop need no key). Not Ctrl+Shift+I: the Shared
    # inbox; M for media, free on all three desktops.
    Command("editor.image", "Insert image…", EDITOR, ("Ctrl+Shift+M",), "image"),
    # In the editor, or on a draft chosen in the sidebar. Not Delete alone: it deletes
    # text. Ctrl+Shift+Delete is free in text fields on all three desktops.
    Command("editor.delete_draft", "Delete draft", EDITOR, ("Ctrl+Shift+Delete",)),
)

registry = Registry(EDITOR_COMMANDS)
