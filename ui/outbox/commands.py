"""The outbox's keys, declared once: the shortcuts, the button tooltips and the '?' help
all read them from here (through ``ui.actions.Registry``). Single letters work while the
list has the keyboard, so typing in the text box never triggers them."""

from __future__ import annotations

from ui.actions import Command, Registry

OUTBOX = "Outbox"

OUTBOX_COMMANDS: tuple[Command, ...] = (
    Command("outbox.retry", "Retry, or send a held item anyway", OUTBOX, ("R",), "sync"),
    Command("outbox.edit", "Edit the text", OUTBOX, ("E",), "reply"),
    Command("outbox.cancel", "Cancel it (it will not be sent)", OUTBOX, ("Delete",)),
    Command("outbox.save_edit", "Save the edited text", OUTBOX, ("Ctrl+S",)),
    Command("outbox.discard_edit", "Discard the edit", OUTBOX, ("Escape",)),
)

registry = Registry(OUTBOX_COMMANDS)
