"""The confirmation before an account is removed: it says exactly what is deleted from this
computer (comments, posts, people, notes about people found on no other account, unsent
outbox items, the saved password), that Fireside signs out on the network's server (when it
does) and that nothing else is deleted there. Cancel is the default; Remove must be chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from app.accounts import RemovalPreview
from app.text import plural


def what_goes(preview: RemovalPreview) -> str:
    """The informative text of the confirmation."""
    lines = [
        "This deletes from this computer: "
        f"{plural.count(preview.comments, 'comment')}, {plural.count(preview.posts, 'post')}, "
        f"{plural.count(preview.people, 'person', 'people')} and where the sync had got to."
    ]
    if preview.notes:
        lines.append(
            f"Your notes about {plural.count(preview.notes, 'person', 'people')} go too: "
            "they are on no other account. (Notes about people also on another account "
            "stay with them there.)"
        )
    if preview.unsent:
        lines.append(
            f"{plural.count(preview.unsent, 'outbox item')} not sent yet will be cancelled and "
            "never go out."
        )
    if preview.has_secret:
        lines.append("Its saved password is removed from the system keyring.")
    if preview.signs_out:
        lines.append(
            f"Fireside first signs out on the {preview.network_name} server, so the sign-in it "
            "saved stops working there too. Your posts and comments there are not deleted. "
            "Drafts stay; they just no longer go to this account."
        )
    else:
        lines.append(
            f"Nothing is deleted on {preview.network_name}. Drafts stay; they just no longer "
            "go to this account."
        )
    return "\n\n".join(lines)


def confirm_removal(
    parent: QWidget, preview: RemovalPreview
) -> tuple[QMessageBox, QAbstractButton]:
    """A message box (not shown yet) asking to remove the account, and its Remove button.
    Cancel is the default and Escape's answer."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Remove account",
        f"Remove {preview.name} ({preview.network_name})?",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setInformativeText(what_goes(preview))
    remove = box.addButton("&Remove account", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box, remove
