"""Replies: the composer under the thread pane (one template, personalised for many
people, each copy removable or editable, queued with one key), autosaved as reply drafts.

Public, for the rest of ui/: ``ReplyComposer``. The modules are the feature's own.
"""

from ui.batch.composer import ReplyComposer

__all__ = ["ReplyComposer"]
