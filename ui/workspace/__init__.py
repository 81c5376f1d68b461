"""The two-laptop workspace in the window: the set-up dialog (create, join, pairing code
as text and QR, members) and the "For approval" page where the principal approves, edits
then approves, or sends back replies a delegate wrote, with their provenance."""

from ui.workspace.approval_panel import ApprovalPanel
from ui.workspace.commands import APPROVAL_COMMANDS, SHARED_COMMANDS
from ui.workspace.setup_dialog import WorkspaceDialog
from ui.workspace.shared_inbox import SharedInboxPanel

__all__ = [
    "APPROVAL_COMMANDS",
    "SHARED_COMMANDS",
    "ApprovalPanel",
    "SharedInboxPanel",
    "WorkspaceDialog",
]
