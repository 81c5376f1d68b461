"""The "For approval" page's keys, declared once (shortcuts, tooltips and the '?' help
read them through ``ui.actions.Registry``). Single letters work while the list has the
keyboard, so typing in the text or the note never triggers them."""

from __future__ import annotations

from ui.actions import Command, Registry

APPROVAL = "For approval"

APPROVAL_COMMANDS: tuple[Command, ...] = (
    Command(
        "approval.approve",
        "Approve (the selection): it goes to the outbox",
        APPROVAL,
        ("A",),
        "done",
    ),
    Command("approval.edit", "Edit, then approve", APPROVAL, ("E",), "reply"),
    Command("approval.send_back", "Send back with a note", APPROVAL, ("B",), "undo"),
    Command(
        "approval.confirm",
        "Approve the edited text, or send back with the note",
        APPROVAL,
        ("Ctrl+Return",),
    ),
    Command("approval.cancel", "Stop editing (nothing changes)", APPROVAL, ("Escape",)),
)

SHARED = "Shared inbox"

SHARED_COMMANDS: tuple[Command, ...] = (
    Command("shared.next", "Next comment", SHARED, ("J",)),
    Command("shared.prev", "Previous comment", SHARED, ("K",)),
    Command("shared.done", "Mark done (for everyone in the workspace)", SHARED, ("E",), "done"),
    Command("shared.snooze", "Snooze until tomorrow", SHARED, ("S",), "snooze"),
    Command("shared.undo", "Undo my last triage (never someone else's)", SHARED, ("U",), "undo"),
    Command("shared.reply", "Write a reply for approval", SHARED, ("R",), "reply"),
    Command("shared.note", "Add an internal note (never posted)", SHARED, ("N",)),
    Command("shared.assign_principal", "Assign to the principal", SHARED, ("Shift+P",)),
    Command("shared.assign_delegate", "Assign to the delegate", SHARED, ("Shift+D",)),
    Command(
        "shared.submit", "Submit the reply for approval, or save the note", SHARED, ("Ctrl+Return",)
    ),
)

registry = Registry([*APPROVAL_COMMANDS, *SHARED_COMMANDS])
