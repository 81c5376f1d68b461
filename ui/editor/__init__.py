"""The offline draft editor: Markdown with preview, autosave, history, publishing.

Public, for the rest of ui/: ``EditorPanel`` and ``EDITOR_COMMANDS`` (its keys, for the
'?' help). The modules are the feature's own.
"""

from typing import TYPE_CHECKING

from ui.common import lazy
from ui.editor.commands import EDITOR_COMMANDS

if TYPE_CHECKING:
    from ui.editor.panel import EditorPanel

__all__ = ["EDITOR_COMMANDS", "EditorPanel"]

# Loaded when first used (ui/common/lazy.py): the first paint needs none of them.
__getattr__ = lazy.exports(__name__, {"EditorPanel": "ui.editor.panel"})
