"""Paging the inbox list in tests: the model reads its next page off the UI thread
(``InboxModel.fetch_page``), so a test waits for ``paged`` before looking at the rows; a
view opens with the rows that fill the list (``first_page_ids``)."""

from __future__ import annotations

from app.domain import InboxView
from app.store import comments
from ui.inbox.model import InboxModel
from ui.inbox.view import InboxPage


def next_page(qtbot, model: InboxModel) -> bool:
    """Page in the next rows and wait until they are in; False if there were none."""
    with qtbot.waitSignal(model.paged, timeout=5000, raising=False) as paged:
        if not model.fetch_page():
            return False
    assert paged.signal_triggered, "the next page never came"
    return True


def every_page(qtbot, model: InboxModel, at_most: int = 100) -> None:
    """Page in every row of the view (at most ``at_most`` pages)."""
    for _ in range(at_most):
        if not next_page(qtbot, model):
            return


def first_page_ids(inbox: InboxPage, view: InboxView, post_id: int | None) -> list[int]:
    """The comments a view opens with in the page's list: its top rows, as many as fill it."""
    db = inbox.core.store.reader()
    return [r.id for r in comments.view_page(db, view, post_id, limit=inbox.list.rows_to_fill())]
