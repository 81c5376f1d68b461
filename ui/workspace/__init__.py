"""The two-laptop workspace in the window: the set-up dialog (create, join, pairing code
as text and QR, members) and the "For approval" page where the principal approves, edits
then approves, or sends back replies a delegate wrote, with their provenance."""

from ui.workspace.approval_panel import ApprovalPanel
from ui.workspace.commands import APPROVAL_COMMANDS
from ui.workspace.setup_dialog import WorkspaceDialog

__all__ = ["APPROVAL_COMMANDS", "ApprovalPanel", "WorkspaceDialog"]
