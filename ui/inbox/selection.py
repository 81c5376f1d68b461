""" "Every comment in this view" (Ctrl+A) without loading the view into the list.

Selecting the whole view records the view's query (view, post, filters) and a snapshot bound: the
highest comment id in the store at that moment. The list shows the rows it has loaded as
selected; the comments acted on are read, off the UI thread, as the view's rows with ids
up to the bound, so comments that arrive afterwards (a sync) are never swept up unseen.
The snapshot and the ids come from the core (``Inbox.snapshot``, ``Inbox.ids_up_to``).
"""

from __future__ import annotations

import msgspec

from app.domain import InboxFilter, InboxView


class WholeView(msgspec.Struct, frozen=True):
    """The whole of one view (optionally one post) as it was when selected."""

    view: InboxView
    post_id: int | None
    max_id: int  # comments with higher ids arrived later and are not part of it
    count: int
    generation: int  # the list model's generation it was selected in
    narrow: InboxFilter  # the filters it was shown with
