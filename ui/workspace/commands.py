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

registry = Registry(APPROVAL_COMMANDS)
