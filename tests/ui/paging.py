"""Paging the inbox list in tests: the model reads its next page off the UI thread
(``InboxModel.fetch_page``), so a test waits for ``paged`` before looking at the rows."""

from __future__ import annotations

from ui.inbox.model import InboxModel


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
