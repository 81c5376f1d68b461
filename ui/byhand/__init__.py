"""The manual bridge's two windows: ``ImportThreadDialog`` reads a pasted or dropped
thread into a preview and imports what the person keeps; ``ReplyByHandDialog`` hands each
bridged reply over (copy, open the comment, paste, mark sent), one at a time.
``BYHAND_COMMANDS`` are their keys, for the '?' help."""

from typing import TYPE_CHECKING

from ui.byhand.commands import BYHAND_COMMANDS
from ui.common import lazy

if TYPE_CHECKING:
    from ui.byhand.handoff_dialog import ReplyByHandDialog
    from ui.byhand.import_dialog import ImportThreadDialog

__all__ = ["BYHAND_COMMANDS", "ImportThreadDialog", "ReplyByHandDialog"]

# Loaded when first used (ui/common/lazy.py): the first paint needs none of them.
__getattr__ = lazy.exports(
    __name__,
    {
        "ReplyByHandDialog": "ui.byhand.handoff_dialog",
        "ImportThreadDialog": "ui.byhand.import_dialog",
    },
)
