"""The thread pane: the post, the chain of parents and the comment, rendered safely.

Public, for the rest of ui/: ``ThreadPane``. The modules are the feature's own.
"""

from ui.thread.pane import ThreadPane

__all__ = ["ThreadPane"]
