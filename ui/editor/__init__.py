"""The offline draft editor: Markdown with preview, autosave, history, publishing.

Public, for the rest of ui/: ``EditorPanel``, ``EDITOR_COMMANDS`` (its keys, for the
'?' help) and ``editor_keys`` (their registry, for the sidebar's Delete draft), and
``DraftDeletion`` with ``deleted_text`` (deleting drafts and bringing them back, for the
window). The modules are the feature's own.
"""

from typing import TYPE_CHECKING

from ui.common import lazy
from ui.editor.commands import EDITOR_COMMANDS
from ui.editor.commands import registry as editor_keys
from ui.editor.deletion import DraftDeletion, deleted_text

if TYPE_CHECKING:
    from ui.editor.panel import EditorPanel

__all__ = ["EDITOR_COMMANDS", "DraftDeletion", "EditorPanel", "deleted_text", "editor_keys"]

# Loaded when first used (ui/common/lazy.py): the first paint needs none of them.
__getattr__ = lazy.exports(__name__, {"EditorPanel": "ui.editor.panel"})
