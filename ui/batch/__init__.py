"""Batch replies: one template, personalised for many people, queued with one key.

Public, for the rest of ui/: ``BatchReplyDialog``. The modules are the feature's own.
"""

from ui.batch.dialog import BatchReplyDialog

__all__ = ["BatchReplyDialog"]
