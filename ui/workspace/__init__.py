"""The two-laptop workspace in the window.

Public, for the rest of ui/: ``WorkspaceDialog`` (set-up: create, join, the pairing code
as text and QR, members, remove a delegate), ``ApprovalPanel`` (the "For approval" page:
approve, edit then approve, send back, with provenance), ``SharedInboxPanel`` (the
principal's shared comments: triage, assignments, internal notes, replies for approval),
``ProvenanceLine`` (who drafted and approved a reply, under a thread and in the outbox),
and their keys ``APPROVAL_COMMANDS`` and ``SHARED_COMMANDS``. The modules are the
feature's own.
"""

from typing import TYPE_CHECKING

from ui.common import lazy
from ui.workspace.commands import APPROVAL_COMMANDS, SHARED_COMMANDS
from ui.workspace.provenance import ProvenanceLine

if TYPE_CHECKING:
    from ui.workspace.approval_panel import ApprovalPanel
    from ui.workspace.setup_dialog import WorkspaceDialog
    from ui.workspace.shared_inbox import SharedInboxPanel

__all__ = [
    "APPROVAL_COMMANDS",
    "SHARED_COMMANDS",
    "ApprovalPanel",
    "ProvenanceLine",
    "SharedInboxPanel",
    "WorkspaceDialog",
]

# Loaded when first used (ui/common/lazy.py): the first paint needs none of them.
__getattr__ = lazy.exports(
    __name__,
    {
        "ApprovalPanel": "ui.workspace.approval_panel",
        "SharedInboxPanel": "ui.workspace.shared_inbox",
        "WorkspaceDialog": "ui.workspace.setup_dialog",
    },
)
