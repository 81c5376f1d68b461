"""The triage inbox: a lazy list model over the store, its row painter, and the page.

Public, for the rest of ui/: ``InboxPage``. The modules are the feature's own.
"""

from ui.inbox.view import InboxPage

__all__ = ["InboxPage"]
