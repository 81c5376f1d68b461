"""The offline draft editor: Markdown with preview, autosave, history, publishing.

Public, for the rest of ui/: ``EditorPanel`` and ``EDITOR_COMMANDS`` (its keys, for the
'?' help). The modules are the feature's own.
"""

from ui.editor.commands import EDITOR_COMMANDS
from ui.editor.panel import EditorPanel

__all__ = ["EDITOR_COMMANDS", "EditorPanel"]
