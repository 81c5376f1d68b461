"""Replies: the composer under the thread pane (one template, personalised for many
people, each copy removable or editable, queued with one key), autosaved as reply drafts.

Public, for the rest of ui/: ``ReplyComposer`` and ``SnippetsDialog`` (the saved replies
it inserts). The modules are the feature's own.
"""

from ui.batch.composer import ReplyComposer
from ui.batch.snippets_dialog import SnippetsDialog

__all__ = ["ReplyComposer", "SnippetsDialog"]
